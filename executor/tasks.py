"""Celery interfaces of the executor: the beat job that fans out market ticks, the tick
itself, and cancelling one order's quotes. Each fetches by id and calls a service."""

import logging

from celery import shared_task
from django.utils import timezone

from core import context
from core.errors import RetryableError
from core.jobs import MrMarketTask
from executor import selectors, services
from executor.schedule import market_claim

logger = logging.getLogger(__name__)


@shared_task(base=MrMarketTask, autoretry_for=(), max_retries=0)
def executor_tick_all(*, trace_id: str | None = None) -> int:
    """Beat job: claim every due market and enqueue one tick for it; one order-book read
    then serves every order on that market."""
    now = timezone.now()
    enqueued = 0
    for pair_id in selectors.due_markets(now=now):
        if market_claim(pair_id=pair_id, now=now):
            executor_tick_market.delay(pair_id=pair_id, trace_id=context.new_trace_id())
            enqueued += 1
    return enqueued


@shared_task(base=MrMarketTask, autoretry_for=(), max_retries=0)
def executor_tick_market(*, pair_id: int, trace_id: str) -> None:
    """A periodic tick is not retried: the next one comes within seconds."""
    services.executor_tick_market(pair_id=pair_id)


@shared_task(base=MrMarketTask)
def quotes_cancel(*, order_id: str, trace_id: str, reason: str = "quotes cancelled") -> None:
    """Cancel every open exchange order of one order (pause, stop, the global kill switch);
    retried with backoff until nothing is left open. Whether the order quotes is its
    caller's business (executor_order_pause), not this task's."""
    if not services.executor_order_cancel_all(order_id=order_id, reason=reason, stop_quoting=False):
        raise RetryableError("some exchange orders are still open; trying again")
