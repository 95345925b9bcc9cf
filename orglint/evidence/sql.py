"""Every evidence computation, written once as SQL over one ``events`` relation.

An engine (DuckDB in process, or Spark) provides four relations and runs these statements in
order, materialising each ``STEPS`` entry under its name:

- ``raw_events(log, journey, case_id, ts, ts_status, row_no, seq, team_value, activity, person,
  event_no)``: every event read; ``ts`` in epoch seconds (UTC) or NULL, ``ts_status`` 0 parsed, 1 missing,
  2 unparseable; ``row_no`` the place in the file (XES line, CSV/Parquet row, 1-based); ``seq``
  the tie-breaker (the sequence column, else ``row_no``); ``person`` a keyed pseudonym or NULL;
  ``event_no`` a number no other event of its log has.
- ``team_map(log, value, team)``: each log value that maps to a team id.
- ``sla(source, target, acknowledge_s, complete_s)``: the declared SLA of each boundary.
- ``journey_teams(journey, team)`` and ``journey_steps(journey, source, target)``: each declared
  journey's teams, and its steps forward along the declared path.

Definitions (docs/evidence.md): events of a case are ordered by ``ts``, then ``seq``. A
*stretch* is a run of consecutive events of one team; a *handoff* is two consecutive events
whose team differs, i.e. the start of every stretch but the first; its *boundary* is the
directed pair (source, target). The acknowledge latency runs from the last event of the source
to the first event of the target (or the target's first event whose activity is the
configured one); the complete latency to the target's last event of that stretch. A handoff
A -> B *returns* when the next stretch is A again (a path A, B, A: ping-pong).

Only standard window functions, ``CASE`` and plain aggregates are used, so the text runs on
DuckDB and Spark SQL alike; ``{quantile}`` is the one function whose name differs
(``quantile_cont`` / ``percentile``, both the linearly interpolated quantile).
"""

from __future__ import annotations

from collections.abc import Callable

ORDER = "ORDER BY ts, seq"
WINDOW = f"(PARTITION BY log, case_id {ORDER})"

# the events that count: a case, a parsed time inside the period, a team
EVENTS = """
SELECT r.log, r.journey, r.case_id, r.ts, r.seq, m.team, r.activity, r.person, r.event_no
FROM raw_events r
JOIN team_map m ON m.log = r.log AND m.value = r.team_value
WHERE {used}
"""
USED = ("r.ts_status = 0 AND r.case_id IS NOT NULL AND r.case_id <> '' "
        "AND r.ts >= {start} AND r.ts < {end}")

# the one pass over the events (the one sort): each event with its neighbours in the case and
# its place (row number in the case); only those that start or end a stretch, end a case, tie
# with the previous event of another team, or acknowledge are kept. From here on a case is
# ``case_key``, the ``event_no`` of its first event: a number, cheaper to sort and hash than
# the case id, and as unique within a log

MARKS = f"""
SELECT * FROM (
  SELECT log, journey, case_key, team, ts, place,
         CASE WHEN prev_team IS NULL OR prev_team <> team THEN 1 ELSE 0 END AS is_start,
         CASE WHEN next_team IS NULL THEN 1 ELSE 0 END AS is_last,
         CASE WHEN prev_ts = ts AND prev_team <> team THEN 1 ELSE 0 END AS is_tie,
         CASE WHEN {{ack_condition}} THEN 1 ELSE 0 END AS is_ack,
         prev_team, prev_ts
  FROM (
    SELECT log, journey, team, ts, activity,
           first_value(event_no) OVER w AS case_key,
           row_number() OVER w AS place,
           lag(team) OVER w AS prev_team,
           lag(ts) OVER w AS prev_ts,
           lead(team) OVER w AS next_team
    FROM ({{events}}) events
    WINDOW w AS {WINDOW}
  ) neighbours
) marked
WHERE is_start = 1 OR is_last = 1 OR is_tie = 1 OR is_ack = 1
"""

# with an acknowledge activity: the first such event of each stretch, by the place of the
# stretch's start (the latest start at or before it)
ACKS = """
SELECT log, case_key, stretch, min(CASE WHEN is_ack = 1 THEN ts END) AS ack_ts
FROM (
  SELECT log, case_key, ts, is_ack,
         max(CASE WHEN is_start = 1 THEN place END)
           OVER (PARTITION BY log, case_key ORDER BY place
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stretch
  FROM marks
  WHERE is_start = 1 OR is_ack = 1
) numbered
GROUP BY log, case_key, stretch
"""

