"""Taking the snapshots of one market (docs/methodology.md, "Sampling").

Per slot, for a batch of markets: one query for their running orders, one for the slots
already taken, one book read per market through the gateway of a running order's API key
(the first that answers, as the executor reads it), one query for all the running orders'
resting quotes as the executor tracks them, one for their ledger balances, then one insert
per table in one transaction: a fixed number of database round trips per batch, none per
market or order. A slot already taken is not taken again (the key is subject + slot), so a
re-run or a duplicated task changes nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection
from django.db.models import Exists, OuterRef

from core.errors import ExternalServiceError
from core.transactions import atomic_unflushed
from exchanges.gateway import ExchangeGateway, OrderBook, PriceLevel, gateway_for_api_key
from exchanges.models import TradingPair
from executor.models import RESTING_STATUSES, TrackedOrder
from ledger.models import Account, Balance
from orders.models import MarketMakingOrder
from orders.states import OrderState
from reports import stability
from reports.models import MarketSnapshot, OrderSnapshot, band_columns

logger = logging.getLogger(__name__)

GatewayFor = Callable[[int], ExchangeGateway]
# Levels asked per side: enough to reach the widest band on the books we quote on; a book
# thinner than this is read whole.
BOOK_LEVELS = 100
INVENTORY_PURPOSES = (Account.Purpose.ON_EXCHANGE, Account.Purpose.LOCKED)
NO_DEPTH: stability.Depths = tuple(Decimal(0) for _ in stability.BANDS_BPS)


def slot_of(moment: datetime, *, interval_seconds: int | None = None) -> datetime:
    """The sampling slot a moment falls in: its start, on a multiple of the interval."""
    interval = interval_seconds or settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS
    seconds = int(moment.timestamp()) // interval * interval
    return datetime.fromtimestamp(seconds, tz=UTC)


def markets_with_running_orders() -> list[int]:
    return sorted(
        MarketMakingOrder.objects.filter(state=OrderState.RUNNING)
        .values_list("pair_id", flat=True)
        .distinct()
    )


def _levels(levels: tuple[PriceLevel, ...]) -> list[tuple[Decimal, Decimal]]:
    return [(level.price, level.amount) for level in levels]


@dataclass(frozen=True)
class BookView:
    """The market's side of a snapshot; `mid` is None unless the book was two-sided."""

    best_bid: Decimal | None = None
    best_ask: Decimal | None = None
    mid: Decimal | None = None
    bid: stability.Depths = NO_DEPTH
    ask: stability.Depths = NO_DEPTH

    @classmethod
    def of(cls, book: OrderBook) -> BookView:
        if not book.bids or not book.asks:
            return cls(
                best_bid=book.bids[0].price if book.bids else None,
                best_ask=book.asks[0].price if book.asks else None,
            )
        best_bid, best_ask = book.bids[0].price, book.asks[0].price
        mid = stability.mid_of(best_bid, best_ask)
        return cls(
            best_bid=best_bid,
            best_ask=best_ask,
            mid=mid,
            bid=stability.band_depths(_levels(book.bids), mid=mid, bid=True),
            ask=stability.band_depths(_levels(book.asks), mid=mid, bid=False),
        )


def _book_read(key_ids: list[int], pair: TradingPair, gateway_for: GatewayFor) -> OrderBook | None:
    for key_id in key_ids:
        try:
            return gateway_for(key_id).order_book(symbol=pair.symbol, depth=BOOK_LEVELS)
        except ExternalServiceError as error:
            logger.warning("snapshot book read failed", extra={"error": str(error)})
    return None


_BAND_NAMES = {
    side: [name for name in band_columns("") if name.startswith(side)] for side in ("bid", "ask")
}


def _bands(depths: stability.Depths, side: str) -> dict[str, Decimal]:
    return dict(zip(_BAND_NAMES[side], depths, strict=True))


Quote = tuple[str, Decimal, Decimal]  # side, price, remaining amount


