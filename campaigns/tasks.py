"""The campaign jobs: sync from the launcher, join, collect rewards, and create and fund
the campaigns users launch here. Each pulls from the layers below; nothing below calls
them (the order flow hands a campaign's Mixin payment to `campaign_launch_payment` by name).

The first three run on the beat's schedule and do not retry on their own: the next run does the same
work, so HuFi being away shows as a warning per run, never as a pile of retries on the
funds loop's queue."""

import logging
import random
from datetime import timedelta

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError
from django.conf import settings

from core.errors import ExternalServiceError
from core.jobs import MrMarketTask

logger = logging.getLogger(__name__)


def _hufi_configured() -> bool:
    return bool(settings.HUFI_LAUNCHER_URL and settings.HUFI_ORACLE_URL)


@shared_task(base=MrMarketTask, autoretry_for=())
def campaigns_sync(*, trace_id: str | None = None) -> int:
    """Periodic: copy the launcher's campaigns (and the running ones' progress)."""
    from campaigns.hufi import hufi_client
    from campaigns.services.discovery import campaigns_sync as sync

    if not _hufi_configured():
        return 0
    try:
        with hufi_client() as client:
            return sync(client=client)
    except ExternalServiceError as error:
        logger.warning("HuFi campaigns not synced", extra={"error": error.message})
        return 0


@shared_task(base=MrMarketTask, autoretry_for=())
def campaign_joins_run(*, trace_id: str | None = None) -> dict[str, int]:
    """Periodic: join the campaigns our trading orders' accounts are covered by (a failing
    join is recorded on its participation and retried by a later run)."""
    from campaigns.services.joining import campaign_joins_run as run

    if not _hufi_configured():
        return {}
    return run()


@shared_task(base=MrMarketTask, autoretry_for=())
def rewards_collect(*, trace_id: str | None = None) -> int:
    """Periodic: match rewards that arrived on Mixin, allocate, book and pay them."""
    from campaigns.hufi import hufi_client
    from campaigns.services.rewards import rewards_collect as collect

    if not _hufi_configured():
        return 0
    try:
        with hufi_client() as client:
            return collect(client=client)
    except ExternalServiceError as error:
        logger.warning("HuFi rewards not collected this run", extra={"error": error.message})
        return 0


# -- creating a campaign: its escrow and its fund (campaigns/services/launch*.py) ----------
# These act on one launch each, on the loop queue, and retry RetryableError with the base
# task's backoff; `campaign_launches_reconcile` restarts whatever still stalls.

WATCH_MAX_RETRIES = 60
WATCH_FIRST_DELAY = 0.5
WATCH_MAX_DELAY = 10.0
STALLED_AFTER = timedelta(seconds=60)


@shared_task(base=MrMarketTask)
def campaign_escrow_create(*, launch_id: str, trace_id: str) -> str:
    from campaigns.hufi import hufi_client
    from campaigns.services.launch_funding import launch_escrow_create

    with hufi_client() as client:
        return launch_escrow_create(launch_id=launch_id, client=client)


@shared_task(base=MrMarketTask)
def campaign_launch_payment(*, snapshot_id: str, trace_id: str) -> str:
    """A Mixin payment whose memo names a campaign launch (handed over by the order flow)."""
    from campaigns.services.launch_funding import launch_payment_process

    return launch_payment_process(snapshot_id=snapshot_id)


@shared_task(base=MrMarketTask)
def campaign_escrow_fund(*, launch_id: str, trace_id: str) -> str:
    from campaigns.hufi import hufi_client
    from campaigns.services.launch_funding import launch_escrow_fund

    with hufi_client() as client:
        return launch_escrow_fund(launch_id=launch_id, client=client)


@shared_task(base=MrMarketTask, bind=True)
def campaign_escrow_watch(self, *, launch_id: str, trace_id: str) -> str:
    """EVM: poll the escrow until the user's transfer fills it (bounded; then reconcile)."""
    from campaigns.hufi import hufi_client
    from campaigns.models import LaunchState
    from campaigns.services.launch_funding import launch_escrow_watch

    with hufi_client() as client:
        state = launch_escrow_watch(launch_id=launch_id, client=client)
    if state != LaunchState.AWAITING_FUNDING:
        return state
    delay = min(WATCH_MAX_DELAY, WATCH_FIRST_DELAY * 2**self.request.retries)
    try:
        raise self.retry(countdown=delay * random.uniform(0.8, 1.2), max_retries=WATCH_MAX_RETRIES)
    except MaxRetriesExceededError:
        return state


@shared_task(base=MrMarketTask, autoretry_for=())
def campaign_launches_reconcile(*, trace_id: str | None = None) -> dict[str, int]:
    """Periodic: expire unfunded launches, restart stalled steps, settle in-doubt funding."""
    from campaigns.hufi import hufi_client
    from campaigns.services.launch_funding import launches_reconcile

    if not (_hufi_configured() and settings.HUFI_CHAIN_URL):
        return {}
    try:
        with hufi_client() as client:
            return launches_reconcile(client=client, stalled_after=STALLED_AFTER)
    except ExternalServiceError as error:
        logger.warning("campaign launches not reconciled this run", extra={"error": error.message})
        return {}
