"""The venue port: what a gateway offers and the frozen values it answers with.

Amounts are Decimal, never ccxt dicts. `side` is "buy" or "sell"; `network` is ccxt's
unified network code (ERC20, TRC20, BEP20; the exchange's own id where ccxt has no name
for it), as stored in NetworkMapping; `client_order_id` / `client_id` are our idempotency
ids, persisted by the caller before the call. Prices and amounts are brought to the
market's tick and step with Decimal before the call (amounts truncated; buy prices rounded
down, sell prices up, so a quote is never more aggressive than asked); what falls below
the market's minimums is refused without a call (see `guards`).

Errors are classified once, inside each gateway, into core.errors:
  RetryableError      network failure or timeout on a read or a cancel, rate limit,
                      maintenance, clock skew: try again later.
  InDoubtError        no answer to create_limit_order or withdraw: the effect may have
                      happened. Look it up (fetch_order / withdrawal_by_client_id with the
                      same client id) before anything else; never send it twice blindly.
  RejectedError       refused; detail["reason"] is one of insufficient_funds,
                      post_only_would_cross, invalid_order, below_min, unknown_symbol,
                      duplicate_order, invalid_withdrawal, bad_request, rejected.
  AuthFailedError     bad key, bad signature, or a permission the key lacks.
  RemoteNotFoundError the order (or withdrawal) is unknown to the exchange.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class MarketInfo:
    symbol: str
    base: str
    quote: str
    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal
    max_qty: Decimal | None
    min_notional: Decimal


@dataclass(frozen=True)
class PriceLevel:
    price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class OrderBook:
    symbol: str
    bids: tuple[PriceLevel, ...]  # best first
    asks: tuple[PriceLevel, ...]


@dataclass(frozen=True)
class Ticker:
    symbol: str
    last: Decimal
    bid: Decimal | None
    ask: Decimal | None
    high: Decimal | None
    low: Decimal | None
    base_volume: Decimal | None
    quote_volume: Decimal | None
    at: datetime | None


@dataclass(frozen=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


@dataclass(frozen=True)
class Balances:
    assets: dict[str, Balance]
    can_trade: bool | None  # None when the exchange does not say
    can_withdraw: bool | None = None  # the exit withdraws back to the bot's wallet

    def free(self, asset: str) -> Decimal:
        balance = self.assets.get(asset)
        return balance.free if balance else Decimal(0)


@dataclass(frozen=True)
class ExchangeOrder:
    exchange_order_id: str
    client_order_id: str
    symbol: str
    side: str
    price: Decimal
    amount: Decimal
    filled: Decimal
    cost: Decimal  # quote spent or received so far
    status: str  # open, closed, canceled, expired, rejected
    created_at: datetime | None
    updated_at: datetime | None

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.filled

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Fill:
    trade_id: str
    exchange_order_id: str
    symbol: str
    side: str
    price: Decimal
    amount: Decimal
    cost: Decimal
    fee: Decimal
    fee_asset: str
    is_maker: bool
    at: datetime


@dataclass(frozen=True)
class DepositAddress:
    asset: str
    network: str
    address: str
    tag: str


@dataclass(frozen=True)
class Deposit:
    deposit_id: str
    asset: str
    network: str
    amount: Decimal
    tx_hash: str
    address: str
    tag: str
    status: str  # pending, ok, failed
    at: datetime | None


@dataclass(frozen=True)
class Withdrawal:
    withdrawal_id: str
    client_id: str
    asset: str
    network: str
    amount: Decimal  # what the chain carries
    fee: Decimal
    address: str
    tag: str
    tx_hash: str
    status: str  # pending, ok, failed, canceled
    at: datetime | None


@runtime_checkable
class ExchangeGateway(Protocol):
    """One exchange account: `CcxtGateway` over HTTP, `InProcessGateway` over the simulator."""

    def markets(self, *, reload: bool = False) -> dict[str, MarketInfo]:
        """By unified symbol ("XIN/USDT"); active spot markets only."""
        ...

    def market(self, symbol: str) -> MarketInfo:
        """Reloads once for a symbol it does not know, then refuses it (unknown_symbol)."""
        ...

    def order_book(self, *, symbol: str, depth: int = 20) -> OrderBook: ...

    def ticker(self, *, symbol: str) -> Ticker: ...

    def balances(self) -> Balances:
        """Free and locked per asset, and whether the key may trade."""
        ...

    def create_limit_order(
        self,
        *,
        symbol: str,
        side: str,
        amount: Decimal,
        price: Decimal,
        client_order_id: str,
        post_only: bool = False,
    ) -> ExchangeOrder: ...

    def cancel_order(
        self,
        *,
        symbol: str,
        exchange_order_id: str | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder: ...

    def fetch_order(
        self,
        *,
        symbol: str,
        exchange_order_id: str | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder: ...

    def open_orders(self, *, symbol: str) -> list[ExchangeOrder]: ...

    def my_trades(
        self, *, symbol: str, after_trade_id: str | None = None, limit: int = 500
    ) -> list[Fill]:
        """Our fills with a trade id above the cursor, oldest first."""
        ...

    def deposit_address(self, *, asset: str, network: str) -> DepositAddress: ...

    def deposits(self, *, asset: str, since: datetime | None = None) -> list[Deposit]: ...

    def withdraw(
        self,
        *,
        asset: str,
        network: str,
        address: str,
        amount: Decimal,
        client_id: str,
        tag: str = "",
    ) -> str:
        """The exchange's withdrawal id."""
        ...

    def withdrawals(self, *, asset: str, since: datetime | None = None) -> list[Withdrawal]: ...

    def withdrawal_by_client_id(self, *, asset: str, client_id: str) -> Withdrawal:
        """Raises RemoteNotFoundError when the exchange has none under our client id."""
        ...
