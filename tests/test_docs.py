"""Docs that cannot drift: the rule catalog, the README's links and sample output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from orglint.docs import catalog_markdown

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_catalog_is_generated_from_the_code(registry):
    expected = catalog_markdown(list(registry))
    actual = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "regenerate with: python -m orglint.docs > docs/rules.md"


def test_docs_module_prints_the_catalog(registry, tmp_path):
    # run outside the source tree, so the installed package (with orglint.rules) is imported
    env = {**os.environ, "ORGLINT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    out = subprocess.run([sys.executable, "-m", "orglint.docs"], capture_output=True, text=True,
                         check=True, env=env, cwd=tmp_path).stdout
    assert out == catalog_markdown(list(registry))


def test_readme_links_point_at_files():
    for target in re.findall(r"\]\(((?:docs|examples|plugins|benchmarks)/[^)#]+)", README):
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_readme_sample_output_is_the_firm_example_golden():
    """The README shows an excerpt of the golden output: its lines, in order, with `...` gaps."""
    golden = (ROOT / "examples" / "northwind-services" / "expected.txt").read_text(encoding="utf-8")
    sample = re.search(r"<!-- sample-output -->\n```text\n(.*?)```", README, re.S)
    assert sample, "README has no sample output block"
    lines = golden.splitlines()
    shown = sample.group(1).splitlines()
    assert shown and shown[-1] == lines[-1], "the excerpt ends with the golden's last line"
    position, gap = 0, True
    for line in shown:
        if line == "...":
            gap = True
            continue
        if gap:
            assert line in lines[position:], f"README sample line not in the golden: {line}"
            position = lines.index(line, position)
        else:
            assert lines[position] == line, f"README sample skips lines without '...': {line}"
        position, gap = position + 1, False


def test_format_reference_is_generated_from_the_schema():
    from orglint.docs import format_markdown

    actual = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    hint = "regenerate with: python -m orglint.docs format > docs/format.md"
    assert actual == format_markdown(), hint
