import logging
import time

from celery import shared_task
from django.conf import settings

from core.jobs import MrMarketTask
from wallet.client import mixin_client
from wallet.services.intake import snapshots_poll, snapshots_redispatch

logger = logging.getLogger(__name__)


@shared_task(base=MrMarketTask, max_retries=0)
def poll_mixin_snapshots(*, trace_id: str | None = None) -> int:
    """Beat, every second: poll /safe/snapshots for MIXIN_POLL_WINDOW_MS, every
    MIXIN_POLL_INTERVAL_MS, so a payment is seen well inside the beat period.

    No retries: the next beat is the retry. Two runs overlapping is safe."""
    deadline = time.monotonic() + settings.MIXIN_POLL_WINDOW_MS / 1000
    interval = settings.MIXIN_POLL_INTERVAL_MS / 1000
    snapshots_redispatch()
    new = 0
    with mixin_client() as client:
        while True:
            new += snapshots_poll(client=client).new
            if time.monotonic() + interval >= deadline:
                return new
            time.sleep(interval)
