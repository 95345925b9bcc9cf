"""``orglint graph``: the handoffs between teams as a Mermaid flowchart or a Graphviz digraph.

Teams are nodes, labelled with their names. Each handoff is an edge labelled with its owner
("no owner", highlighted, when it has none). Each boundary a journey crosses without a handoff
is a dashed edge naming the journeys. Ids and labels are escaped for each syntax, and the same
org gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orglint.model import Org

FORMATS = ("mermaid", "dot")
HIGHLIGHT = "#d62728"
NO_OWNER = "no owner"


@dataclass(frozen=True)
class Edge:
    """An arrow between two teams (ids) with its label; ``style`` is ``owned``, ``unowned``
    (a handoff without owner) or ``undesigned`` (a journey boundary without a handoff)."""

    source: str  # team ids
    target: str
    label: str
    style: str  # "owned", "unowned" or "undesigned"


@dataclass(frozen=True)
class Graph:
    """The teams as ``(id, label)`` nodes in the org's order, and the edges between them."""

    nodes: tuple[tuple[str, str], ...]  # (team id, label), in the org's order
    edges: tuple[Edge, ...]


def build(org: Org) -> Graph:
    """Every team, every handoff whose teams resolve, every undesigned journey boundary."""
    nodes = tuple((team.id, team.name or team.id) for team in org.teams.values())
    edges: list[Edge] = []
    for handoff in org.handoffs.values():
        if handoff.source is None or handoff.target is None:
            continue  # a dangling `from`/`to` is ORG003's to report; there is no edge to draw
        if handoff.owner is None:
            edges.append(Edge(handoff.source.id, handoff.target.id, NO_OWNER, "unowned"))
        else:
            edges.append(Edge(handoff.source.id, handoff.target.id, org.display(handoff.owner),
                              "owned"))
    gaps: dict[tuple[str, str], list[str]] = {}
    for journey in org.journeys.values():
        for _, source, target in journey.boundaries():
            if org.handoffs_at(source, target):
                continue
            names = gaps.setdefault((source.id, target.id), [])
            name = journey.name or journey.id
            if name not in names:
                names.append(name)
    for (sender, receiver), names in gaps.items():
        edges.append(Edge(sender, receiver, f"no handoff: {', '.join(names)}", "undesigned"))
    return Graph(nodes, tuple(edges))


def render(graph: Graph, fmt: str = "mermaid") -> str:
    """The graph as text: Graphviz DOT when ``fmt`` is ``dot``, else Mermaid."""
    if fmt == "dot":
        return render_dot(graph)
    return render_mermaid(graph)


# --- Mermaid -----------------------------------------------------------------------------

_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;",
                     "|": "#124;", "`": "#96;", "[": "#91;", "]": "#93;", "{": "#123;",
                     "}": "#125;"}


def mermaid_label(text: str) -> str:
    """Text for inside `"..."`: Mermaid's entity codes for the characters its parser reads."""
    text = " ".join(text.split())  # a newline would end the statement
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in text)


def mermaid_ids(team_ids: list[str]) -> dict[str, str]:
    """Node ids Mermaid reads as plain ids (letters, digits, `_`), unique, in the given order."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for team in team_ids:
        base = "t_" + re.sub(r"[^A-Za-z0-9_]", "_", team)
        candidate, number = base, 2
        while candidate in used:
            candidate, number = f"{base}_{number}", number + 1
        used.add(candidate)
        out[team] = candidate
    return out


def render_mermaid(graph: Graph) -> str:
    """A Mermaid ``flowchart LR``: unowned handoffs highlighted, undesigned boundaries dotted."""
    ids = mermaid_ids([team for team, _ in graph.nodes])  # edges join resolved teams only
    lines = ["flowchart LR"]
    lines += [f'  {ids[team]}["{mermaid_label(label)}"]' for team, label in graph.nodes]
    styles = []
    for number, edge in enumerate(graph.edges):
        arrow = "-.->" if edge.style == "undesigned" else "-->"
        lines.append(f'  {ids[edge.source]} {arrow}|"{mermaid_label(edge.label)}"| '
                     f"{ids[edge.target]}")
        if edge.style == "unowned":
            styles.append(f"  linkStyle {number} stroke:{HIGHLIGHT},stroke-width:3px,"
                          f"color:{HIGHLIGHT}")
    return "\n".join(lines + styles) + "\n"


# --- Graphviz DOT --------------------------------------------------------------------------

def dot_string(text: str) -> str:
    """A DOT quoted string; backslashes doubled so `\\n`, `\\N` and friends stay literal."""
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(graph: Graph) -> str:
    """A Graphviz digraph: unowned handoffs highlighted, undesigned boundaries dashed."""
    lines = ["digraph handoffs {", "  rankdir=LR;", '  node [shape=box, style=rounded];']
    lines += [f"  {dot_string(team)} [label={dot_string(label)}];" for team, label in graph.nodes]
    for edge in graph.edges:
        attributes = f"label={dot_string(edge.label)}"
        if edge.style == "unowned":
            attributes += f', color="{HIGHLIGHT}", fontcolor="{HIGHLIGHT}", penwidth=2'
        elif edge.style == "undesigned":
            attributes += ", style=dashed"
        lines.append(f"  {dot_string(edge.source)} -> {dot_string(edge.target)} [{attributes}];")
    return "\n".join([*lines, "}"]) + "\n"
