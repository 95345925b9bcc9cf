"""Small orgs and a command-line runner shared by the CI-output, waiver and baseline tests."""

from __future__ import annotations

from pathlib import Path

from orglint.commands import main

# an org with one unowned handoff (BND001), one waived by a config record and one waived inline
TROUBLED = """\
org: {name: Northwind}
people:
  carla: {name: Carla Diaz}
  dan: {name: Dan Roy}
teams:
  sales: {name: Sales, lead: carla, members: [carla]}
  delivery: {name: Delivery, lead: dan, members: [dan]}
  billing: {name: Billing, lead: dan, members: [dan]}
handoffs:
  sales-to-delivery: {from: sales, to: delivery}
  delivery-to-billing: {from: delivery, to: billing}
  billing-to-sales: {from: billing, to: sales}  # orglint: disable=BND001 reason="100% sure: hiring, soon"
"""
CONFIG = """\
select: [BND001, WVR]
waivers:
  - rule: BND001
    target: handoff:delivery-to-billing
    reason: new owner starts in July
    owner: dan
    expires: 2026-07-31
"""
HEALTHY = """\
people:
  carla: {name: Carla Diaz}
  dan: {name: Dan Roy}
teams:
  sales: {name: Sales, lead: carla, members: [carla]}
  delivery: {name: Delivery, lead: dan, members: [dan]}
handoffs:
  sales-to-delivery: {from: sales, to: delivery, owner: carla}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, monkeypatch, cwd: Path, *argv: str, today: str = "2026-06-01"
        ) -> tuple[int, str, str]:
    """``orglint ARGV`` in ``cwd`` with the date pinned; (exit code, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("ORGLINT_TODAY", today)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def troubled(root: Path, org: str = TROUBLED, config: str = CONFIG) -> Path:
    write(root / "orglint.yaml", config)
    write(root / "org.yaml", org)
    return root
