"""The boundary matrix, built from the boundaries that exist, never from a team × team grid.

A boundary is a pair of teams that meet: a handoff contracts it, or a journey crosses it.
``boundary_matrix`` makes one :class:`Cell` per boundary (time and memory grow with the
boundaries and teams, not with their square). What the report draws is a grid of at most
``GRID_LIMIT`` rows and columns: the teams themselves when there are that few, else groups of
teams along the team tree (``parent``, or a parent's ``children``), each a team with every team
under it, as deep as the limit allows; when even the top of the tree has more teams than that,
the groups with the most boundaries keep their row and the rest share one, "Other teams".
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from orglint.model import Handoff, Org

from .views import OWNED, STATE_TEXT, UNDESIGNED, UNOWNED, _Boundary, _state

GRID_LIMIT = 40  # the most rows (and columns) a matrix shows; more teams are grouped
BUSIEST = 10  # the boundaries a grouped matrix lists as the busiest
OTHER = "Other teams"
RANK = {UNDESIGNED: 0, UNOWNED: 1, OWNED: 2}  # worst first


@dataclass(frozen=True)
class Cell(_Boundary):
    """One boundary (team names): its ``state`` (``owned``, ``unowned`` or ``undesigned``), its
    handoffs' names and the names of the journeys crossing it."""

    source: str
    target: str
    state: str
    handoffs: tuple[str, ...] = ()
    journeys: tuple[str, ...] = ()

    @property
    def tip(self) -> str:
        """The boundary in one line: ``Sales → Delivery: contracted and owned (Signed deal to
        kickoff); on New client onboarding``."""
        tip = f"{self.source} → {self.target}: {self.text}"
        if self.handoffs:
            tip += f" ({', '.join(self.handoffs)})"
        if self.journeys:
            tip += f"; on {', '.join(self.journeys)}"
        return tip

    @property
    def label(self) -> str:
        """What its square shows: the mark (✓, ! or ✗)."""
        return self.mark


@dataclass(frozen=True)
class Group:
    """A row (and column) of a grouped matrix: ``name`` its team's name (or "Other teams",
    the teams of the groups left without a row of their own), ``team`` that team's id ("" for
    the others), and ``teams``, how many teams that send or receive it holds."""

    name: str
    team: str
    teams: int


@dataclass(frozen=True)
class Block(_Boundary):
    """One square of a grouped matrix: the boundaries from the row group's teams to the column
    group's, counted by state; ``state`` is the worst among them."""

    source: str
    target: str
    state: str
    owned: int
    unowned: int
    undesigned: int

    @property
    def total(self) -> int:
        """Its boundaries, every state."""
        return self.owned + self.unowned + self.undesigned

    @property
    def worst(self) -> int:
        """How many of its boundaries are in its (worst) state."""
        return int(getattr(self, self.state))

    @property
    def label(self) -> str:
        """What its square shows: the worst mark and how many boundaries are in that state
        (``✗ 2``: two undesigned, whatever else the block holds)."""
        return f"{self.mark} {self.worst:,}"

    @property
    def tip(self) -> str:
        """The block in one line: ``Sales → Delivery: 5 boundaries: 2 undesigned (no
        contract), 0 contracted, no owner, 3 contracted and owned``."""
        counts = ", ".join(f"{getattr(self, state):,} {STATE_TEXT[state]}"
                           for state in (UNDESIGNED, UNOWNED, OWNED))
        word = "boundary" if self.total == 1 else "boundaries"
        return f"{self.source} → {self.target}: {self.total:,} {word}: {counts}"


Square = tuple[int, int, "Cell | Block"]


