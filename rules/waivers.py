"""WVR: waivers are governed records: owned, reasoned, and expiring."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from orglint import Hit, Waiver, WaiverState, rule
from orglint.model import Org


def _hit(waiver: Waiver, message: str) -> Hit:
    return Hit(message, position=waiver.position)


@rule("WVR001", "waiver-expired", severity="error", blocks_stage=3)
def waiver_expired(org: Org, waivers: WaiverState) -> Iterator[Hit]:
    """A waiver past its expiry date stops waiving, and is itself an error.

    A waiver is a promise to fix something by a date. When the date passes, the finding it
    silenced comes back and the waiver is reported, so that its owner either fixes the problem
    or renews the waiver with a new reason. An expiry date that nobody enforces is a permanent
    exception by another name. An expired waiver whose problem was fixed meanwhile waives
    nothing: WVR002 asks for it to be deleted instead.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery:  # orglint: disable=BND001 reason="hiring" owner=carla expires=2020-01-31
        from: sales
        to: delivery
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery:  # orglint: disable=BND001 reason="hiring" owner=carla expires=2999-01-31
        from: sales
        to: delivery
    ```
    """
    for waiver in waivers.declared:
        if waiver.expired(waivers.today) and not _fixed(waiver, waivers):
            assert waiver.expires is not None
            back = "its finding is back" if waiver in waivers.back else "it waives no more"
            owner = f"; {waiver.owner} owns it: fix the problem or renew the waiver" \
                if waiver.owner else ""
            yield _hit(waiver, f"{waiver.label} expired on {waiver.expires.isoformat()}: "
                               f"{back}{owner}")


def _fixed(waiver: Waiver, waivers: WaiverState) -> bool:
    """Whether an expired waiver's rule ran and finds nothing it would waive: its problem
    was fixed (WVR002's to report), not back."""
    code = waivers.code(waiver.rule)
    return code is not None and code in waivers.ran and waiver not in waivers.back


@rule("WVR002", "waiver-unused", severity="warning", blocks_stage=4)
def waiver_unused(org: Org, waivers: WaiverState) -> Iterator[Hit]:
    """A waiver that silences nothing should be deleted.

    Once the problem a waiver covered is fixed, the waiver stays behind and would silently
    swallow the next problem of that kind on that entity. Removing it keeps the waiver register
    honest: every entry is a live, known exception. Only waivers of rules that ran are judged,
    so `--select` does not make the others look unused. An expired waiver whose problem is
    fixed is reported here too, not as WVR001: there is nothing to fix or renew.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery:  # orglint: disable=BND01 reason="no owner yet"
        from: sales
        to: delivery
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery}  # orglint: disable=BND001 reason="no owner yet"
    ```
    """
    for waiver in waivers.declared:
        expired = waiver.expired(waivers.today)
        if (expired and not _fixed(waiver, waivers)) or waiver in waivers.used:
            continue
        if expired:
            assert waiver.expires is not None
            where = "on this line" if waiver.inline else f"on {waiver.target}"
            yield _hit(waiver, f"{waiver.label} expired on {waiver.expires.isoformat()} and "
                               f"waives nothing: {waiver.rule} finds no problem {where}; "
                               "delete the waiver")
            continue
        code = waivers.code(waiver.rule)
        if code is None:
            close = waivers.closest(waiver.rule)
            hint = f"; did you mean '{close}'?" if close else ""
            yield _hit(waiver, f"{waiver.label} names no rule '{waiver.rule}'{hint}")
        elif code in waivers.ran and waiver.target and org.get(waiver.target) is None:
            yield _hit(waiver, f"{waiver.label} waives nothing: there is no {waiver.target} in "
                               "the org; correct the target or delete the waiver")
        elif code in waivers.ran:
            where = "on this line" if waiver.inline else f"on {waiver.target}"
            yield _hit(waiver, f"{waiver.label} waives nothing: {waiver.rule} finds no problem "
                               f"{where}; delete the waiver")


@rule("WVR003", "waiver-incomplete", severity="error", blocks_stage=3)
def waiver_incomplete(org: Org, waivers: WaiverState) -> Iterator[Hit]:
    """A waiver names why, who and until when.

    A waiver without a reason cannot be reviewed, one without an owner is nobody's job to lift,
    and one without an expiry date never comes back for review. Waiver records need all three;
    a quick inline comment needs at least its reason, and an owner it names must be a person.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery}  # orglint: disable=BND001
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery:  # orglint: disable=BND001 reason="owner starts in May" owner=carla
        from: sales
        to: delivery
    ```
    """
    yield from waivers.problems
    for waiver in waivers.declared:
        lacking = [word for word, value in (("reason", waiver.reason), ("owner", waiver.owner),
                                            ("expiry date", waiver.expires))
                   if value is None and not (waiver.inline and word != "reason")]
        if lacking:
            yield _hit(waiver, f"{waiver.label} has no {_join(lacking)}")
        if waiver.owner is not None and waiver.owner not in org.people:
            yield _hit(waiver, f"{waiver.label} is owned by '{waiver.owner}', who is not a "
                               f"person in the org{_owner_hint(org, waiver.owner)}")


def _owner_hint(org: Org, owner: str) -> str:
    """'; name the person by id: 'maya' (Maya Chen)' for an owner given by a person's display
    name (any case and spacing), else the closest person id; '' when none is close."""
    spelled = " ".join(owner.split()).casefold()
    named = sorted(person.id for person in org.people.values()
                   if " ".join(person.name.split()).casefold() == spelled)
    if named:
        return "; an owner is a person id: " + ", ".join(
            f"'{ident}' ({org.people[ident].name})" for ident in named)
    close = difflib.get_close_matches(owner, sorted(org.people), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]
