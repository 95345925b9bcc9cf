"""Case files for rules: one YAML file per rule, one parametrised test runs them all.

A case file (``tests/rules/BND001.yaml``)::

    rule: BND001
    cases:
      - name: a handoff nobody owns
        options: {max: 2}          # optional: the rule's options
        org: |
          handoffs:
            a-to-b: {from: a, to: b}
        expect:
          - {code: BND001, line: 2, column: 3, message: "..."}   # message optional
      - name: a waiver in the config (positions in it are reported under orglint.yaml)
        select: [BND001]           # optional: more rules to run, e.g. the one a waiver waives
        today: 2026-06-01          # optional: the date waivers expire against
        config: |
          waivers:
            - {rule: BND001, target: handoff:a-to-b, reason: hiring, owner: ana, expires: 2026-12-31}
        org: |
          ...
      - name: org-wide settings come from the config too
        config: |
          complexity: {medium_rate: 0.1, high_rate: 0.3}
        org: |
          ...
      - name: an owned handoff passes
        org: |
          ...
        expect: []
      - name: an evidence rule reads event logs
        evidence: |                # a config holding an `evidence:` section (orglint.yaml)
          evidence: {min_support: 1, k: 1, logs: [{path: events.csv}]}
        logs:                      # files beside that config
          events.csv: |
            case,timestamp,team
            c1,2024-03-04T09:00:00Z,desk
        org: |
          ...

Only the case's rule runs, plus the loading checks (ORG001-ORG005), so a broken input shows
up as a failure instead of passing silently. Plugin authors use the same runner:
``orglint.testing.run_case`` and ``orglint.testing.load_cases``.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orglint.config import ConfigError, read_complexity, waivers_from
from orglint.engine.check import Settings, check
from orglint.engine.waivers import Waiver
from orglint.load.documents import load_file, load_text
from orglint.model import Complexity
from orglint.registry import Registry
from orglint.schema.config import validate_config

LOADING_CODES = ("ORG001", "ORG002", "ORG003", "ORG004", "ORG005")
CASE_PATH = "org.yaml"
CONFIG_PATH = "orglint.yaml"
CASE_CONFIG_KEYS = ("waivers", "complexity")  # what a case's config may set


@dataclass
class Case:
    """One case of a case file: the ``rule`` under test, the case's ``name``, the ``org`` YAML
    text, what to ``expect`` (``[{code, line, column, message?, severity?}]``, 1-based positions
    in ``org.yaml``), the rule's ``options``, a ``severity`` override, the ``source`` file, more
    rules to ``select``, a ``config`` text (its ``waivers``) and the date (``today``) waivers
    expire against (None: the day of the run)."""

    rule: str
    name: str
    org: str
    expect: list[dict[str, Any]]
    options: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None
    source: str = ""
    select: list[str] = field(default_factory=list)
    config: str | None = None
    today: datetime.date | None = None
    evidence: str | None = None
    logs: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """``CODE: case name``, for test ids and messages."""
        return f"{self.rule}: {self.name}"


def load_cases(path: str | Path) -> list[Case]:
    """Every case of a case file, in order.

    Raises ``OSError`` when the file cannot be read, ``ValueError`` when it is not valid YAML or
    holds no document, ``KeyError`` when ``rule``, ``cases`` or a case's ``name`` or ``org`` is
    missing.
    """
    loaded = load_file(str(path))
    if loaded.problems or not loaded.documents:
        raise ValueError(f"{path}: not a readable case file: {loaded.problems}")
    data = loaded.documents[0].data
    return [
        Case(rule=data["rule"], name=item["name"], org=item["org"], expect=item.get("expect") or [],
             options=item.get("options") or {}, severity=item.get("severity"), source=str(path),
             select=list(item.get("select") or []), config=item.get("config"),
             today=item.get("today"), evidence=item.get("evidence"),
             logs=dict(item.get("logs") or {}))
        for item in data["cases"]
    ]


def run_case(case: Case, registry: Registry) -> list[dict[str, Any]]:
    """The findings of a case as ``[{code, line, column, message, severity}]``, 1-based
    positions in ``org.yaml``: the case's rule with its options and severity, the rules in its
    ``select``, and the loading checks ORG001-ORG005.

    A case with ``evidence`` (a config text) and ``logs`` (file name -> content) reads those
    logs for the EVD rules. Raises ``ValueError`` for a bad ``config`` text, ``RuleCrash`` when
    a rule raises.
    """
    entry: dict[str, Any] = {"options": case.options}
    if case.severity:
        entry["severity"] = case.severity
    waivers, complexity = case_config(case)
    with tempfile.TemporaryDirectory(prefix="orglint-case-") as folder:
        observe = (evidence_observer(case.evidence, case.logs, Path(folder))
                   if case.evidence is not None else None)
        settings = Settings(select=[case.rule, *case.select, *LOADING_CODES],
                            rules={case.rule: entry}, waivers=waivers, today=case.today,
                            complexity=complexity, observe=observe)
        result = check([load_text(case.org, CASE_PATH)], registry, settings)
    return [
        {"code": f.code, "line": f.line, "column": f.column, "message": f.message,
         "severity": f.severity}
        for f in result.findings
    ]


def evidence_observer(config: str, logs: dict[str, str], folder: Path) -> Callable[[Any], Any]:
    """``Settings.observe`` for a config text holding ``evidence:`` and the logs it names,
    written into ``folder`` (positions in the config are reported under orglint.yaml)."""
    from orglint.config import load_config
    from orglint.evidence import observer

    for name, text in logs.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / CONFIG_PATH
    path.write_text(config, encoding="utf-8")
    loaded = load_config(path, CONFIG_PATH)
    if loaded.evidence is None:
        raise ValueError(f"{path}: the config has no 'evidence:' section")
    return observer(loaded.evidence)


def case_config(case: Case) -> tuple[list[Waiver], Complexity]:
    """The waivers and the org-wide complexity setting of a case's ``config``, read as the
    config file would be (it may set only ``CASE_CONFIG_KEYS``); none and the default rates
    without a config.

    Raises ``ValueError`` naming the case and every problem, at its position under
    ``orglint.yaml``, when the text is not valid YAML, sets another key, or a value is invalid.
    """
    if case.config is None:
        return [], Complexity()
    loaded = load_text(case.config, CONFIG_PATH)
    problems = [f"{hit.position}: {hit.message}" for hit in loaded.problems]
    document = loaded.documents[0] if loaded.documents else None
    data = document.data if document is not None and isinstance(document.data, dict) else {}
    if document is not None and not problems:
        problems.extend(f"{position}: {message}"
                        for position, message in validate_config(data, document))
        problems.extend(f"{document.position((key,), key=True)}: a case's config sets only "
                        f"{' and '.join(CASE_CONFIG_KEYS)}, not '{key}'"
                        for key in data if key not in CASE_CONFIG_KEYS)
    if problems or document is None:
        raise ValueError(f"{case.id}: bad config: {'; '.join(problems) or 'empty'}")
    try:
        complexity = read_complexity(data.get("complexity"), document)
    except ConfigError as exc:
        raise ValueError(f"{case.id}: bad config: {exc}") from exc
    return waivers_from(document, data.get("waivers"), "waivers"), complexity


def compare(case: Case, actual: list[dict[str, Any]]) -> list[str]:
    """Differences between expected and ``actual`` findings (as ``run_case`` returns them), one
    line each; [] when they agree.

    Each expectation names code, line and column; message and severity are compared when
    given. Order does not matter; every actual finding must be expected.
    """

    def keys(item: dict[str, Any]) -> tuple[Any, Any, Any]:
        return item["code"], item["line"], item["column"]

    problems = []
    remaining = list(actual)
    for expected in case.expect:
        match = next((item for item in remaining if keys(item) == keys(expected)), None)
        if match is None:
            problems.append(f"missing {keys(expected)}")
            continue
        remaining.remove(match)
        for key in ("message", "severity"):
            if key in expected and expected[key] != match[key]:
                problems.append(f"{keys(expected)} {key}: expected {expected[key]!r}, got "
                                f"{match[key]!r}")
    problems.extend(f"unexpected {keys(item)}: {item['message']}" for item in remaining)
    return problems