@dataclass
class Matrix:
    """The boundaries between teams and the grid that shows them (rows send, columns receive).

    ``teams`` are the teams that send or receive (names, in the org's order), ``boundaries``
    every pair of them that meets, worst first (then in the order of the teams), ``counts``
    the boundaries by state. The grid: ``labels`` its rows and columns, ``squares`` its
    non-empty squares as ``(row, column, Cell or Block)`` in row order. Up to ``GRID_LIMIT``
    teams the labels are the teams and each square a boundary (``groups`` is empty); above,
    the labels are ``groups`` of teams (``level``: how far below the top of the team tree
    they are cut, 0 the top), each square a :class:`Block`, ``blocks`` the same worst first,
    and ``busiest`` the boundaries the most journeys cross (at most ``BUSIEST``, worst first
    among equals)."""

    teams: list[str]
    boundaries: list[Cell]
    counts: dict[str, int]
    labels: list[str] = field(default_factory=list)
    squares: list[Square] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    level: int = 0
    blocks: list[Block] = field(default_factory=list)
    busiest: list[Cell] = field(default_factory=list)

    @property
    def grouped(self) -> bool:
        """True when the grid shows groups of teams rather than teams."""
        return bool(self.groups)

    @property
    def rows(self) -> list[list[str]]:
        """The grid as text, one list per row: each square's ``label`` ("" where nothing
        crosses). At most ``GRID_LIMIT`` × ``GRID_LIMIT``."""
        grid = [[""] * len(self.labels) for _ in self.labels]
        for row, column, item in self.squares:
            grid[row][column] = item.label
        return grid


def boundary_matrix(org: Org, limit: int = GRID_LIMIT) -> Matrix:
    """Every pair of teams that meets (a journey crosses from one to the other, or a handoff
    contracts it), its state, handoffs and journeys; and the grid of at most ``limit`` rows
    that shows them. Time and memory grow with teams, journeys' paths and handoffs."""
    # each pair's journey names, each once, in the org's order (a dict: no list scanned per
    # journey, however many journeys cross one boundary)
    crossings: dict[tuple[str, str], dict[str, None]] = {}
    for journey in org.journeys.values():
        for _, sender, receiver in journey.boundaries():
            crossings.setdefault((sender.id, receiver.id), {})[journey.name] = None
    between: dict[tuple[str, str], tuple[Handoff, ...]] = {
        (source.id, target.id): handoffs
        for (source, target), handoffs in org.handoffs_between.items() if handoffs}
    pairs = [pair for pair in dict.fromkeys([*crossings, *between])
             if pair[0] in org.teams and pair[1] in org.teams]
    involved = {team for pair in pairs for team in pair}
    order = {team: index for index, team in enumerate(t for t in org.teams if t in involved)}
    names = [org.teams[team].name for team in order]
    pairs.sort(key=lambda pair: (order[pair[0]], order[pair[1]]))
    cells: list[tuple[tuple[str, str], Cell]] = []
    counts = dict.fromkeys((OWNED, UNOWNED, UNDESIGNED), 0)
    for source, target in pairs:
        handoffs = between.get((source, target), ())
        state = _state(list(handoffs), (source, target) in crossings)
        counts[state] += 1
        cells.append(((source, target), Cell(
            source=names[order[source]], target=names[order[target]], state=state,
            handoffs=tuple(h.name for h in handoffs),
            journeys=tuple(crossings.get((source, target), ())))))
    ranked = sorted(range(len(cells)), key=lambda index: RANK[cells[index][1].state])
    matrix = Matrix(teams=names, boundaries=[cells[index][1] for index in ranked], counts=counts)
    if len(names) <= limit:
        matrix.labels = names
        matrix.squares = [(order[source], order[target], cell) for (source, target), cell in cells]
        return matrix
    _group(org, matrix, order, cells, limit)
    matrix.busiest = heapq.nsmallest(
        BUSIEST, matrix.boundaries, key=lambda cell: (-len(cell.journeys), RANK[cell.state]))
    return matrix


