"""The scheduled deployments: hourly incremental runs and a nightly reconciliation with a longer lookback.

`centra-elt serve` serves both from this process to a Prefect server or Prefect Cloud (schedules need one:
Prefect's temporary local server does not schedule). The same two deployments for a work pool are in
`prefect.yaml` (`prefect deploy --all`). The two may meet at night: each waits for the other's warehouse
lock rather than failing. Neither sets `hash_pii`: the flow's None reads `sources.centra.hash_pii`, so the
worker's configuration decides, as for credentials.
"""

from __future__ import annotations

from typing import Any

from prefect.schedules import Cron

from flows import steps
from flows.elt import centra_elt

HOURLY_CRON = "5 * * * *"  # five past every hour
NIGHTLY_CRON = "30 2 * * *"  # 02:30 in the schedule's timezone
NIGHTLY_LOOKBACK_DAYS = 180


def deployments() -> list[Any]:
    """The two deployments, scheduled in the instance's timezone (`sources.centra.timezone`): the nightly
    run is at night where the shop is."""
    timezone = steps.run_settings().timezone
    hourly = centra_elt.to_deployment(
        name="hourly-incremental",
        schedules=[Cron(HOURLY_CRON, timezone=timezone)],
        parameters={"wait_seconds": 900},
        description="Incremental load of every family, reporting build, checks, publish.",
        tags=["centra-elt"],
    )
    nightly = centra_elt.to_deployment(
        name="nightly-reconcile",
        schedules=[Cron(NIGHTLY_CRON, timezone=timezone)],
        parameters={"reconcile": True, "order_lookback_days": NIGHTLY_LOOKBACK_DAYS, "wait_seconds": 3600},
        description=f"Reconciles the whole history with Centra's counts (repairs deletes and late imports) and "
        f"re-pulls {NIGHTLY_LOOKBACK_DAYS} days of orders to catch changes incremental runs miss.",
        tags=["centra-elt"],
    )
    return [hourly, nightly]


def serve_deployments() -> None:
    from prefect import serve

    serve(*deployments())
