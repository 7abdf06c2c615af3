"""Ledger postings that move an order's own funds from one place to another."""

import uuid
from decimal import Decimal

from ledger.models import Transaction
from ledger.services import Leg, ledger_post, order_account
from orders.models import MarketMakingOrder


def order_funds_move(
    *,
    order: MarketMakingOrder,
    idempotency_key: str,
    code: str,
    asset: uuid.UUID,
    source: str,
    target: str,
    sent: Decimal,
    received: Decimal | None = None,
    ref: str,
    extra: list[Leg] | None = None,
) -> Transaction:
    """`sent` leaves the order's `source` account, `received` (default: all of it) arrives
    in `target`, and what was lost on the way is booked to the order's fees."""
    received = sent if received is None else received

    def account(purpose: str):
        return order_account(order_id=order.pk, asset=asset, purpose=purpose)

    entries = [
        Leg(account=account(source), amount=-sent),
        Leg(account=account(target), amount=received),
    ]
    if sent != received:
        entries.append(Leg(account=account("fees"), amount=sent - received))
    return ledger_post(
        idempotency_key=idempotency_key,
        code=code,
        entries=entries + (extra or []),
        trace_id=order.trace_id,
        ref=ref,
    )
