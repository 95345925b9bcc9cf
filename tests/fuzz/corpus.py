"""Seed inputs: the example ops repos and the rule case files, as in-memory folders.

An ``Input`` is a folder (relative path -> bytes) and the orglint command line run in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
CASES = REPO / "tests" / "rules"
CONFIG = "orglint.yaml"
# files of an example that are not org data: its expected outputs, its README, its event logs
_NOT_ORG = ("expected", "README")


@dataclass(frozen=True)
class Input:
    """One fuzz input: ``files`` (relative POSIX path -> content) written into an empty
    folder, and ``argv``, the orglint arguments run there (``("check", "--format", "json")``).
    ``origin`` says where it came from (seed and mutations), for the report only."""

    files: dict[str, bytes]
    argv: tuple[str, ...] = ("check",)
    origin: str = field(default="", compare=False)


def example_seeds() -> list[Input]:
    """Every example under examples/ with its config, without expected outputs, READMEs and
    event logs; an ``evidence:`` section is dropped (reading event logs takes seconds)."""
    seeds = []
    for folder in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        files: dict[str, bytes] = {}
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if not path.is_file() or rel.startswith("logs/") or rel.startswith(_NOT_ORG):
                continue
            data = path.read_bytes()
            if rel == CONFIG:
                data = _without_evidence(data)
            files[rel] = data
        seeds.append(Input(files, origin=f"examples/{folder.name}"))
    return seeds


def _without_evidence(config: bytes) -> bytes:
    """A config text without its top-level ``evidence:`` block (kept as text, comments too)."""
    kept, skipping = [], False
    for line in config.decode("utf-8").splitlines(keepends=True):
        if line.startswith("evidence:"):
            skipping = True
            continue
        if skipping and line.strip() and not line[0].isspace():
            skipping = False
        if not skipping:
            kept.append(line)
    return "".join(kept).encode("utf-8")


def case_seeds() -> list[Input]:
    """Every case of tests/rules/*.yaml that needs no event logs: its org as org.yaml, and an
    orglint.yaml holding the case's config text, rule options, severity and selection."""
    seeds = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for number, case in enumerate(data.get("cases") or []):
            if case.get("evidence") is not None:
                continue
            files = {"org.yaml": case["org"].encode("utf-8")}
            config = _case_config(data["rule"], case)
            if config:
                files[CONFIG] = config.encode("utf-8")
            seeds.append(Input(files, origin=f"tests/rules/{path.name}#{number}"))
    return seeds


def _case_config(rule: str, case: dict[str, Any]) -> str:
    """The config text that runs a case as ``orglint check`` would: the case's own config
    text, then its rule options and severity."""
    text = case.get("config") or ""
    entry: dict[str, Any] = {}
    if case.get("options"):
        entry["options"] = case["options"]
    if case.get("severity"):
        entry["severity"] = case["severity"]
    if entry:
        text += yaml.safe_dump({"rules": {rule: entry}}, sort_keys=True)
    return text


def all_seeds() -> list[Input]:
    """The examples and the rule cases, in a fixed order."""
    return [*example_seeds(), *case_seeds()]
