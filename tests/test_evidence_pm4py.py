"""Cross-check: handover counts between teams against pm4py, on both shared logs.

pm4py is licensed AGPL-3.0: it is never a dependency of orglint. This test runs only where a
developer installed it (`tox -e pm4py`), and is skipped everywhere else.

pm4py's directly-follows graph over the team attribute counts, for every pair of teams, how
often an event of one team is directly followed by an event of the other in a case: for two
different teams that is exactly orglint's handoff count on the boundary.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pm4py = pytest.importorskip("pm4py")
pytest.importorskip("duckdb")

from orglint.evidence.observe import observe  # noqa: E402
from orglint.evidence.settings import parse  # noqa: E402
from orglint.model import Org  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOGS = [ROOT / "examples" / "incident-desk" / "logs" / "bpic2013-incidents.xes.gz",
        ROOT / "tests" / "fixtures" / "evidence" / "receipt.xes.gz"]


@pytest.mark.parametrize("log", LOGS, ids=lambda path: path.name)
def test_handoffs_per_boundary_match_the_directly_follows_graph(log):
    frame = pm4py.read_xes(str(log))
    dfg, _, _ = pm4py.discover_dfg(frame, activity_key="org:group", case_id_key="case:concept:name",
                                   timestamp_key="time:timestamp")
    expected = {pair: count for pair, count in dfg.items() if pair[0] != pair[1]}
    settings = parse({"logs": [{"path": str(log)}], "k": 1, "min_support": 1}, log.parent,
                     lambda *path, **kind: None)
    found = observe(settings, Org())
    assert {item.pair: item.handoffs for item in found.boundaries} == expected
    assert found.handoffs == sum(expected.values())
