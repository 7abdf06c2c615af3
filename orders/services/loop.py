"""What runs next in the funds loop: one table from an order's state (and, where a state
has more than one step, the step done in it) to the job that moves the order on.

A transition hands the order to the table's job for its new state, a job that finishes one
step of a state hands it to the job for the next, and `reconcile` re-enqueues the table's
job for an order that stalled; a task runs its own step and never picks what follows.
Jobs are sent by their registered name once the current transaction commits, so the
services never import the task module (which imports them).
"""

from celery import current_app
from django.db import transaction

from orders.models import MarketMakingOrder, Payout
from orders.states import OrderState

S = OrderState

WITHDRAW_TO_EXCHANGE = "orders.tasks.withdraw_to_exchange"
MONITOR_MIXIN_WITHDRAWAL = "orders.tasks.monitor_mixin_withdrawal"
CONFIRM_EXCHANGE_DEPOSIT = "orders.tasks.confirm_exchange_deposit"
START_MM = "orders.tasks.start_mm"
EXIT_MM = "orders.tasks.exit_mm"
PAYOUT_SEND = "orders.tasks.payout_send"
# A campaign's funding payment (its memo says so) belongs to the campaigns app, above this
# one: handed to its job by name.
CAMPAIGN_LAUNCH_PAYMENT = "campaigns.tasks.campaign_launch_payment"

# Entering a state (or finding an order stalled in it) starts the state's first step.
ENTERED = ""
# WITHDRAWING has two steps: send each leg's withdrawal, then wait for their chain hashes.
WITHDRAWALS_SENT = "withdrawals_sent"

NEXT_JOB: dict[tuple[OrderState, str], str] = {
    # Only when the queue gate is on; otherwise an operator queues it (recovery).
    (S.PAYMENT_COMPLETE, ENTERED): WITHDRAW_TO_EXCHANGE,
    (S.WITHDRAWING, ENTERED): WITHDRAW_TO_EXCHANGE,
    (S.WITHDRAWING, WITHDRAWALS_SENT): MONITOR_MIXIN_WITHDRAWAL,
    # Left within the transaction that entered it; kept so reconcile covers every step.
    (S.WITHDRAWAL_CONFIRMED, ENTERED): CONFIRM_EXCHANGE_DEPOSIT,
    (S.DEPOSIT_CONFIRMING, ENTERED): CONFIRM_EXCHANGE_DEPOSIT,
    (S.DEPOSIT_CONFIRMED, ENTERED): START_MM,
    # One job walks the whole exit, as far as the outside world lets it each time.
    (S.EXIT_REQUESTED, ENTERED): EXIT_MM,
    (S.EXIT_CANCELLING, ENTERED): EXIT_MM,
    (S.EXIT_WITHDRAWING, ENTERED): EXIT_MM,
    (S.EXIT_CONFIRMING, ENTERED): EXIT_MM,
}


def _send_on_commit(job: str, kwargs: dict) -> None:
    transaction.on_commit(lambda: current_app.send_task(job, kwargs=kwargs))


def order_next_step_enqueue(*, order: MarketMakingOrder, done: str = ENTERED) -> str:
    """Enqueue the table's job for the order's state (and the step `done` in it), sent
    once the current transaction commits; answers the job's name."""
    job = NEXT_JOB[(OrderState(order.state), done)]
    _send_on_commit(job, {"order_id": str(order.pk), "trace_id": order.trace_id})
    return job


def payout_send_enqueue(*, payout: Payout) -> None:
    """A recorded payout or refund is sent by its own job, once its row has committed."""
    _send_on_commit(PAYOUT_SEND, {"payout_id": payout.pk, "trace_id": payout.trace_id})


def campaign_payment_enqueue(*, snapshot_id: object, trace_id: str) -> None:
    """Hand a campaign-funding payment to the campaigns app's job, once this commits."""
    _send_on_commit(
        CAMPAIGN_LAUNCH_PAYMENT, {"snapshot_id": str(snapshot_id), "trace_id": trace_id}
    )
