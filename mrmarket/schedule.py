"""Every periodic job, declared in code and written to django-celery-beat by
`manage.py setup_periodic_tasks` (so an operator sees and can pause them in the admin).

Each run expires when the next one is sent: a worker drops a run it reaches late instead of
working through a backlog of them, since the next run does the same work. Without it a
worker that falls behind a one-second job never catches up, and the funds loop's jobs
wait behind the pile."""

import math
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    every_seconds: float

    @property
    def expire_seconds(self) -> int:
        # Whole seconds, as django-celery-beat stores them.
        return max(1, math.ceil(self.every_seconds))


PERIODIC_JOBS = [
    PeriodicJob(
        name="Revalidate exchange API keys",
        task="exchanges.tasks.api_keys_revalidate",
        every_seconds=3600,
    ),
    PeriodicJob(
        name="Poll Mixin snapshots (payment intake)",
        task="wallet.tasks.poll_mixin_snapshots",
        every_seconds=1,
    ),
    PeriodicJob(
        name="Expire unpaid orders and refund what they received",
        task="orders.tasks.payments_expire",
        every_seconds=10,
    ),
    PeriodicJob(
        name="Reconcile orders stuck in the funds loop",
        task="orders.tasks.reconcile_orders",
        every_seconds=30,
    ),
    PeriodicJob(
        name="Check the ledger's invariants (result on the status page)",
        task="ledger.tasks.ledger_check",
        every_seconds=3600,
    ),
    PeriodicJob(
        name="Tick running orders (one task per due market)",
        task="executor.tasks.executor_tick_all",
        every_seconds=1,
    ),
    # HuFi campaigns (docs/campaigns.md): discovery, joins, rewards.
    PeriodicJob(
        name="Sync HuFi campaigns from the launcher",
        task="campaigns.tasks.campaigns_sync",
        every_seconds=60,
    ),
    PeriodicJob(
        name="Join the HuFi campaigns our trading orders are covered by",
        task="campaigns.tasks.campaign_joins_run",
        every_seconds=15,
    ),
    PeriodicJob(
        name="Match HuFi rewards that arrived on Mixin, allocate and pay them",
        task="campaigns.tasks.rewards_collect",
        every_seconds=15,
    ),
    PeriodicJob(
        name="Expire unfunded campaign launches, restart stalled funding steps",
        task="campaigns.tasks.campaign_launches_reconcile",
        every_seconds=30,
    ),
    PeriodicJob(
        name="Snapshot markets with running orders (one task per market)",
        task="reports.tasks.reports_snapshot_all",
        every_seconds=settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS,
    ),
    PeriodicJob(
        name="Roll up aged metric snapshots",
        task="reports.tasks.reports_roll_up",
        every_seconds=60,
    ),
    PeriodicJob(
        name="Build the public proofs that are missing or behind the minute",
        task="reports.tasks.reports_proofs_refresh",
        every_seconds=60,
    ),
    PeriodicJob(
        name="Rebuild and verify a few running orders' report bundles (self-check)",
        task="reports.tasks.reports_self_check",
        every_seconds=900,
    ),
]