def _inventories(order_ids: list[str], assets: set[object]) -> dict[str, dict[object, Decimal]]:
    held: dict[str, dict[object, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows = Balance.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER,
        account__owner_id__in=order_ids,
        account__purpose__in=INVENTORY_PURPOSES,
        asset__in=assets,
    ).values_list("account__owner_id", "asset", "amount")
    for owner_id, asset, amount in rows:
        held[owner_id][asset] += amount
    return held


def _quotes(order_ids: list[str]) -> dict[str, list[Quote]]:
    quotes: dict[str, list[Quote]] = defaultdict(list)
    for order_id, side, price, amount, filled in TrackedOrder.objects.filter(
        order_id__in=order_ids, status__in=RESTING_STATUSES
    ).values_list("order_id", "side", "price", "amount", "filled_amount"):
        quotes[str(order_id)].append((side, price, amount - filled))
    return quotes


def _order_row(
    order_id: str,
    *,
    at: datetime,
    readable: bool,
    view: BookView,
    quotes: list[Quote],
    held: dict[object, Decimal],
    pair: TradingPair,
    min_quote: Decimal,
) -> dict[str, object]:
    bids = [(price, amount) for side, price, amount in quotes if side == "buy"]
    asks = [(price, amount) for side, price, amount in quotes if side == "sell"]
    own_bid = max((price for price, _ in bids), default=None)
    own_ask = min((price for price, _ in asks), default=None)
    base, quote = held[pair.base_asset_id], held[pair.quote_asset_id]
    bid = stability.band_depths(bids, mid=view.mid, bid=True) if view.mid else NO_DEPTH
    ask = stability.band_depths(asks, mid=view.mid, bid=False) if view.mid else NO_DEPTH
    both = own_bid is not None and own_ask is not None
    return {
        "order_id": order_id,
        "at": at,
        "readable": readable,
        "two_sided": stability.is_two_sided(bid, ask, min_quote=min_quote),
        "spread_bps": (
            stability.spread_bps(own_bid, own_ask, view.mid) if view.mid and both else None
        ),
        **_bands(bid, "bid"),
        **_bands(ask, "ask"),
        "own_bid": own_bid,
        "own_ask": own_ask,
        "base_inventory": base,
        "quote_inventory": quote,
        "equity": base * view.mid + quote if view.mid else None,
        "open_orders": len(quotes),
    }


def _rows_insert(
    model: type[MarketSnapshot | OrderSnapshot], rows: list[dict[str, object]]
) -> None:
    """Insert in the caller's transaction. On PostgreSQL through COPY: a thousand order rows
    a slot cost most of their time in building and binding an INSERT's parameters, which
    COPY does not do (a duplicate slot still fails on the key)."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows])
        return
    quote = connection.ops.quote_name
    names = list(rows[0])
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    # The driver's own cursor: its errors (a taken slot) become Django's, as the ORM's do.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])


def _age_ms(age: timedelta) -> int:
    # Bounded by the column (a slot taken days late still fits, at its bound).
    return min(max(0, int(age.total_seconds() * 1000)), 2**31 - 1)


@dataclass(frozen=True)
class _Market:
    """One market of a batch: its running orders and what its book read gave."""

    pair: TradingPair
    order_ids: list[str]
    readable: bool
    view: BookView
    min_quote: Decimal
    row: dict[str, object]


Running = tuple[str, int]  # a running order's id and API key id


def _market_read(
    pair: TradingPair, running: list[Running], *, at: datetime, gateway_for: GatewayFor
) -> _Market:
    key_ids = list(dict.fromkeys(api_key_id for _, api_key_id in running))
    book = _book_read(key_ids, pair, gateway_for)
    answered = datetime.now(tz=UTC)
    view = BookView.of(book) if book is not None else BookView()
    min_quote = pair.min_order_amount * view.mid if view.mid is not None else Decimal(0)
    row = {
        "pair_id": pair.pk,
        "at": at,
        "readable": book is not None,
        "two_sided": stability.is_two_sided(view.bid, view.ask, min_quote=min_quote),
        "spread_bps": (
            stability.spread_bps(view.best_bid, view.best_ask, view.mid)
            if view.mid is not None and view.best_bid is not None and view.best_ask is not None
            else None
        ),
        **_bands(view.bid, "bid"),
        **_bands(view.ask, "ask"),
        "best_bid": view.best_bid,
        "best_ask": view.best_ask,
        "mid": view.mid,
        "data_age_ms": _age_ms(answered - at) if book is not None else None,
    }
    order_ids = [order_id for order_id, _ in running]
    return _Market(pair, order_ids, book is not None, view, min_quote, row)


def _snapshots_insert(
    market_rows: list[dict[str, object]], order_rows: list[dict[str, object]]
) -> None:
    # A snapshot lost with a crashing database server is a gap, which the figures already
    # count: no need to wait for its WAL flush.
    with atomic_unflushed():
        _rows_insert(MarketSnapshot, market_rows)
        if order_rows:
            _rows_insert(OrderSnapshot, order_rows)


def markets_snapshot_take(
    *, pair_ids: list[int], at: datetime, gateway_for: GatewayFor = gateway_for_api_key
) -> int:
    """Snapshot the markets and their running orders for slot `at`; returns the order rows
    written. A market whose slot is already taken, or where no order runs any more, is
    left out. One query per table for the whole batch, whatever its orders: the markets
    not yet sampled, their running orders, the resting quotes, the balances, then one
    insert per table (and, only when another task took one of the slots meanwhile, one per
    market)."""
    pairs = {
        pair.pk: pair
        for pair in TradingPair.objects.filter(pk__in=pair_ids)
        .annotate(taken=Exists(MarketSnapshot.objects.filter(pair_id=OuterRef("pk"), at=at)))
        .filter(taken=False)
    }
    running: dict[int, list[Running]] = defaultdict(list)
    for order_id, pair_id, api_key_id in (
        MarketMakingOrder.objects.filter(pair_id__in=list(pairs), state=OrderState.RUNNING)
        .order_by("created_at", "id")
        .values_list("id", "pair_id", "api_key_id")
    ):
        running[pair_id].append((str(order_id), api_key_id))
    markets = [
        _market_read(pairs[pair_id], running[pair_id], at=at, gateway_for=gateway_for)
        for pair_id in dict.fromkeys(pair_ids)
        if running.get(pair_id)
    ]
    if not markets:
        return 0
    order_ids = [order_id for market in markets for order_id in market.order_ids]
    quotes = _quotes(order_ids)
    held = _inventories(
        order_ids,
        {asset for m in markets for asset in (m.pair.base_asset_id, m.pair.quote_asset_id)},
    )
    rows = {
        market.pair.pk: [
            _order_row(
                order_id,
                at=at,
                readable=market.readable,
                view=market.view,
                quotes=quotes[order_id],
                held=held[order_id],
                pair=market.pair,
                min_quote=market.min_quote,
            )
            for order_id in market.order_ids
        ]
        for market in markets
    }
    try:
        _snapshots_insert([m.row for m in markets], [r for one in rows.values() for r in one])
        return len(order_ids)
    except IntegrityError:
        pass  # another task took a slot between our check and our insert: market by market
    written = 0
    for market in markets:
        try:
            _snapshots_insert([market.row], rows[market.pair.pk])
            written += len(rows[market.pair.pk])
        except IntegrityError:
            continue
    return written


def market_snapshot_take(
    *, pair_id: int, at: datetime, gateway_for: GatewayFor = gateway_for_api_key
) -> int:
    """One market's snapshots for slot `at` (0 rows when taken or no order runs there)."""
    return markets_snapshot_take(pair_ids=[pair_id], at=at, gateway_for=gateway_for)
