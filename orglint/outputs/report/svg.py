"""Inline SVG charts drawn from the report's data: no JavaScript, no fonts, no network.

Every chart is an ``<svg role="img">`` with a title and a text description, draws its values
as text as well as colour, and escapes every string that comes from the user's YAML.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from orglint.outputs.formatters import visible

from . import AreaScore, Step
from .matrix import Matrix
from .people import PersonLoad
from .views import (
    NONE,
    OWNED,
    STATE_MARK,
    STATE_TEXT,
    UNDESIGNED,
    UNOWNED,
    JourneyView,
    plural,
)

COLOURS = {
    "error": "#b3261e", "warning": "#a35f00", "info": "#1f5fa8",
    OWNED: "#2e7d32", UNOWNED: "#f2b705", UNDESIGNED: "#b3261e", NONE: "#eef0f3",
    "met": "#2e7d32", "current": "#2e7d32", "next": "#ffffff", "ahead": "#eef0f3",
    "unassessed": "#ffffff",
}
INK = "#1d2430"
MUTED = "#5b6472"
CHAR = 6.6  # average width of a 12px character, for laying out labels


def esc(text: object) -> str:
    """``str(text)`` escaped for SVG text and attribute values, quotes included."""
    return escape(visible(str(text)), quote=True)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the last one an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(ident: str, width: float, height: float, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{esc(title)}</title><desc id="{ident}-desc">{esc(desc)}</desc>'
    )


def _text(x: float, y: float, text: str, *, size: int = 12, anchor: str = "start",
          fill: str = INK, weight: str = "normal", extra: str = "") -> str:
    return (f'<text x="{x:g}" y="{y:g}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}"{extra}>{esc(text)}</text>')


def ladder(steps: Sequence[Step]) -> str:
    """The four stages as a staircase: met rungs filled, the next one outlined with its blockers."""
    width, base, rung = 640, 190, 150
    desc = "; ".join(f"stage {s.number} {s.name}: {_step_status(s)}" for s in steps)
    parts = [_open("ladder", width, base + 10, "Maturity ladder", desc)]
    for index, step in enumerate(steps):
        number, name, status = step.number, step.name, step.status
        x, height = 10 + index * (rung + 5), 72 + index * 36
        y = base - height
        fill = COLOURS[status]
        dash = ' stroke-dasharray="6 4"' if status == "next" else ""
        stroke = COLOURS["error"] if status == "next" else ("#0b3d0e" if status == "current"
                                                            else "#c5cad3")
        stroke_width = 3 if status in ("current", "next") else 1
        parts.append(f'<rect x="{x}" y="{y}" width="{rung}" height="{height}" rx="4" fill="{fill}" '
                     f'stroke="{stroke}" stroke-width="{stroke_width}"{dash}/>')
        ink = "#ffffff" if status in ("met", "current") else INK
        parts.append(_text(x + 10, y + 20, f"Stage {number}", size=13, fill=ink, weight="bold"))
        parts.append(_text(x + 10, y + 37, clip(name, 22), fill=ink))
        parts.append(_text(x + 10, base - 10, _step_status(step), size=12, fill=ink,
                           weight="bold" if status in ("current", "next") else "normal"))
    parts.append("</svg>")
    return "".join(parts)


def _step_status(step: Step) -> str:
    status = step.status
    if status == "met":
        return "✓ met"
    if status == "current":
        return "● you are here"
    if status == "next":
        if step.missing and not step.blockers:
            return "✗ not mapped yet"
        return f"✗ {plural(step.open_count, 'blocker')}"
    return "not assessed" if status == "unassessed" else "not yet"


def area_bars(areas: Sequence[AreaScore]) -> str:
    """Findings per rule area, stacked by severity, with the numbers written out."""
    label_width, bar_width, row = 210, 300, 26
    most = max([a.total for a in areas] + [1])
    height = row * len(areas) + 44
    desc = "; ".join(f"{a.area}: {plural(a.error, 'error')}, {plural(a.warning, 'warning')}, "
                     f"{plural(a.info, 'info')}" + ("" if a.judged else " (not mapped)")
                     for a in areas)
    parts = [_open("areas", label_width + bar_width + 170, height, "Findings by rule area", desc)]
    for index, area in enumerate(areas):
        y = 10 + index * row
        parts.append(_text(label_width - 8, y + 14, clip(area.area, 28), anchor="end"))
        x = float(label_width)
        for severity in ("error", "warning", "info"):
            value = getattr(area, severity)
            if value:
                span = bar_width * value / most
                parts.append(f'<rect x="{x:g}" y="{y}" width="{span:g}" height="18" '
                             f'fill="{COLOURS[severity]}"><title>{value} {severity}</title></rect>')
                x += span
        summary = (", ".join(f"{getattr(area, s)}{s[0].upper()}" for s in ("error", "warning", "info")
                             if getattr(area, s)) or area.status_text)
        parts.append(_text(x + 6, y + 14, summary, fill=MUTED))
    parts.append(_legend(10, height - 14, [(COLOURS[s], f"{s} ({s[0].upper()})")
                                           for s in ("error", "warning", "info")]))
    parts.append("</svg>")
    return "".join(parts)


def _legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> str:
    parts = []
    for colour, label in items:
        parts.append(f'<rect x="{x:g}" y="{y - 10:g}" width="12" height="12" fill="{colour}" '
                     f'stroke="#8a919c"/>')
        parts.append(_text(x + 17, y, label, fill=MUTED))
        x += 30 + len(label) * CHAR
    return "".join(parts)


def matrix(data: Matrix) -> str:
    """The boundary matrix as a heat map: rows send, columns receive; marks repeat the colour.
    Squares of grouped teams are wider and also say how many boundaries are in their (worst)
    state. Only the squares where something crosses are drawn: its size grows with the grid's
    labels and the boundaries, never with the teams squared."""
    cell = 52 if data.grouped else 34
    names = data.labels
    label = min(max([len(n) for n in names] + [4]), 24) * 7.4 + 14
    top = label * 0.72 + 16
    size = cell * len(names)
    # the column labels lean right by about as much as they rise: room for the last one
    width, height = max(label + size + top, 560), top + size + 46
    counts = ", ".join(f"{data.counts[s]} {STATE_TEXT[s]}" for s in (OWNED, UNOWNED, UNDESIGNED))
    described = (f"{plural(len(data.teams), 'team')} in {plural(len(names), 'group')}"
                 if data.grouped else plural(len(names), "team"))
    title = "Boundary matrix (rows send to columns)"
    parts = [_open("matrix", width, height, title + (", teams grouped" if data.grouped else ""),
                   f"{described}; {counts}")]
    for index, name in enumerate(names):
        y = top + index * cell + cell / 2 + 4
        parts.append(_text(label - 8, y, clip(name, 24), anchor="end"))
        x = label + index * cell + cell / 2 + 4
        parts.append(_text(x, top - 8, clip(name, 24),
                           extra=f' transform="rotate(-45 {x:g} {top - 8:g})"'))
    # pairs that never meet share one patterned background: the chart stays small for big orgs
    parts.append(f'<defs><pattern id="matrix-grid" x="{label:g}" y="{top:g}" width="{cell}" '
                 f'height="{cell}" patternUnits="userSpaceOnUse"><rect width="{cell}" '
                 f'height="{cell}" fill="{COLOURS[NONE]}" stroke="#ffffff"/></pattern></defs>'
                 f'<rect x="{label:g}" y="{top:g}" width="{size}" height="{size}" '
                 'fill="url(#matrix-grid)"/>')
    for r, c, item in data.squares:
        x, y = label + c * cell, top + r * cell
        ink = INK if item.state == UNOWNED else "#ffffff"
        parts.append(f'<g><title>{esc(item.tip)}</title><rect x="{x:g}" y="{y:g}" width="{cell}" '
                     f'height="{cell}" fill="{COLOURS[item.state]}" stroke="#ffffff"/>')
        parts.append(_text(x + cell / 2, y + cell / 2 + 5, item.label,
                           size=12 if data.grouped else 15, anchor="middle", fill=ink,
                           weight="bold"))
        parts.append("</g>")
    parts.append(_legend(10, height - 12, [(COLOURS[s], f"{STATE_MARK[s]} {STATE_TEXT[s]}")
                                           for s in (OWNED, UNOWNED, UNDESIGNED)]))
    parts.append("</svg>")
    return "".join(parts)


def load_bars(people: Sequence[PersonLoad], limit: int) -> str:
    """Handoffs owned per person against the overload limit."""
    shown = [p for p in people if p.owns][:12]
    label_width, bar_width, row = 210, 320, 24
    most = max([p.owns for p in shown] + [limit + 1])
    height = row * len(shown) + 34
    desc = "; ".join(f"{p.name} owns {plural(p.owns, 'handoff')}" for p in shown) + f"; limit {limit}"
    parts = [_open("load", label_width + bar_width + 110, height,
                   "Handoffs owned per person", desc)]
    for index, person in enumerate(shown):
        y = 8 + index * row
        name = person.name + (" (founder)" if person.founder else "")
        parts.append(_text(label_width - 8, y + 13, clip(name, 26), anchor="end"))
        over = person.owns > limit
        span = bar_width * person.owns / most
        parts.append(f'<rect x="{label_width}" y="{y}" width="{span:g}" height="16" '
                     f'fill="{COLOURS["error"] if over else COLOURS["info"]}"/>')
        note = f"{person.owns}" + (" ✗ over the limit" if over else "")
        parts.append(_text(label_width + span + 6, y + 13, note, fill=MUTED))
    x = label_width + bar_width * limit / most
    parts.append(f'<line x1="{x:g}" y1="2" x2="{x:g}" y2="{height - 24}" stroke="{INK}" '
                 f'stroke-dasharray="4 3"/>')
    parts.append(_text(x, height - 8, f"limit {limit}", anchor="middle", fill=MUTED))
    parts.append("</svg>")
    return "".join(parts)


def journey_flow(journey: JourneyView, ident: str) -> str:
    """A journey's teams in order, each boundary marked with its state."""
    box, gap, height = 130, 46, 64
    teams = journey.teams
    width = max(len(teams) * box + (len(teams) - 1) * gap + 4, 140)
    states = "; ".join(f"{s.source} to {s.target}: {s.text}" for s in journey.steps)
    parts = [_open(ident, width, height, f"Path of {journey.name}",
                   f"{' → '.join(teams)}. {states}")]
    for index, team in enumerate(teams):
        x = 2 + index * (box + gap)
        parts.append(f'<rect x="{x}" y="12" width="{box}" height="40" rx="6" fill="#f5f7fa" '
                     f'stroke="#8a919c"/>')
        parts.append(_text(x + box / 2, 36, clip(team, 19), anchor="middle"))
    for index, step in enumerate(journey.steps):
        x = 2 + index * (box + gap) + box
        centre = x + gap / 2
        parts.append(f'<line x1="{x}" y1="32" x2="{x + gap}" y2="32" stroke="{MUTED}"/>')
        parts.append(f'<circle cx="{centre:g}" cy="32" r="12" fill="{COLOURS[step.state]}">'
                     f'<title>{esc(step.source)} → {esc(step.target)}: {esc(step.text)}</title>'
                     '</circle>')
        ink = INK if step.state == UNOWNED else "#ffffff"
        parts.append(_text(centre, 37, STATE_MARK[step.state], size=13, anchor="middle",
                           fill=ink, weight="bold"))
    parts.append("</svg>")
    return "".join(parts)
