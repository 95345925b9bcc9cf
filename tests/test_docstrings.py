"""Docstrings that carry the contract: every public function and class of the package has one.

Public means a name without a leading ``_``: at module level, or a method of a public class.
``ALLOWED_MISSING`` names the few still without one; it only shrinks: the test fails when a
name outside it lacks a docstring, and when a name in it has one or no longer exists.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("orglint", "rules")

# module path -> public names (``Class.method`` for methods) that still lack a docstring
ALLOWED_MISSING: dict[str, tuple[str, ...]] = {}

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, looking inside ``if``/``try`` blocks (version switches)."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _statements(node.body)
            yield from _statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody,
                          *(handler.body for handler in node.handlers)):
                yield from _statements(block)
        else:
            yield node


def public_definitions(tree: ast.Module) -> Iterator[tuple[str, Definition]]:
    """``(name, node)`` of every public function and class, and of each public class's public
    methods (``Class.method``)."""
    for node in _statements(tree.body):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if node.name.startswith("_"):
            continue
        yield node.name, node
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if (isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                        and not item.name.startswith("_")):
                    yield f"{node.name}.{item.name}", item


def missing_docstrings(source: str) -> list[str]:
    """The public names of a module's source that have no docstring, in file order."""
    tree = ast.parse(source)
    return [name for name, node in public_definitions(tree) if ast.get_docstring(node) is None]


def package_modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
                  if "__pycache__" not in path.parts)


def undocumented() -> dict[str, list[str]]:
    """Module path (relative, forward slashes) -> its public names without a docstring."""
    found = {}
    for path in package_modules():
        names = missing_docstrings(path.read_text(encoding="utf-8"))
        if names:
            found[path.relative_to(ROOT).as_posix()] = names
    return found


def all_public_names() -> set[str]:
    return {f"{path.relative_to(ROOT).as_posix()}:{name}" for path in package_modules()
            for name, _ in public_definitions(ast.parse(path.read_text(encoding="utf-8")))}


def test_every_public_function_and_class_has_a_docstring():
    allowed = {f"{path}:{name}" for path, names in ALLOWED_MISSING.items() for name in names}
    missing = {f"{path}:{name}" for path, names in undocumented().items() for name in names}
    unexpected = sorted(missing - allowed)
    assert not unexpected, (
        "say what it takes, returns (shapes, units) and raises: " + ", ".join(unexpected))


def test_the_allowlist_only_shrinks():
    allowed = {f"{path}:{name}" for path, names in ALLOWED_MISSING.items() for name in names}
    missing = {f"{path}:{name}" for path, names in undocumented().items() for name in names}
    documented = sorted((allowed - missing) & all_public_names())
    gone = sorted(allowed - all_public_names())
    assert not documented, "documented now, remove from ALLOWED_MISSING: " + ", ".join(documented)
    assert not gone, "no longer exists, remove from ALLOWED_MISSING: " + ", ".join(gone)


def test_the_walk_finds_what_it_should():
    source = '''
class Public:
    """Doc."""

    def method(self):
        pass

    def _private(self):
        pass

    @property
    def value(self):
        """Doc."""


class _Hidden:
    def method(self):
        pass


def function():
    pass


async def waits():
    """Doc."""


if True:
    def switched():
        pass
'''
    assert missing_docstrings(source) == ["Public.method", "function", "switched"]