# the pass over stretch starts and case ends only (ordered by place, a number: cheaper than
# the first sort): the row after a start is the next start (whose previous event ends this
# stretch) or the last event of the case. One row per stretch; the first of a case has no
# source, every other is a handoff. A tie is always a stretch start, so it is counted here.
# ``{marks}`` is the materialised MARKS (with an acknowledge activity, which ACKS reads too),
# else MARKS itself, so that both passes run as one statement
STRETCHES = """
SELECT o.log, o.journey, o.case_key, o.place, o.prev_team AS source, o.team AS target,
       {ack_ts} - o.prev_ts AS acknowledge_s,
       o.done_ts - o.prev_ts AS complete_s,
       CASE WHEN o.next_team = o.prev_team THEN 1 ELSE 0 END AS returned,
       o.is_tie
FROM (
  SELECT log, journey, case_key, team, ts, place, prev_team, prev_ts, is_start, is_tie,
         CASE WHEN is_last = 1 THEN ts
              WHEN lead(is_start) OVER s = 1 THEN lead(prev_ts) OVER s
              ELSE lead(ts) OVER s END AS done_ts,
         CASE WHEN lead(is_start) OVER s = 1 THEN lead(team) OVER s END AS next_team
  FROM {marks}
  WHERE is_start = 1 OR is_last = 1
  WINDOW s AS (PARTITION BY log, case_key ORDER BY place)
) o
{ack_join}
WHERE o.is_start = 1
"""

# per case and pair of teams {a, b} (a < b), both directions at once: how often each was
# crossed and returned, where first and last; a bounce (A -> B, later B -> A) needs no join
CASE_PAIRS = """
SELECT log, case_key, a, b,
       sum(CASE WHEN source = a THEN 1 ELSE 0 END) AS ab,
       sum(CASE WHEN source = a THEN returned ELSE 0 END) AS ab_returns,
       min(CASE WHEN source = a THEN place END) AS ab_first,
       max(CASE WHEN source = a THEN place END) AS ab_last,
       sum(CASE WHEN source = b THEN 1 ELSE 0 END) AS ba,
       sum(CASE WHEN source = b THEN returned ELSE 0 END) AS ba_returns,
       min(CASE WHEN source = b THEN place END) AS ba_first,
       max(CASE WHEN source = b THEN place END) AS ba_last
FROM (
  SELECT log, case_key, source, place, returned,
         CASE WHEN source < target THEN source ELSE target END AS a,
         CASE WHEN source < target THEN target ELSE source END AS b
  FROM stretches
  WHERE source IS NOT NULL
) paired
GROUP BY log, case_key, a, b
"""

# per case, in one aggregation over its stretches: distinct teams, distinct teams off the
# journey's path, handoffs that are no step forward on it, and whether anything came back
CASES = """
SELECT log, journey, case_key, count(*) AS teams, sum(off_path) AS off_path,
       sum(off_steps) AS off_steps, max(returned) AS ping_pong
FROM (
  SELECT s.log, s.journey, s.case_key, s.target,
         max(CASE WHEN t.team IS NULL THEN 1 ELSE 0 END) AS off_path,
         sum(CASE WHEN s.source IS NOT NULL AND j.source IS NULL THEN 1 ELSE 0 END) AS off_steps,
         max(s.returned) AS returned
  FROM stretches s
  LEFT JOIN journey_teams t ON t.journey = s.journey AND t.team = s.target
  LEFT JOIN journey_steps j ON j.journey = s.journey AND j.source = s.source
                           AND j.target = s.target
  GROUP BY s.log, s.journey, s.case_key, s.target
) teams
GROUP BY log, journey, case_key
"""

# (name, statement): materialised in this order; MARKS and ACKS only with an acknowledge
# activity (else MARKS runs inside STRETCHES)
STEPS = (("marks", MARKS), ("acks", ACKS), ("stretches", STRETCHES), ("case_pairs", CASE_PAIRS),
         ("cases", CASES))

# -- figures: small results read back into Python ---------------------------------------------

# per log and team value: what was read, what was used, and what was left out (with the first
# place); the totals, the period and the data quality are summed from it in Python
TEAM_VALUES = """
SELECT r.log, r.team_value, count(*) AS events,
       sum(CASE WHEN {used} THEN 1 ELSE 0 END) AS used,
       min(CASE WHEN {used} THEN r.ts END) AS first_ts,
       max(CASE WHEN {used} THEN r.ts END) AS last_ts,
       sum(CASE WHEN r.ts_status = 1 THEN 1 ELSE 0 END) AS missing_ts,
       min(CASE WHEN r.ts_status = 1 THEN r.row_no END) AS first_missing_ts,
       sum(CASE WHEN r.ts_status = 2 THEN 1 ELSE 0 END) AS unparseable_ts,
       min(CASE WHEN r.ts_status = 2 THEN r.row_no END) AS first_unparseable_ts,
       sum(CASE WHEN r.case_id IS NULL OR r.case_id = '' THEN 1 ELSE 0 END) AS missing_case,
       min(CASE WHEN r.case_id IS NULL OR r.case_id = '' THEN r.row_no END) AS first_missing_case,
       sum(CASE WHEN r.ts_status = 0 AND NOT (r.ts >= {start} AND r.ts < {end}) THEN 1 ELSE 0 END)
         AS outside_period,
       min(r.row_no) AS first_row
FROM raw_events r
GROUP BY r.log, r.team_value
"""

