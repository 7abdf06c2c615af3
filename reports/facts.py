"""An order's stored facts as plain rows: the shapes the PnL functions and the report
bundle share (decimals as text, times as fixed-width UTC text, so rows sort and compare
as text)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q

from core.money import decimal_text
from exchanges.models import TradingPair
from executor.models import ExchangeFill, ExecutorEvent, TrackedOrder
from ledger.models import Account, Entry, Transaction
from orders.models import MarketMakingOrder, OrderEvent
from reports.fact_reader import text_rows

Row = dict[str, Any]


def time_text(moment: datetime | None) -> str | None:
    """Fixed-width UTC text (microseconds always present), so that text order is time order."""
    if moment is None:
        return None
    if moment.utcoffset():
        moment = moment.astimezone(UTC)
    # isoformat is C and keeps its width with timespec; a bundle reads 100,000s of these.
    return moment.isoformat(timespec="microseconds")[:26] + "Z"


def actor_shown(actor: str) -> str:
    """Who acted, as a bundle or a lifecycle shows it to anyone the owner lets read it: the
    only user who acts on an order is its owner, named so rather than by a user id."""
    return "owner" if actor.startswith("user:") else actor


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
    names = tuple(name.removeprefix("tracked_order__") for name in FILL_FIELDS)
    return [
        dict(zip(names, row, strict=True))
        for row in text_rows(query.order_by("traded_at", "id"), FILL_FIELDS)
    ]


EXCHANGE_ORDER_FIELDS = (
    "sequence",
    "client_order_id",
    "exchange_order_id",
    "side",
    "level",
    "price",
    "amount",
    "filled_amount",
    "status",
    "cancel_reason",
    "error_class",
    "last_error",
    "trace_id",
    "created_at",
    "updated_at",
)


def _overlapping(
    query: Any, *, start: str, end: str, since: datetime | None, until: datetime | None
) -> Any:
    if until is not None:
        query = query.filter(**{f"{start}__lt": until})
    if since is not None:
        query = query.filter(**{f"{end}__gte": since})
    return query


def exchange_orders_as_of(rows: list[Row], *, at: str) -> list[Row]:
    """The rows as they stood at `at` (fixed-width UTC text): an order whose last change came
    later had not yet ended then, so a later cancel or rejection does not count yet. Its
    exact state before that change is not stored; it counts as resting if the exchange has
    taken it, else as still being created. Figures as of a past time stay what they were."""
    stood = []
    for row in rows:
        if row["updated_at"] >= at and row["status"] in ("cancelled", "failed", "filled"):
            status = "open" if row["exchange_order_id"] else "pending_create"
            row = {**row, "status": status, "cancel_reason": "", "error_class": ""}
        stood.append(row)
    return stood


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
        dict(zip(EXCHANGE_ORDER_FIELDS, row, strict=True))
        for row in text_rows(query.order_by("sequence"), EXCHANGE_ORDER_FIELDS)
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
            "actor": actor_shown(e.actor),
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
            "actor": actor_shown(e.actor),
            "reason": e.reason,
            "data": e.data,
            "created_at": time_text(e.created_at),
            "trace_id": e.trace_id,
        }
        for e in query.order_by("created_at", "id")
    ]


def _account_label(owner_kind: str, owner_id: str, purpose: str) -> str:
    return f"{owner_kind}:{owner_id}/{purpose}" if owner_id else f"{owner_kind}/{purpose}"


def ledger_rows(*, order_id: object, since: datetime, until: datetime) -> Row:
    """Ledger transactions touching the order's accounts in [since, until), and the
    postings of the order's fills traded in the window (one settled after the window's end
    included), by id, each with all its entries as `[account id, amount]`; the accounts
    they name are listed once beside them (a bundle holds hundreds of thousands of entries
    over a handful of accounts)."""
    touching = Entry.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER,
        account__owner_id=str(order_id),
        transaction__created_at__gte=since,
        transaction__created_at__lt=until,
    ).values("transaction_id")
    fill_keys = ExchangeFill.objects.filter(
        tracked_order__order_id=order_id, traded_at__gte=since, traded_at__lt=until
    ).values("ledger_key")
    chosen = Transaction.objects.filter(Q(id__in=touching) | Q(idempotency_key__in=fill_keys))
    transactions: dict[int, Row] = {}
    fields = ("id", "idempotency_key", "code", "ref", "reverses_id", "reason", "trace_id")
    names = (*fields[:4], "reverses", *fields[5:], "created_at")
    for row in text_rows(chosen.order_by("id"), (*fields, "created_at")):
        transactions[row[0]] = {**dict(zip(names, row, strict=True)), "entries": []}
    account_ids = set()
    # By transaction, then id: each transaction's entries in id order, read along the
    # transaction index (which already orders by row id on SQLite) rather than sorted.
    entries = Entry.objects.filter(transaction_id__in=chosen.values("id")).order_by(
        "transaction_id", "id"
    )
    for tx_id, account_id, amount in text_rows(entries, ("transaction_id", "account_id", "amount")):
        transactions[tx_id]["entries"].append([account_id, amount])
        account_ids.add(account_id)
    accounts = [
        {"id": pk, "account": _account_label(kind, owner, purpose), "asset": str(asset)}
        for pk, kind, owner, purpose, asset in Account.objects.filter(id__in=account_ids)
        .order_by("id")
        .values_list("id", "owner_kind", "owner_id", "purpose", "asset")
    ]
    return {"accounts": accounts, "transactions": list(transactions.values())}
