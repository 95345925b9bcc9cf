"""Docs that cannot drift: every hook in orglint/hookspecs.py is documented in docs/plugins.md
under "## Hooks", as a heading with its exact signature (datasette's style):

    ### `orglint_configure(config: Any) -> None`
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from orglint import hookspecs

ROOT = Path(__file__).resolve().parent.parent
HOOKSPECS = ROOT / "orglint" / "hookspecs.py"
PLUGINS_MD = ROOT / "docs" / "plugins.md"
HEADING = re.compile(r"^### `(?P<signature>(?P<name>\w+)\(.*\)(?: -> .+)?)`[ \t]*$", re.M)


def _is_hookspec(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Name) and target.id == "hookspec"


def declared(source: str) -> dict[str, str]:
    """Hook name -> ``name(params) -> returns``, as written in the hookspecs source."""
    hooks = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and any(map(_is_hookspec, node.decorator_list)):
            returns = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
            hooks[node.name] = f"{node.name}({ast.unparse(node.args)}){returns}"
    return hooks


def documented(markdown: str) -> dict[str, list[str]]:
    """Hook name -> the signatures its headings show in the "## Hooks" section."""
    parts = re.split(r"^## Hooks[ \t]*$", markdown, maxsplit=1, flags=re.M)
    assert len(parts) == 2, "docs/plugins.md has no '## Hooks' section"
    section = re.split(r"^## ", parts[1], maxsplit=1, flags=re.M)[0]
    found: dict[str, list[str]] = {}
    for match in HEADING.finditer(section):
        found.setdefault(match["name"], []).append(match["signature"])
    return found


def drift(source: str, markdown: str) -> list[str]:
    """Every way the docs and the hookspecs disagree; [] when they agree."""
    code, docs = declared(source), documented(markdown)
    problems = []
    for name, signature in code.items():
        shown = docs.get(name, [])
        if not shown:
            problems.append(f"{name} is not documented; add: ### `{signature}`")
        elif shown != [signature]:
            problems.append(f"{name} is documented as {shown}, but is `{signature}`")
    problems.extend(f"{name} is documented but is no hook" for name in docs if name not in code)
    return problems


SOURCE = HOOKSPECS.read_text(encoding="utf-8")
MARKDOWN = PLUGINS_MD.read_text(encoding="utf-8")
HOOKS = sorted(declared(SOURCE))


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_with_its_signature(hook):
    assert [problem for problem in drift(SOURCE, MARKDOWN) if problem.startswith(hook)] == []


def test_docs_name_no_hook_that_does_not_exist():
    assert drift(SOURCE, MARKDOWN) == []


def test_the_parsed_hooks_are_the_ones_pluggy_sees():
    live = {name: function for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
            if hasattr(function, "orglint_spec")}
    assert sorted(live) == HOOKS
    nodes = {node.name: node for node in ast.parse(SOURCE).body if isinstance(node, ast.FunctionDef)}
    for name, function in live.items():
        args = nodes[name].args
        written = [arg.arg for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        assert list(inspect.signature(function).parameters) == written
        assert inspect.getdoc(function), f"hookspec {name} has no docstring"


def test_a_changed_signature_or_a_missing_hook_is_caught():
    changed = MARKDOWN.replace("### `orglint_configure(config: Any) -> None`",
                               "### `orglint_configure(config: Config) -> None`")
    assert changed != MARKDOWN
    assert any("orglint_configure is documented as" in p for p in drift(SOURCE, changed))
    missing = MARKDOWN.replace("### `orglint_rules() -> list[Rule]`", "")
    assert any(p.startswith("orglint_rules is not documented") for p in drift(SOURCE, missing))
    extra = SOURCE + "\n\n@hookspec\ndef orglint_new(thing: int) -> str:\n    ...\n"
    assert any("orglint_new is not documented" in p for p in drift(extra, MARKDOWN))
