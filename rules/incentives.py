"""INC: every metric that pays a team rewards something downstream of that team."""

from __future__ import annotations

from collections.abc import Iterator

from orglint import rule
from orglint.finding import Hit
from orglint.model import Org


@rule("INC001", "metric-without-downstream", severity="error", blocks_stage=3)
def metric_without_downstream(org: Org) -> Iterator[Hit]:
    """A metric names no downstream component whose outcome it includes.

    A metric that counts only a team's own output pays that team to push work across the
    boundary whatever state it is in. Naming the downstream teams, handoffs or journeys
    whose outcome the metric includes is how an incentive learns about the customer.

    Fails:

    ```yaml
    teams:
      sales: {}
    metrics:
      deals-closed: {type: output, rewards: [sales]}
    ```

    Passes:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    metrics:
      deals-closed: {type: output, rewards: [sales], downstream: [delivery]}
    ```
    """
    for metric in org.metrics.values():
        if metric.raw.get("downstream"):
            continue
        rewards = ", ".join(org.display(ref) for ref in metric.rewards)
        paid = f" but pays {rewards}" if rewards else ""
        field = "downstream" if "downstream" in metric.raw else None
        yield metric.finding(
            field, f"metric '{metric.id}' names no downstream component{paid}: it rewards "
            "local output only"
        )
