"""At the size of a large enterprise the result is the one small files give: a 100,000-person
org (20,000 teams) written as one 25 MB file yields exactly the findings of the same org
written one file per team. Minutes of CPU: marked ``scale``, run by ``tox -e scale`` (and by
``pytest -m scale``), left out of a plain ``pytest``."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

pytestmark = pytest.mark.scale

PEOPLE = 100_000


def findings(cli, folder: Path, monkeypatch) -> tuple[Counter[tuple[str, ...]], dict[str, object]]:
    """Each finding as it reads wherever it stands (code, severity, entity, field, message),
    counted, and the summary."""
    (folder / "orglint.yaml").write_text("include: ['**/*.yaml']\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    code, out, err = cli("check", "--no-cache", "--format", "json")
    assert (code, err) == (1, "")
    found = json.loads(out)
    return Counter(
        (item["code"], item["severity"], str(item["entity"]), str(item["field"]), item["message"])
        for item in found["findings"]
    ), found["summary"]


def test_one_large_file_gives_the_findings_of_small_files(cli, tmp_path, monkeypatch):
    generate.write(tmp_path / "single", PEOPLE, layout="single")
    generate.write(tmp_path / "split", PEOPLE)
    assert (tmp_path / "single" / "org.yaml").stat().st_size > 20_000_000
    single, single_summary = findings(cli, tmp_path / "single", monkeypatch)
    split, split_summary = findings(cli, tmp_path / "split", monkeypatch)
    assert "ORG001" not in {key[0] for key in single}  # nothing refused
    assert single == split
    assert sum(single.values()) == 3_215
    assert single_summary == split_summary
