"""The built-in rule pack, registered through the ``orglint`` entry point like any plugin."""

from __future__ import annotations

from orglint import Rule, collect, hookimpl

from . import boundaries, context, evidence, feedback, governance, incentives, raci, structure, waivers

AREA_MODULES = (structure, boundaries, governance, incentives, context, raci, feedback, waivers,
                evidence)


@hookimpl
def orglint_rules() -> list[Rule]:
    """Every rule of the built-in pack, area by area, in definition order."""
    rules: list[Rule] = []
    for module in AREA_MODULES:
        rules.extend(collect(vars(module)))
    return rules
