"""JUnit XML, as CI servers read it (Jenkins, GitLab, Azure, CircleCI).

One ``<testsuite>`` per checked file, one ``<testcase>`` per finding (``<failure>`` when its
severity reaches the fail level, ``<system-out>`` otherwise, ``<skipped>`` when a waiver
silenced it), and a passing testcase for a file without findings, so a clean file shows as a
passed test. Valid against the JUnit schema Jenkins uses, and well-formed XML whatever the
names hold: characters XML 1.0 cannot carry (``\\0``, ``\\x1b``, U+FFFE) are shown as text.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from orglint.outputs.formatters import visible

if TYPE_CHECKING:
    from orglint.engine.check import CheckResult
    from orglint.engine.waivers import Waiver
    from orglint.finding import Finding
    from orglint.outputs.formatters import FormatContext


def _case(suite: ET.Element, finding: Finding) -> ET.Element:
    return ET.SubElement(suite, "testcase", {
        "name": f"{finding.code} {finding.name} at {finding.line}:{finding.column}",
        "classname": visible(finding.path),
        "time": "0",
    })


def render(result: CheckResult, context: FormatContext) -> str:
    """The JUnit XML text, UTF-8 declared, ending in a newline."""
    from orglint.engine.waivers import describe
    from orglint.finding import SEVERITY_RANK

    threshold = SEVERITY_RANK[result.fail_on]
    by_file: dict[str, list[tuple[Finding, Waiver | None]]] = defaultdict(list)
    for path in result.files:
        by_file[path] = []
    for finding in result.findings:
        by_file[finding.path].append((finding, None))
    for finding, used in result.waived:
        by_file[finding.path].append((finding, used))
    root = ET.Element("testsuites", {"name": "orglint", "time": "0"})
    total = failures = 0
    for path in sorted(by_file):
        entries = sorted(by_file[path], key=lambda pair: pair[0])
        suite = ET.SubElement(root, "testsuite", {"name": visible(path), "tests": "0",
                                                  "failures": "0",
                                                  "errors": "0", "skipped": "0", "time": "0"})
        failed = skipped = 0
        for finding, waiver in entries:
            case = _case(suite, finding)
            text = visible(f"{finding.location}: {finding.code} [{finding.severity}] "
                           f"{finding.message}")
            if waiver is not None:
                skipped += 1
                ET.SubElement(case, "skipped", {
                    "message": visible(f"waived by {waiver.label} at {waiver.position}: "
                                       f"{describe(waiver)}")})
            elif SEVERITY_RANK[finding.severity] >= threshold:
                failed += 1
                failure = ET.SubElement(case, "failure", {"type": finding.severity,
                                                          "message": visible(finding.message)})
                failure.text = text
            else:
                ET.SubElement(case, "system-out").text = text
        if not entries:
            ET.SubElement(suite, "testcase", {"name": "orglint", "classname": visible(path),
                                              "time": "0"})
        tests = max(len(entries), 1)
        suite.set("tests", str(tests))
        suite.set("failures", str(failed))
        suite.set("skipped", str(skipped))
        total += tests
        failures += failed
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
