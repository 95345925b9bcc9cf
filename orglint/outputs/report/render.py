"""Render a :class:`~orglint.outputs.report.Report` with Jinja2, in a sandbox, HTML autoescaped.

Jinja is imported here and nowhere else, so only ``orglint report`` pays for it. Built-in
templates live in ``orglint/outputs/templates``; a ``--template-dir`` is searched first, and its
templates extend the built-in ones by the ``orglint/`` prefix (``{% extends
"orglint/report.html.j2" %}``).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from orglint.errors import UsageError
from orglint.outputs.formatters import visible

from . import Report, RuleCount, Step, Trend, TrendLine, WaiverView, svg
from .findings import AreaGroup, FindingView, Risk, RuleGroup
from .matrix import Block, Cell, Group, Matrix
from .people import PersonLoad
from .plan import Phase, PlanItem
from .scorecard import AreaScore
from .views import BoundaryStep, HandoffView, JourneyView, MetricView, plural

BUILTIN = Path(__file__).resolve().parent.parent / "templates"
FORMATS = {"html": "report.html.j2", "markdown": "report.md.j2"}
FINDING_KEYS = ("fingerprint", "code", "severity", "message", "path", "line", "column")


# text that Markdown shows as itself: it starts with a letter (so it starts no heading, list,
# quote or numbered item), holds no character Markdown reads as markup, and no run of spaces
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.:;'\"/()!?%@$^{}+=#>-]*|[0-9]+")
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"([\\`*\[\]<|~])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=[A-Za-z0-9#])")
_LINE_START = re.compile(r"^( ?)([#+=>-])")
_NUMBERED = re.compile(r"^( ?[0-9]+)([.)])(?= |$)")


def md_escape(value: Any) -> str:
    """A value as Markdown text that renders as itself: no markup, no HTML, one line."""
    text = str(value)
    if _PLAIN.fullmatch(text) and "  " not in text:
        return text  # the common case, which the substitutions below would leave as it is
    text = visible(_SPACES.sub(" ", text))  # blanks as one space, other controls shown
    text = _MARKUP.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY.sub(r"\\&", text)
    # what would start a heading, list, quote or rule when the value begins a line
    text = _LINE_START.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\\2", text)


def html_finalize(value: Any) -> Any:
    """Every ``{{ value }}`` of an HTML template before autoescaping: text shows its control
    characters (``visible``) rather than writing them raw; Markup and non-text pass as they are."""
    return visible(value) if type(value) is str else value


def md_finalize(value: Any) -> str:
    """Every ``{{ value }}`` of a Markdown template: ``md_escape``d, except text a template
    marked safe (a macro's own Markdown, ``{{ table() | safe }}``)."""
    return str(value) if isinstance(value, Markup) else md_escape(value)


# the report's own view types: plain values, read by the thousand in a large org's report
VIEWS = frozenset({Report, RuleCount, Step, Trend, TrendLine, WaiverView, AreaGroup, FindingView,
                   Risk, RuleGroup, Block, Cell, Group, Matrix, PersonLoad, Phase, PlanItem,
                   AreaScore, BoundaryStep, HandoffView, JourneyView, MetricView})
_MISSING = object()


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, with a short way to the public data of the report's own view types:
    a public attribute that is no callable is what the sandbox itself would return (it only
    refuses names starting with ``_`` and reaches into functions, types and frames), without
    its checks on each of the hundreds of thousands of reads of a large org's report."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``obj.attribute`` for the template, as ``SandboxedEnvironment.getattr`` answers."""
        if type(obj) in VIEWS and not attribute.startswith("_"):
            value = getattr(obj, attribute, _MISSING)
            if value is not _MISSING and not callable(value):
                return value
        return super().getattr(obj, attribute)


def environment(fmt: str, template_dir: str | None = None) -> SandboxedEnvironment:
    """The sandboxed Jinja environment of a format (``html`` autoescaped, ``markdown`` with
    ``md_escape`` on every value but those marked safe), ``template_dir`` searched before the
    built-in templates. Raises ``UsageError`` when ``template_dir`` is not a folder."""
    builtin = FileSystemLoader(str(BUILTIN))
    loaders: list[Any] = [builtin, PrefixLoader({"orglint": builtin})]
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise UsageError(f"--template-dir '{template_dir}' is not a folder")
        loaders.insert(0, FileSystemLoader(template_dir))
    markdown = fmt == "markdown"
    env = Sandbox(
        loader=ChoiceLoader(loaders),
        autoescape=not markdown,
        finalize=md_finalize if markdown else html_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plural"] = plural
    return env


def charts(report: Report) -> dict[str, Any]:
    """The inline SVG charts, already escaped inside, marked safe for the HTML template."""
    return {
        "ladder": Markup(svg.ladder(report.ladder)),
        "areas": Markup(svg.area_bars(report.areas)),
        "matrix": Markup(svg.matrix(report.matrix)) if report.matrix.teams else "",
        "load": Markup(svg.load_bars(report.people, report.overload_limit))
        if any(person.owns for person in report.people) else "",
        "journeys": [Markup(svg.journey_flow(journey, f"journey-{index}"))
                     for index, journey in enumerate(report.journeys)],
    }


def render(report: Report, fmt: str = "html", template_dir: str | None = None) -> str:
    """The report as ``html`` or ``markdown`` text. Raises ``UsageError`` for an unknown
    format, a template that does not parse or fails, or one that extends itself."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format '{fmt}' (choose from {', '.join(FORMATS)})")
    env = environment(fmt, template_dir)
    name = FORMATS[fmt]
    try:
        template = env.get_template(name)
        return template.render(report=report, charts=charts(report) if fmt == "html" else {})
    except TemplateSyntaxError as exc:
        raise UsageError(f"template {exc.filename or exc.name}:{exc.lineno}: {exc.message}") from exc
    except TemplateError as exc:
        raise UsageError(f"template error in {name}: {exc}") from exc
    except RecursionError as exc:
        raise UsageError(f"template {name} extends itself; extend 'orglint/{name}'") from exc


def load_previous(path: str) -> dict[str, Any]:
    """An earlier ``orglint check --format json`` output, checked enough to compare with.

    Raises ``UsageError`` when the file cannot be read, is not JSON, or lacks what a check
    output has (an object with a stage number and findings with their keys).
    """
    where = f"--previous '{path}'"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{where}: cannot read: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where}: not JSON: {exc}") from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        raise UsageError(f"{where}: not the output of 'orglint check --format json': a number "
                         "of more than 4,300 digits") from exc
    problem = _previous_problem(data)
    if problem:
        raise UsageError(f"{where}: not the output of 'orglint check --format json': {problem}")
    return dict(data)


def _previous_problem(data: Any) -> str:
    if not isinstance(data, dict):
        return "the top level is not an object"
    stage = data.get("stage")
    if not isinstance(stage, dict) or not isinstance(stage.get("number"), int):
        return "no stage number"
    findings = data.get("findings")
    if not isinstance(findings, list):
        return "no findings list"
    for index, item in enumerate(findings):
        missing = [key for key in FINDING_KEYS if not isinstance(item, dict) or key not in item]
        if missing:
            return f"finding {index} lacks {', '.join(missing)}"
        wrong = [key for key in FINDING_KEYS
                 if not isinstance(item[key], int if key in ("line", "column") else str)
                 or isinstance(item[key], bool) or not _encodable(item[key])]
        if "name" in item and not (isinstance(item["name"], str) and _encodable(item["name"])):
            wrong.append("name")
        if wrong:
            return f"finding {index} has {', '.join(wrong)} of the wrong kind"
    return ""


def _encodable(value: Any) -> bool:
    """Text a report can write (no lone UTF-16 surrogate, which JSON's escapes allow)."""
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def report_date(settings: Any = None) -> date:
    """The report's date: ``settings.today`` when it is a date (``ORGLINT_TODAY`` pins it),
    else the clock's."""
    today = getattr(settings, "today", None)
    return today if isinstance(today, date) else date.today()
