"""SARIF 2.1.0, ready for GitHub code scanning (``github/codeql-action/upload-sarif``).

Every selected rule is listed under ``tool.driver.rules`` with its documentation as help;
results carry a repo-relative uri (paths as orglint shows them: run from the repository's
root), 1-based line and column, and ``partialFingerprints["orglint/v1"]``: the finding's
fingerprint (rule + entity + field), which stays the same across runs and unrelated edits.
Waived findings are results with a SARIF ``suppressions`` entry, so code scanning shows them
as dismissed in source instead of open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from orglint.files import json_text

if TYPE_CHECKING:
    from orglint.engine.check import CheckResult
    from orglint.engine.waivers import Waiver
    from orglint.finding import Finding
    from orglint.outputs.formatters import FormatContext
    from orglint.registry import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/orglint/orglint"
# the rule catalog (docs/rules.md, generated from the rules' docstrings); each rule has an
# anchor "<code>-<name>", e.g. #bnd001-handoff-owner
FINGERPRINT_KEY = "orglint/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def uri(path: str) -> str:
    """A relative URI reference for a displayed path: spaces, `:` and `%` percent-encoded, and
    a file name's bytes that are not UTF-8 (``os.fsdecode``'s surrogate escapes) as the bytes
    they stand for (``bad\\udcff.yaml`` -> ``bad%FF.yaml``)."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file system byte gives
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def help_uri(item: Rule, template: str) -> str:
    """The config's ``rule_docs_url`` for one rule: ``{code}`` (BND001), ``{name}``
    (handoff-owner) and ``{anchor}`` (bnd001-handoff-owner, the heading's anchor in
    docs/rules.md) filled in; a URL without placeholders gets ``#{anchor}``."""
    anchor = f"{item.code.lower()}-{item.name}"
    if not any(f"{{{key}}}" in template for key in ("code", "name", "anchor")):
        return f"{template}#{anchor}"
    return (template.replace("{code}", item.code).replace("{name}", item.name)
            .replace("{anchor}", anchor))


def _why(item: Rule) -> str:
    """The documentation up to the examples: the why in two or three sentences."""
    return item.doc.split("Fails:", 1)[0].strip() or item.summary or item.name


def rule_entry(item: Rule, docs_url: str | None = None) -> dict[str, Any]:
    """The ``reportingDescriptor`` of a rule: id, name, descriptions, help, level, tags, and
    ``helpUri`` when ``docs_url`` (the config's ``rule_docs_url``) says where the docs are."""
    entry = {
        "id": item.code,
        "name": item.name,
        "shortDescription": {"text": item.summary or item.name},
        "fullDescription": {"text": _why(item)},
        "help": {"text": item.doc or item.name, "markdown": item.doc or item.name},
        "defaultConfiguration": {"level": LEVELS[item.severity]},
        "properties": {"tags": [item.area], "blocksStage": item.blocks_stage},
    }
    if docs_url:
        entry["helpUri"] = help_uri(item, docs_url)
    return entry


def result_entry(finding: Finding, index: dict[str, int], waiver: Waiver | None = None
                 ) -> dict[str, Any]:
    """The SARIF ``result`` of a finding; ``index`` maps codes to positions in the rules list,
    and a ``waiver`` adds a ``suppressions`` entry."""
    entry: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(finding.path)},
                "region": {"startLine": max(finding.line, 1),
                           "startColumn": max(finding.column, 1)},
            },
        }],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.code in index:
        entry["ruleIndex"] = index[finding.code]
    if finding.entity:
        entry["properties"] = {"entity": finding.entity, "field": finding.field}
    if waiver is not None:
        from orglint.engine.waivers import describe

        suppression: dict[str, Any] = {
            "kind": "inSource" if waiver.inline else "external",
            "status": "accepted",
            "justification": describe(waiver),
            "location": {"physicalLocation": {
                "artifactLocation": {"uri": uri(waiver.path)},
                "region": {"startLine": waiver.line, "startColumn": waiver.column},
            }},
        }
        entry["suppressions"] = [suppression]
    return entry


def document(result: CheckResult, context: FormatContext) -> dict[str, Any]:
    """The SARIF log as a dict: one run with the selected rules and every result (waived ones
    suppressed), sorted by uri, line, column, rule and message."""
    rules = sorted(result.rules, key=lambda item: item.code)
    index = {item.code: number for number, item in enumerate(rules)}
    results = [result_entry(finding, index) for finding in result.findings]
    results.extend(result_entry(finding, index, waiver) for finding, waiver in result.waived)
    results.sort(key=lambda entry: (
        entry["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        entry["locations"][0]["physicalLocation"]["region"]["startLine"],
        entry["locations"][0]["physicalLocation"]["region"]["startColumn"],
        entry["ruleId"], entry["message"]["text"]))
    stage = result.stage
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "orglint",
                "version": context.version,
                "semanticVersion": context.version,
                "informationUri": INFORMATION_URI,
                "rules": [rule_entry(item, context.rule_docs_url) for item in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "stage": {"number": stage.number, "name": stage.name},
                "waived": len(result.waived),
                "baselined": len(result.baselined),
            },
        }],
    }


def render(result: CheckResult, context: FormatContext) -> str:
    """``document`` as indented JSON text ending in a newline."""
    return json_text(document(result, context))
