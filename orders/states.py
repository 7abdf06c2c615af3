"""The market-making order's states and the transitions between them (docs/funds-loop.md)."""

from django.db import models


class OrderState(models.TextChoices):
    PAYMENT_PENDING = "payment_pending"
    PAYMENT_INCOMPLETE = "payment_incomplete"
    PAYMENT_COMPLETE = "payment_complete"
    EXPIRED = "expired"
    WITHDRAWING = "withdrawing"
    WITHDRAWAL_CONFIRMED = "withdrawal_confirmed"
    DEPOSIT_CONFIRMING = "deposit_confirming"
    DEPOSIT_CONFIRMED = "deposit_confirmed"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    EXIT_REQUESTED = "exit_requested"
    EXIT_CANCELLING = "exit_cancelling"
    EXIT_WITHDRAWING = "exit_withdrawing"
    EXIT_CONFIRMING = "exit_confirming"
    EXITED = "exited"
    FAILED = "failed"
    REFUNDED = "refunded"


S = OrderState

TERMINAL_STATES = frozenset({S.EXITED, S.REFUNDED})
EXIT_STATES = frozenset(
    {S.EXIT_REQUESTED, S.EXIT_CANCELLING, S.EXIT_WITHDRAWING, S.EXIT_CONFIRMING}
)
AWAITING_PAYMENT = frozenset({S.PAYMENT_PENDING, S.PAYMENT_INCOMPLETE})
NON_TERMINAL = frozenset(set(OrderState) - TERMINAL_STATES)

# How long an order may sit in a state before `reconcile` looks at it (seconds).
STUCK_AFTER_SECONDS = {
    S.PAYMENT_COMPLETE: 120,
    S.WITHDRAWING: 600,
    S.WITHDRAWAL_CONFIRMED: 120,
    S.DEPOSIT_CONFIRMING: 1800,
    S.DEPOSIT_CONFIRMED: 120,
    S.EXIT_REQUESTED: 120,
    S.EXIT_CANCELLING: 300,
    S.EXIT_WITHDRAWING: 600,
    S.EXIT_CONFIRMING: 1800,
}
