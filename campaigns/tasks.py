"""The campaign jobs: sync from the launcher, join, collect rewards. Each pulls from the
layers below; nothing below calls them.

They run on the beat's schedule and do not retry on their own: the next run does the same
work, so HuFi being away shows as a warning per run, never as a pile of retries on the
funds loop's queue."""

import logging

from celery import shared_task
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
