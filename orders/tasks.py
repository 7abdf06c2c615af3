"""The funds loop's Celery jobs (docs/funds-loop.md). Each takes ids and a trace id and runs
its own step through one service; what runs next is the services' table
(orders/services/loop.py). A step that waits on the outside world polls again with bounded
exponential backoff, and `reconcile` picks up the rest."""

import logging
import random

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError

from core.jobs import MrMarketTask
from executor.services import MarketBusy
from orders.services import exit as exit_service
from orders.services import funding, payments, payouts, reconcile
from orders.services.funding import Step

logger = logging.getLogger(__name__)

POLL_MAX_RETRIES = 60
POLL_FIRST_DELAY = 0.1
POLL_MAX_DELAY = 10.0
MARKET_BUSY_RETRY_SECONDS = 0.2


def _poll_again(task: MrMarketTask, step: Step) -> Step:
    if step is not Step.WAITING:
        return step
    delay = min(POLL_MAX_DELAY, POLL_FIRST_DELAY * 2**task.request.retries)
    try:
        raise task.retry(countdown=delay * random.uniform(0.8, 1.2), max_retries=POLL_MAX_RETRIES)
    except MaxRetriesExceededError:
        logger.warning("still waiting after every poll; left to reconcile")
        return step


@shared_task(base=MrMarketTask)
def process_payment_snapshot(*, snapshot_id: str, trace_id: str) -> str:
    return payments.payment_snapshot_process(snapshot_id=snapshot_id)


@shared_task(base=MrMarketTask)
def withdraw_to_exchange(*, order_id: str, trace_id: str) -> str:
    return funding.withdraw_to_exchange(order_id=order_id).value


@shared_task(base=MrMarketTask, bind=True)
def monitor_mixin_withdrawal(self, *, order_id: str, trace_id: str) -> str:
    return _poll_again(self, funding.monitor_mixin_withdrawal(order_id=order_id)).value


@shared_task(base=MrMarketTask, bind=True)
def confirm_exchange_deposit(self, *, order_id: str, trace_id: str) -> str:
    return _poll_again(self, funding.confirm_exchange_deposit(order_id=order_id)).value


@shared_task(base=MrMarketTask)
def start_mm(*, order_id: str, trace_id: str) -> str:
    return funding.start_mm(order_id=order_id).value


@shared_task(base=MrMarketTask, bind=True)
def exit_mm(self, *, order_id: str, trace_id: str) -> str:
    try:
        step = exit_service.exit_advance(order_id=order_id)
    except MarketBusy as busy:
        # A tick holds the market for milliseconds: try again almost at once, not on the
        # general backoff that grows to seconds (it made exits take 4–5 s).
        raise self.retry(
            exc=busy, countdown=MARKET_BUSY_RETRY_SECONDS, max_retries=POLL_MAX_RETRIES
        ) from busy
    return _poll_again(self, step).value


@shared_task(base=MrMarketTask)
def payout_send(*, payout_id: int, trace_id: str) -> str:
    payout = payouts.payout_send(payout_id=payout_id)
    if payout.order_id is not None:
        payouts.payout_order_follow_up(payout=payout)
    return payout.status


@shared_task(base=MrMarketTask)
def payments_expire(*, trace_id: str | None = None) -> int:
    return payments.payments_expire_due()


@shared_task(base=MrMarketTask)
def reconcile_orders(*, trace_id: str | None = None) -> dict:
    report = reconcile.reconcile_run()
    return {"rerun": len(report.rerun), "flagged": len(report.flagged)}
