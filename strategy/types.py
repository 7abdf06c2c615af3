"""The values the strategy reads and returns. Plain frozen dataclasses, all amounts Decimal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class DropReason(StrEnum):
    """Why a level that the parameters describe is not quoted."""

    NO_REFERENCE_PRICE = "no_reference_price"
    NON_POSITIVE_PRICE = "non_positive_price"
    PRICE_CEILING = "price_ceiling"
    PRICE_FLOOR = "price_floor"
    MOVING_BAND_CEILING = "moving_band_ceiling"
    MOVING_BAND_FLOOR = "moving_band_floor"
    PING_PONG = "ping_pong"
    SIZE_BELOW_STEP = "size_below_step"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    INVENTORY_SKEW = "inventory_skew"
    BELOW_MIN_AMOUNT = "below_min_amount"
    BELOW_MIN_NOTIONAL = "below_min_notional"
    WOULD_TAKE = "would_take"


class CancelReason(StrEnum):
    REFRESH = "refresh"
    MAX_ORDER_AGE = "max_order_age"
    BELOW_MINIMUM_SPREAD = "below_minimum_spread"
    HANGING_TOO_FAR = "hanging_too_far"


PriceLevels = tuple[tuple[Decimal, Decimal], ...]


@dataclass(frozen=True, slots=True)
class Book:
    """One market's order book (best first) and its last trade price."""

    bids: PriceLevels = ()
    asks: PriceLevels = ()
    last_price: Decimal | None = None

    @property
    def best_bid(self) -> Decimal | None:
        return self.bids[0][0] if self.bids else None

    @property
    def best_ask(self) -> Decimal | None:
        return self.asks[0][0] if self.asks else None


@dataclass(frozen=True, slots=True)
class MarketSnapshot:
    """The quoted market's book and trading rules, plus the reference market's book if any."""

    book: Book
    tick_size: Decimal
    step_size: Decimal
    min_notional: Decimal = Decimal(0)
    min_amount: Decimal = Decimal(0)
    reference_book: Book | None = None


@dataclass(frozen=True, slots=True)
class Balances:
    """What the order may still commit: free amounts, not counting our open orders' locks."""

    base: Decimal
    quote: Decimal


@dataclass(frozen=True, slots=True)
class OpenOrder:
    id: str
    side: Side
    price: Decimal
    amount: Decimal  # remaining (unfilled) base amount
    created_at: datetime
    level: int = 0


@dataclass(frozen=True, slots=True)
class Quote:
    side: Side
    price: Decimal
    amount: Decimal
    level: int


@dataclass(frozen=True, slots=True)
class Cancel:
    order_id: str
    reason: CancelReason


@dataclass(frozen=True, slots=True)
class Dropped:
    side: Side
    level: int
    reason: DropReason


@dataclass(frozen=True, slots=True)
class AdaptiveFigures:
    """The Avellaneda–Stoikov figures behind an adaptive quote, for display and audit."""

    volatility: Decimal  # relative, per tick
    volatility_source: str  # "realized" or "book_spread" while the window fills
    inventory_deviation: Decimal  # q
    reservation_price: Decimal
    optimal_spread: Decimal  # in price units


@dataclass(frozen=True, slots=True)
class StrategyState:
    """The small memory carried from tick to tick; the executor persists it with the order."""

    create_at: datetime | None = None  # no new quotes before this
    refresh_at: datetime | None = None  # open quotes are reconsidered from this time
    filled_buys_balance: int = 0  # ping-pong counters
    filled_sells_balance: int = 0
    last_fill_at: datetime | None = None
    last_own_trade_price: Decimal | None = None
    band_anchor_price: Decimal | None = None
    band_anchored_at: datetime | None = None
    volatility_samples: tuple[Decimal, ...] = ()
    peak_equity: Decimal | None = None
    hanging_order_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do on this tick. Place `create` only once every `cancel` is confirmed."""

    reference_price: Decimal | None
    create: tuple[Quote, ...]
    cancel: tuple[Cancel, ...]
    keep: tuple[str, ...]
    dropped: tuple[Dropped, ...]
    state: StrategyState
    equity: Decimal | None = None
    adaptive: AdaptiveFigures | None = None