TIES = """
SELECT log, count(*) AS ties, count(DISTINCT case_key) AS cases
FROM stretches
WHERE is_tie = 1
GROUP BY log
"""

# per boundary: handoffs, cases, returns, and bounced cases (A -> B, later B -> A anywhere)
BOUNDARY_COUNTS = """
SELECT a AS source, b AS target, sum(ab) AS handoffs, count(*) AS cases,
       sum(ab_returns) AS returns, sum(CASE WHEN ba_last > ab_first THEN 1 ELSE 0 END) AS bounced
FROM case_pairs WHERE ab > 0 GROUP BY a, b
UNION ALL
SELECT b AS source, a AS target, sum(ba) AS handoffs, count(*) AS cases,
       sum(ba_returns) AS returns, sum(CASE WHEN ab_last > ba_first THEN 1 ELSE 0 END) AS bounced
FROM case_pairs WHERE ba > 0 GROUP BY a, b
"""

LATENCIES = """
SELECT h.source, h.target,
       count(h.acknowledge_s) AS acknowledge_n,
       {quantile}(h.acknowledge_s, 0.5) AS acknowledge_p50,
       {quantile}(h.acknowledge_s, 0.9) AS acknowledge_p90,
       sum(CASE WHEN s.acknowledge_s IS NULL THEN NULL
                WHEN h.acknowledge_s > s.acknowledge_s THEN 1 ELSE 0 END) AS acknowledge_breaches,
       count(h.complete_s) AS complete_n,
       {quantile}(h.complete_s, 0.5) AS complete_p50,
       {quantile}(h.complete_s, 0.9) AS complete_p90,
       sum(CASE WHEN s.complete_s IS NULL THEN NULL
                WHEN h.complete_s > s.complete_s THEN 1 ELSE 0 END) AS complete_breaches
FROM stretches h
LEFT JOIN sla s ON s.source = h.source AND s.target = h.target
WHERE h.source IS NOT NULL
GROUP BY h.source, h.target
"""

TEAMS_PER_CASE = """
SELECT journey, teams, count(*) AS cases,
       sum(CASE WHEN off_path = 0 AND off_steps = 0 THEN 1 ELSE 0 END) AS conforming,
       sum(ping_pong) AS ping_pong
FROM cases
GROUP BY journey, teams
"""

PEOPLE_PER_CASE = """
SELECT avg(people) AS people FROM (
  SELECT count(DISTINCT person) AS people FROM ({events}) events GROUP BY log, case_id
) per_case
"""

FIGURES = {"ties": TIES, "boundary_counts": BOUNDARY_COUNTS, "latencies": LATENCIES,
           "teams_per_case": TEAMS_PER_CASE}


def render(statement: str, *, quantile: str, start: float | None, end: float | None,
           acknowledge_activity: str | None, literal: Callable[[str], str]) -> str:
    """The statement with the engine's quantile function and the run's constants filled in;
    ``literal`` quotes a string the engine's way."""
    bounds = {"start": repr(float(start)) if start is not None else "-1e18",
              "end": repr(float(end)) if end is not None else "1e18"}
    used = USED.format(**bounds)
    events = EVENTS.format(used=used)
    if acknowledge_activity is None:
        ack = {"ack_condition": "1 = 0", "ack_ts": "o.ts", "ack_join": "",
               "marks": "(" + MARKS.format(ack_condition="1 = 0", events=events) + ") marks"}
    else:
        ack = {"ack_condition": f"activity = {literal(acknowledge_activity)}",
               "ack_ts": "a.ack_ts", "marks": "marks",
               "ack_join": "LEFT JOIN acks a ON a.log = o.log AND a.case_key = o.case_key "
                           "AND a.stretch = o.place"}
    return statement.format(quantile=quantile, used=used, events=events, **bounds, **ack)


def steps(acknowledge_activity: str | None) -> list[tuple[str, str]]:
    """The STEPS an engine materialises, in order: MARKS and ACKS only with an acknowledge
    activity."""
    return [(name, statement) for name, statement in STEPS
            if acknowledge_activity is not None or name not in ("marks", "acks")]