def _group(org: Org, matrix: Matrix, order: Mapping[str, int],
           cells: list[tuple[tuple[str, str], Cell]], limit: int) -> None:
    """Fill the grouped grid of ``matrix``: groups, level, squares and blocks."""
    parents = tree(org)
    depth = depths(org, parents)
    level = _level(parents, depth, order, limit)
    head: dict[str, str] = {}  # team -> the team that heads its group
    for team in order:
        path = []
        node = team
        while node not in head and depth[node] > level:
            path.append(node)
            node = parents[node]
        top = head.get(node, node)
        for item in (*path, node):
            head[item] = top
    size = Counter(head[team] for team in order)
    busy = Counter(head[team] for pair, _ in cells for team in pair)
    position = {team: index for index, team in enumerate(org.teams)}
    kept = sorted(size, key=lambda team: (-busy[team], position[team]))
    if len(kept) > limit:
        kept = kept[:limit - 1]
    kept.sort(key=position.__getitem__)
    row = {team: index for index, team in enumerate(kept)}
    groups = [Group(org.teams[team].name, team, size[team]) for team in kept]
    folded = sum(size.values()) - sum(group.teams for group in groups)
    if folded:
        groups.append(Group(OTHER, "", folded))
    other = len(kept)
    tally: dict[tuple[int, int], Counter[str]] = {}
    for (source, target), cell in cells:
        key = (row.get(head[source], other), row.get(head[target], other))
        tally.setdefault(key, Counter())[cell.state] += 1
    labels = [group.name for group in groups]
    blocks: list[tuple[int, int, Block]] = []
    for (r, c), states in sorted(tally.items()):
        worst = min(states, key=RANK.__getitem__)
        blocks.append((r, c, Block(labels[r], labels[c], worst, states[OWNED], states[UNOWNED],
                                   states[UNDESIGNED])))
    matrix.labels, matrix.groups, matrix.level = labels, groups, level
    matrix.squares = list(blocks)
    blocks.sort(key=lambda square: (RANK[square[2].state], -square[2].worst, square[0], square[1]))
    matrix.blocks = [block for _, _, block in blocks]


def tree(org: Org) -> dict[str, str]:
    """Each team's parent team id (teams at the top have none): its ``parent``, else the first
    team (in the org's order) that lists it among its ``children``. A link that would close a
    circle is left out, so every chain ends at the top."""
    parents: dict[str, str] = {}
    for team in org.teams.values():
        for child in team.children:
            if child.id in org.teams:
                parents.setdefault(child.id, team.id)
    for team in org.teams.values():
        if team.parent is not None and team.parent.id in org.teams:
            parents[team.id] = team.parent.id
    state: dict[str, bool] = {}  # False while on the chain being walked, True once done
    for start in org.teams:
        chain = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = False
            chain.append(node)
            node = parents.get(node)
        if node is not None and not state[node]:  # back on this chain: a circle
            del parents[chain[-1]]
        for item in chain:
            state[item] = True
    return parents


def depths(org: Org, parents: Mapping[str, str]) -> dict[str, int]:
    """Each team's depth in the tree ``parents`` (acyclic, as ``tree`` gives it): 0 at the
    top."""
    depth: dict[str, int] = {}
    for start in org.teams:
        chain = []
        node: str | None = start
        while node is not None and node not in depth:
            chain.append(node)
            node = parents.get(node)
        base = depth[node] if node is not None else -1
        for offset, item in enumerate(reversed(chain), start=1):
            depth[item] = base + offset
    return depth


def _level(parents: Mapping[str, str], depth: Mapping[str, int], involved: Mapping[str, int],
           limit: int) -> int:
    """The deepest level at which cutting the tree leaves at most ``limit`` groups (0 when
    even the top has more). Cut at level d, the groups are the teams at depth d that have a
    team that sends or receives at or under them, and such teams above depth d."""
    under: set[str] = set()  # the teams that sends or receives, and every team above one
    for team in involved:
        node: str | None = team
        while node is not None and node not in under:
            under.add(node)
            node = parents.get(node)
    at = Counter(depth[team] for team in under)
    above = Counter(depth[team] for team in involved)
    level, higher = 0, 0
    for d in range(max(at, default=0) + 1):
        if at[d] + higher > limit:
            break
        level = d
        higher += above[d]
    return level
