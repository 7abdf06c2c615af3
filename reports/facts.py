"""An order's stored facts as plain rows: the shapes the PnL functions and the report
bundle share (decimals as text, times as fixed-width UTC text, so rows sort and compare
as text)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q

from core.money import decimal_text
from exchanges.models import TradingPair
from executor.models import ExchangeFill, ExecutorEvent, TrackedOrder
from ledger.models import Account, Entry, Transaction
from orders.models import MarketMakingOrder, OrderEvent

Row = dict[str, Any]


def time_text(moment: datetime | None) -> str | None:
    """Fixed-width UTC text (microseconds always present), so that text order is time order."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def market_row(pair: TradingPair) -> Row:
    return {
        "exchange": pair.exchange.name,
        "symbol": pair.symbol,
        "base": pair.base_symbol,
        "quote": pair.quote_symbol,
        "base_asset_id": str(pair.base_asset_id),
        "quote_asset_id": str(pair.quote_asset_id),
    }


def funded_row(order: MarketMakingOrder) -> Row:
    """What the order put on the exchange to trade with: each leg's confirmed deposit, or,
    before a deposit is confirmed, the amount the order funds."""
    amounts = {"base": order.base_amount, "quote": order.quote_amount}
    for leg in order.legs.all():
        if leg.deposited_amount is not None:
            amounts[leg.leg] = leg.deposited_amount
    return {side: decimal_text(amount) for side, amount in amounts.items()}


FILL_FIELDS = (
    "trade_id",
    "tracked_order__client_order_id",
    "side",
    "price",
    "amount",
    "fee",
    "fee_asset",
    "is_maker",
    "traded_at",
    "ledger_key",
)


def fill_rows(*, order_id: object, until: datetime | None = None) -> list[Row]:
    """The order's fills traded before `until`, oldest first (trade time, then record)."""
    query = ExchangeFill.objects.filter(tracked_order__order_id=order_id)
    if until is not None:
        query = query.filter(traded_at__lt=until)
    return [
        {
            "trade_id": trade_id,
            "client_order_id": client_order_id,
            "side": side,
            "price": decimal_text(price),
            "amount": decimal_text(amount),
            "fee": decimal_text(fee),
            "fee_asset": fee_asset,
            "is_maker": is_maker,
            "traded_at": time_text(traded_at),
            "ledger_key": ledger_key,
        }
        for (
            trade_id,
            client_order_id,
            side,
            price,
            amount,
            fee,
            fee_asset,
            is_maker,
            traded_at,
            ledger_key,
        ) in query.order_by("traded_at", "id").values_list(*FILL_FIELDS)
    ]


def _overlapping(
    query: Any, *, start: str, end: str, since: datetime | None, until: datetime | None
) -> Any:
    if until is not None:
        query = query.filter(**{f"{start}__lt": until})
    if since is not None:
        query = query.filter(**{f"{end}__gte": since})
    return query


def exchange_order_rows(
    *, order_id: object, since: datetime | None = None, until: datetime | None = None
) -> list[Row]:
    """The order's exchange orders alive at some time in [since, until), by sequence."""
    query = _overlapping(
        TrackedOrder.objects.filter(order_id=order_id),
        start="created_at",
        end="updated_at",
        since=since,
        until=until,
    )
    return [
        {
            "sequence": t.sequence,
            "client_order_id": t.client_order_id,
            "exchange_order_id": t.exchange_order_id,
            "side": t.side,
            "level": t.level,
            "price": decimal_text(t.price),
            "amount": decimal_text(t.amount),
            "filled_amount": decimal_text(t.filled_amount),
            "status": t.status,
            "cancel_reason": t.cancel_reason,
            "error_class": t.error_class,
            "last_error": t.last_error,
            "trace_id": t.trace_id,
            "created_at": time_text(t.created_at),
            "updated_at": time_text(t.updated_at),
        }
        for t in query.order_by("sequence")
    ]


def executor_event_rows(
    *, order_id: object, since: datetime | None = None, until: datetime | None = None
) -> list[Row]:
    query = _overlapping(
        ExecutorEvent.objects.filter(order_id=order_id),
        start="first_at",
        end="last_at",
        since=since,
        until=until,
    )
    return [
        {
            "kind": e.kind,
            "actor": e.actor,
            "reason": e.reason,
            "data": e.data,
            "count": e.count,
            "first_at": time_text(e.first_at),
            "last_at": time_text(e.last_at),
            "trace_id": e.trace_id,
        }
        for e in query.order_by("first_at", "id")
    ]


def order_event_rows(
    *, order_id: object, since: datetime | None = None, until: datetime | None = None
) -> list[Row]:
    """The order's own timeline: funds-loop transitions and the figures recorded with them."""
    query = _overlapping(
        OrderEvent.objects.filter(order_id=order_id),
        start="created_at",
        end="created_at",
        since=since,
        until=until,
    )
    return [
        {
            "kind": e.kind,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "actor": e.actor,
            "reason": e.reason,
            "data": e.data,
            "created_at": time_text(e.created_at),
            "trace_id": e.trace_id,
        }
        for e in query.order_by("created_at", "id")
    ]


def _account_label(owner_kind: str, owner_id: str, purpose: str) -> str:
    return f"{owner_kind}:{owner_id}/{purpose}" if owner_id else f"{owner_kind}/{purpose}"


def ledger_rows(
    *,
    order_id: object,
    since: datetime | None,
    until: datetime | None,
    also_keys: Sequence[str] = (),
) -> list[Row]:
    """Ledger transactions touching the order's accounts in [since, until), and those with
    the idempotency keys given (the postings of fills traded in the window but settled
    after it), each with all its entries, by id."""
    in_window = Q(
        entries__account__owner_kind=Account.OwnerKind.ORDER,
        entries__account__owner_id=str(order_id),
    )
    if since is not None:
        in_window &= Q(created_at__gte=since)
    if until is not None:
        in_window &= Q(created_at__lt=until)
    ids = set(Transaction.objects.filter(in_window).values_list("id", flat=True))
    keys = list(also_keys)
    for start in range(0, len(keys), 5000):
        ids.update(
            Transaction.objects.filter(idempotency_key__in=keys[start : start + 5000]).values_list(
                "id", flat=True
            )
        )
    ordered = sorted(ids)
    transactions: dict[int, Row] = {}
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start : start + 5000]
        for tx in Transaction.objects.filter(id__in=chunk).order_by("id"):
            transactions[tx.pk] = {
                "id": tx.pk,
                "idempotency_key": tx.idempotency_key,
                "code": tx.code,
                "ref": tx.ref,
                "reverses": tx.reverses_id,
                "reason": tx.reason,
                "trace_id": tx.trace_id,
                "created_at": time_text(tx.created_at),
                "entries": [],
            }
        entries = (
            Entry.objects.filter(transaction_id__in=chunk)
            .order_by("id")
            .values_list(
                "transaction_id",
                "account__owner_kind",
                "account__owner_id",
                "account__purpose",
                "asset",
                "amount",
            )
        )
        for tx_id, kind, owner, purpose, asset, amount in entries:
            transactions[tx_id]["entries"].append(
                {
                    "account": _account_label(kind, owner, purpose),
                    "asset": str(asset),
                    "amount": decimal_text(amount),
                }
            )
    return [transactions[i] for i in ordered]
