"""The layering the code relies on, checked on the source: rules read only the model, nobody
reads the YAML behind an entity, and rule codes live in the rule pack only."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULE_MODULES = sorted((ROOT / "rules").glob("*.py"))
# what rules, impact, the report and the example plugin read: the model, never the YAML
MODEL_READERS = [
    *RULE_MODULES,
    ROOT / "orglint" / "engine" / "impact.py",
    *sorted((ROOT / "orglint" / "outputs" / "report").glob("*.py")),
    *sorted((ROOT / "plugins" / "orglint-segregation").rglob("*.py")),
]
CODE = re.compile(r"\b[A-Z]{2,5}[0-9]{3}\b")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in a file; relative ones as '.name'."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def allowed_in_a_rule(module: str) -> bool:
    if module.startswith("."):  # another module of the rule pack itself
        return True
    if module in ("orglint", "orglint.model"):
        return True
    return module.split(".")[0] in sys.stdlib_module_names


def test_there_are_rule_modules_to_check():
    assert {path.name for path in RULE_MODULES} >= {"__init__.py", "boundaries.py", "raci.py"}


@pytest.mark.parametrize("path", RULE_MODULES, ids=lambda path: path.name)
def test_a_rule_module_imports_only_orglint_the_model_and_the_standard_library(path):
    wrong = [f"{path.name}:{line}: {module}" for line, module in imported_modules(path)
             if not allowed_in_a_rule(module)]
    assert wrong == []


def test_the_import_check_catches_a_deep_import():
    assert not allowed_in_a_rule("orglint.model.entities")
    assert not allowed_in_a_rule("orglint.schema.org")
    assert not allowed_in_a_rule("yaml")
    assert allowed_in_a_rule("collections.abc")


@pytest.mark.parametrize("path", MODEL_READERS, ids=lambda path: str(path.relative_to(ROOT)))
def test_nobody_reads_the_yaml_behind_an_entity(path):
    text = path.read_text(encoding="utf-8")
    assert [number for number, line in enumerate(text.splitlines(), 1)
            if re.search(r"\.raw\b", line)] == []


def test_entities_do_not_carry_the_yaml():
    from orglint.load.documents import load_text
    from orglint.model import build_org

    org = build_org(load_text("teams:\n  sales: {lead: leo}\n", "org.yaml").documents)
    assert not hasattr(org.teams["sales"], "raw")


def strings_in_code(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant in a file that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


MODEL_AND_ENGINE = sorted([*(ROOT / "orglint" / "model").glob("*.py"),
                           *(ROOT / "orglint" / "engine").glob("*.py")])


@pytest.mark.parametrize("path", MODEL_AND_ENGINE, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_rule_code_is_written_in_the_model_or_the_engine(path):
    assert [(line, text) for line, text in strings_in_code(path) if CODE.search(text)] == []


def test_the_rule_code_check_sees_strings_but_not_docstrings(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text('"""About ORG001."""\n\ndef f():\n    """ORG002 here."""\n'
                      '    return {"ORG003": f"{1}ORG004"}\n', encoding="utf-8")
    found = [text for _, text in strings_in_code(source) if CODE.search(text)]
    assert found == ["ORG003", "ORG004"]


@pytest.mark.parametrize(("texts", "kind"), [
    (["teams: [sales\n"], "syntax"),
    (["teams:\n  sales: {colour: red}\n"], "schema"),
    (["teams:\n  sales: {lead: loe}\n"], "unknown-reference"),
    (["teams:\n  sales: {}\n", "teams:\n  sales: {}\n"], "duplicate-id"),
    (["people:\n  ana: {reports_to: leo}\n  leo: {reports_to: ana}\n"], "cycle"),
])
def test_problems_are_recorded_by_kind(texts, kind):
    from orglint.engine.check import prepare
    from orglint.load.documents import load_text
    from orglint.model import PROBLEM_KINDS

    org, _ = prepare([load_text(text, f"org{index}.yaml") for index, text in enumerate(texts)])
    assert set(org.problems) == set(PROBLEM_KINDS)
    assert {found for found, hits in org.problems.items() if hits} == {kind}
