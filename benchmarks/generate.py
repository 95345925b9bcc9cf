"""Synthetic orgs of any size, for benchmarks and equivalence tests.

    python benchmarks/generate.py --people 10000 --out /tmp/org-10k            # one file per team
    python benchmarks/generate.py --people 100000 --out /tmp/org-100k          # 20,000 teams
    python benchmarks/generate.py --people 10000 --layout single --out /tmp/big

Five people per team (so 10,000 people make 2,000 teams), a handoff and a handoff metric per
team, and every fifteenth team a journey across four teams with its RACI, a review and a decision.
Most of the org is healthy; a deterministic few percent of entities carry a defect (a missing
owner, a typo in a field or a reference, a bad duration, a metric with no downstream, a flow
reference written ``kind:id``). The same arguments always write the same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path
from typing import Any

PEOPLE_PER_TEAM = 5
JOURNEY_EVERY = 15
LAYERS = ("frontstage", "backstage", "support")
LEVELS = ("low", "medium", "high")
CADENCES = ("weekly", "biweekly", "monthly")
JOURNEY_TEAMS = 4
LABELS = ("customer_id", "scope", "promises", "contract", "history", "priority")
TITLES = ("Engineer", "Analyst", "Designer", "Coordinator", "Specialist")
FIRST = ("Ana", "Leo", "Maya", "Dan", "Carla", "Ivo", "Noor", "Sami", "Ruth", "Tomas")
LAST = ("Chen", "Park", "Diaz", "Okafor", "Larsen", "Rossi", "Haddad", "Novak", "Silva", "Kim")

Sections = dict[str, dict[str, Any]]
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ .&/:-]*")


def person_id(number: int) -> str:
    return f"p{number:05d}"


def team_id(number: int) -> str:
    return f"t{number:04d}"


def build(people: int, seed: int = 7, defects: float = 0.03) -> list[tuple[str, Sections]]:
    """The org as (team id, sections) pairs, one per team, in a stable order."""
    rng = random.Random(seed)
    teams = max(2, people // PEOPLE_PER_TEAM)
    out = []
    for number in range(teams):
        out.append((team_id(number), _team(number, teams, rng, defects)))
    return out


def _flaw(rng: random.Random, defects: float) -> bool:
    return rng.random() < defects


def _team(number: int, teams: int, rng: random.Random, defects: float) -> Sections:
    tid = team_id(number)
    first = number * PEOPLE_PER_TEAM
    members = [person_id(first + k) for k in range(PEOPLE_PER_TEAM)]
    lead = members[0]
    boss = person_id((number - 1) // 4 * PEOPLE_PER_TEAM) if number else None
    sections: Sections = {"people": {}, "teams": {}, "systems": {}, "handoffs": {}, "metrics": {}}
    for k, pid in enumerate(members):
        n = first + k
        person: dict[str, Any] = {"name": f"{FIRST[n % 10]} {LAST[n // 10 % 10]} {n}",
                                  "title": TITLES[n % 5] if k else "Team lead"}
        if n == 0:
            person["founder"] = True
            person["title"] = "Founder & CEO"
        elif k == 0:
            person["reports_to"] = boss
        else:
            person["reports_to"] = lead
        if k == 4 and _flaw(rng, defects):
            person["titel"] = person.pop("title")  # schema: unknown field
        sections["people"][pid] = person
    team: dict[str, Any] = {"name": f"Team {number}", "lead": lead, "members": members}
    if number:
        team["parent"] = team_id((number - 1) // 4)
    team["layer"] = LAYERS[number % 3]
    team["systems"] = [f"sys-{tid}"]
    start = number - number % JOURNEY_EVERY
    if number - start < JOURNEY_TEAMS and teams >= JOURNEY_TEAMS + 1:
        team["systems"].append(f"crm-journey-{start:04d}")  # the journey's shared record
    if _flaw(rng, defects):
        del team["lead"]
    sections["teams"][tid] = team
    sections["systems"][f"sys-{tid}"] = {
        "name": f"System of team {number}", "owner": tid,
        "holds": [LABELS[number % 6], LABELS[(number + 1) % 6]],
    }
    nxt = team_id((number + 1) % teams)
    hid = f"{tid}-to-{nxt}"
    complexity = LEVELS[number % 3]
    handoff: dict[str, Any] = {
        "from": tid, "to": nxt, "owner": lead, "backup_owner": members[1],
        "complexity": complexity,
        "governance": {"protocol": f"docs/handoffs/{hid}.md", "decision_maker": lead,
                       "escalation": [lead, boss if number > 4 else members[1]]},
        "carries": [LABELS[number % 6], LABELS[(number + 1) % 6]],
        "sla": {"acknowledge": "4h", "complete": "2d"},
        "measured_by": [f"{hid}-latency"],
    }
    if complexity != "low":  # a rate that agrees with the declared complexity
        base = 0.05 if complexity == "medium" else 0.25
        handoff["exception_rate"] = round(base + (number % 5) * 0.02, 2)
    roll = rng.random()
    if roll < defects / 4:
        del handoff["owner"]
    elif roll < defects / 2:
        handoff["owner"] = tid
    elif roll < defects * 3 / 4:
        handoff["sla"]["complete"] = "two days"
    elif roll < defects:
        handoff["complexty"] = handoff.pop("complexity")
    sections["handoffs"][hid] = handoff
    metric: dict[str, Any] = {
        "name": f"Latency of {hid}", "type": "handoff", "owner": lead,
        "rewards": [tid], "downstream": [nxt, f"handoff:{hid}"], "source": f"sys-{tid}",
    }
    if _flaw(rng, defects):
        metric["downstream"] = []
    if _flaw(rng, defects):
        metric["owner"] = members[1] + "x"  # reference to nobody
    sections["metrics"][f"{hid}-latency"] = metric
    if number % JOURNEY_EVERY == 0 and teams >= JOURNEY_TEAMS + 1:
        _journey(sections, number, teams, members, rng, defects)
    return {name: table for name, table in sections.items() if table}


def _journey(sections: Sections, number: int, teams: int, members: list[str],
             rng: random.Random, defects: float) -> None:
    jid = f"journey-{number:04d}"
    path = [team_id((number + k) % teams) for k in range(JOURNEY_TEAMS)]
    context = [LABELS[number % 6], LABELS[(number + 1) % 6]]
    sections["journeys"] = {jid: {
        "name": f"Journey {number}", "owner": members[0], "volume": LEVELS[number % 3],
        "path": path, "context": context,
    }}
    sections["systems"][f"crm-journey-{number:04d}"] = {
        "name": f"Record of journey {number}", "owner": path[0], "holds": context}
    outcome = f"{jid}-outcome"
    sections["metrics"][outcome] = {
        "name": f"Outcome of journey {number}", "type": "outcome", "owner": members[0],
        "rewards": path, "downstream": [f"journey:{jid}"], "source": f"crm-journey-{number:04d}"}
    activities = []
    for k, step in enumerate(("Accept the request", "Plan the work", "Deliver", "Close")):
        activities.append({"activity": step, "R": [members[k % 5], path[k]], "A": members[0],
                           "C": [path[(k + 1) % JOURNEY_TEAMS]], "I": [members[4]]})
    if _flaw(rng, defects * 3):
        activities[2]["A"] = [members[1], members[2]]
    sections["raci"] = {f"raci-{jid}": {"name": f"Who does what in journey {number}",
                                        "journey": jid, "activities": activities}}
    sections["reviews"] = {f"review-{jid}": {
        "name": f"Review of journey {number}", "cadence": CADENCES[number % 3],
        "owner": members[0], "attendees": path, "covers": [jid],
        "inputs": [f"{team_id(number)}-to-{path[1]}-latency", outcome],
    }}
    sections["decisions"] = {f"decision-{jid}": {
        "name": f"Exceptions in journey {number}", "frequency": "weekly",
        "decided_by": person_id((number + 1) % teams * PEOPLE_PER_TEAM),  # lead of path[1]
        "raised_by": path[1:3], "journey": f"journey:{jid}",
    }}
    if _flaw(rng, defects * 3):
        sections["metrics"][f"{jid}-nps"] = {"name": f"NPS of journey {number}",
                                              "type": "outcome", "owner": members[0],
                                              "rewards": [path[0]]}


# --- a small YAML writer: block mappings, flow lists and flat mappings on one line -------------


def scalar(value: Any) -> str:
    if value is True:
        return "true"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text not in ("true", "false", "null") and ": " not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flat(value: dict[str, Any]) -> bool:
    """Small mappings of scalars (a person, an SLA) go on one line, as people write them."""
    return len(value) <= 3 and all(
        not isinstance(v, dict) and (not isinstance(v, list) or len(v) <= 3) for v in value.values()
    )


def flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    return scalar(value)


def emit(value: dict[str, Any], indent: int = 0) -> list[str]:
    pad = "  " * indent
    lines = []
    for key, item in value.items():
        if isinstance(item, dict) and item and indent >= 1 and _flat(item):
            lines.append(f"{pad}{key}: {flow(item)}")
        elif isinstance(item, dict):
            lines.append(f"{pad}{key}:")
            lines.extend(emit(item, indent + 1))
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            lines.append(f"{pad}{key}:")
            for entry in item:
                inner = emit(entry, indent + 2)
                lines.append(f"{pad}  - {inner[0].lstrip()}")
                lines.extend(inner[1:])
        else:
            lines.append(f"{pad}{key}: {flow(item)}")
    return lines


def write(out: Path, people: int, layout: str = "per-team", seed: int = 7,
          defects: float = 0.03) -> list[Path]:
    """Write the org under ``out`` (emptied first); returns the files written."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    org = build(people, seed, defects)
    header = {"version": 1, "org": {"name": f"Synthetic org of {people} people"}}
    written = []
    if layout == "single":
        merged: Sections = {}
        for _, sections in org:
            for name, table in sections.items():
                merged.setdefault(name, {}).update(table)
        path = out / "org.yaml"
        path.write_text("\n".join(emit({**header, **merged})) + "\n", encoding="utf-8")
        return [path]
    (out / "org.yaml").write_text("\n".join(emit(header)) + "\n", encoding="utf-8")
    written.append(out / "org.yaml")
    for tid, sections in org:
        folder = out / "teams" / tid[:3]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{tid}.yaml"
        path.write_text("\n".join(emit(sections)) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--layout", choices=("per-team", "single"), default="per-team")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--defects", type=float, default=0.03,
                        help="share of entities with a defect (default 0.03)")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    files = write(args.out, args.people, args.layout, args.seed, args.defects)
    lines = sum(path.read_bytes().count(b"\n") for path in files)
    print(f"{args.out}: {len(files)} files, {lines} lines, {args.people} people")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
