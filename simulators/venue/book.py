"""The venue's vocabulary and its order book: sides, order types and statuses, the market's
filters, orders, fills, trades and balances, and the price levels of a book in price-time
priority. Records only; the matching engine (simulators.venue.engine) changes them.
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)

BUY, SELL = "BUY", "SELL"
LIMIT, LIMIT_MAKER, MARKET = "LIMIT", "LIMIT_MAKER", "MARKET"
GTC, IOC, FOK = "GTC", "IOC", "FOK"
NEW, PARTIALLY_FILLED, FILLED = "NEW", "PARTIALLY_FILLED", "FILLED"
CANCELED, EXPIRED = "CANCELED", "EXPIRED"
OPEN_STATUSES = frozenset({NEW, PARTIALLY_FILLED})
CLIENT_ORDER_ID = re.compile(r"[.A-Z:/a-z0-9_-]{1,36}")  # Binance's rule


@dataclass(frozen=True)
class Market:
    symbol: str  # the exchange's id, e.g. XINUSDT
    base: str
    quote: str
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    min_price: Decimal
    max_price: Decimal
    min_notional: Decimal
    maker_fee_rate: Decimal = Decimal("0.001")
    taker_fee_rate: Decimal = Decimal("0.001")

    @property
    def unified_symbol(self) -> str:
        return f"{self.base}/{self.quote}"


@dataclass
class Fill:
    trade_id: int
    price: Decimal
    qty: Decimal
    commission: Decimal
    commission_asset: str


@dataclass
class Order:
    order_id: int
    client_order_id: str
    account: str
    symbol: str
    side: str
    type: str
    time_in_force: str
    price: Decimal  # zero for market orders
    orig_qty: Decimal
    time_ms: int
    executed_qty: Decimal = ZERO
    cumulative_quote_qty: Decimal = ZERO
    status: str = NEW
    update_time_ms: int = 0
    locked: Decimal = ZERO  # what this order still holds of its account's balance
    fills: list[Fill] = field(default_factory=list)
    orig_quote_qty: Decimal = ZERO  # market buys sized in quote (quoteOrderQty)

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Trade:
    trade_id: int
    symbol: str
    base: str
    quote: str
    price: Decimal
    qty: Decimal
    time_ms: int
    buyer_order_id: int
    seller_order_id: int
    buyer: str
    seller: str
    maker_is_buyer: bool
    buyer_commission: Decimal
    seller_commission: Decimal


@dataclass
class Balance:
    free: Decimal = ZERO
    locked: Decimal = ZERO


@dataclass
class OrderRequest:
    account: str
    symbol: str
    side: str
    type: str
    quantity: Decimal | None
    price: Decimal | None = None
    time_in_force: str = GTC
    client_order_id: str = ""
    quote_order_qty: Decimal | None = None


class PriceLevels:
    """One side of a book: price → FIFO queue of resting orders, best price first."""

    def __init__(self, *, descending: bool) -> None:
        self._descending = descending
        self._keys: list[Decimal] = []  # ascending sort keys (negated prices for bids)
        self._queues: dict[Decimal, deque[Order]] = {}

    def _key(self, price: Decimal) -> Decimal:
        return -price if self._descending else price

    def add(self, order: Order) -> None:
        queue = self._queues.get(order.price)
        if queue is None:
            queue = self._queues[order.price] = deque()
            bisect.insort(self._keys, self._key(order.price))
        queue.append(order)

    def remove(self, order: Order) -> None:
        queue = self._queues[order.price]
        queue.remove(order)
        if not queue:
            del self._queues[order.price]
            self._keys.pop(bisect.bisect_left(self._keys, self._key(order.price)))

    def best_price(self) -> Decimal | None:
        return self._key(self._keys[0]) if self._keys else None

    def orders_in_priority(self) -> Iterator[Order]:
        """Best price first, oldest first within a price; the side must not change meanwhile."""
        for key in self._keys:
            yield from self._queues[self._key(key)]

    def depth(self, limit: int) -> list[tuple[Decimal, Decimal]]:
        levels = []
        for key in self._keys[:limit]:
            price = self._key(key)
            levels.append((price, sum((o.remaining for o in self._queues[price]), ZERO)))
        return levels


class Book:
    def __init__(self) -> None:
        self.bids = PriceLevels(descending=True)
        self.asks = PriceLevels(descending=False)

    def side_of(self, side: str) -> PriceLevels:
        return self.bids if side == BUY else self.asks

    def opposite_of(self, side: str) -> PriceLevels:
        return self.asks if side == BUY else self.bids
