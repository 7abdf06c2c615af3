"""The campaign jobs: sync from the launcher, join, collect rewards. Each pulls from the
layers below; nothing below calls them."""

import logging

from celery import shared_task

from core.jobs import MrMarketTask

logger = logging.getLogger(__name__)


@shared_task(base=MrMarketTask)
def campaigns_sync(*, trace_id: str | None = None) -> int:
    """Periodic: copy the launcher's campaigns (and the running ones' progress)."""
    from django.conf import settings

    from campaigns.hufi import hufi_client
    from campaigns.services.discovery import campaigns_sync as sync

    if not settings.HUFI_LAUNCHER_URL:
        return 0
    with hufi_client() as client:
        return sync(client=client)


@shared_task(base=MrMarketTask)
def campaign_joins_run(*, trace_id: str | None = None) -> dict[str, int]:
    """Periodic: join the campaigns our trading orders' accounts are covered by."""
    from django.conf import settings

    from campaigns.services.joining import campaign_joins_run as run

    if not settings.HUFI_ORACLE_URL:
        return {}
    return run()


@shared_task(base=MrMarketTask)
def rewards_collect(*, trace_id: str | None = None) -> int:
    """Periodic: match rewards that arrived on Mixin, allocate, book and pay them."""
    from django.conf import settings

    from campaigns.hufi import hufi_client
    from campaigns.services.rewards import rewards_collect as collect

    if not settings.HUFI_ORACLE_URL:
        return 0
    with hufi_client() as client:
        return collect(client=client)
