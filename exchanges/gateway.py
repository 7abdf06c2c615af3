"""The venue port: every call the product makes to an exchange goes through a gateway.

    from exchanges.gateway import gateway_for_api_key
    gateway = gateway_for_api_key(api_key_id)          # a CcxtGateway, cached per key

Both gateways (`CcxtGateway` over ccxt, `demo.inprocess_gateway.InProcessGateway`
over the simulator's engine, for unit tests and benchmarks) offer the same methods and
return the frozen dataclasses below, amounts as Decimal, never ccxt dicts:

    markets(*, reload=False) -> dict[str, MarketInfo]  # by unified symbol, "XIN/USDT"
    market(symbol) -> MarketInfo                       # reloads once for an unknown symbol
    order_book(*, symbol, depth=20) -> OrderBook
    ticker(*, symbol) -> Ticker
    balances() -> Balances                             # per asset free/locked, can_trade
    create_limit_order(*, symbol, side, amount, price, client_order_id, post_only=False)
        -> ExchangeOrder
    cancel_order(*, symbol, exchange_order_id=None, client_order_id=None) -> ExchangeOrder
    fetch_order(*, symbol, exchange_order_id=None, client_order_id=None) -> ExchangeOrder
    open_orders(*, symbol) -> list[ExchangeOrder]
    my_trades(*, symbol, after_trade_id=None, limit=500) -> list[Fill]   # id > cursor
    deposit_address(*, asset, network) -> DepositAddress
    deposits(*, asset, since=None) -> list[Deposit]
    withdraw(*, asset, network, address, amount, client_id, tag="") -> str  # withdrawal id
    withdrawals(*, asset, since=None) -> list[Withdrawal]
    withdrawal_by_client_id(*, asset, client_id) -> Withdrawal

`side` is "buy" or "sell"; `network` is ccxt's unified network code (ERC20, TRC20, BEP20;
the exchange's own id where ccxt has no name for it), as stored in NetworkMapping;
`client_order_id` / `client_id` are our idempotency ids, persisted by the caller before
the call. Prices and amounts are brought to the market's tick and step with
Decimal before the call (amounts truncated; buy prices rounded down, sell prices up, so a
quote is never more aggressive than asked); what falls below the market's minimums is
refused here, without a call.

Errors are classified once, here, into core.errors:
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

Pacing: one ccxt client per API key per process, with ccxt's rate limiter on, and one lock
per key so concurrent callers in a process queue instead of bursting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import ccxt

from core.crypto import decrypt_secret
from core.errors import (
    AuthFailedError,
    ExternalServiceError,
    InDoubtError,
    RejectedError,
    RemoteNotFoundError,
    RetryableError,
)
from exchanges.models import ExchangeAPIKey

DEFAULT_TIMEOUT_MS = 10_000
BUY, SELL = "buy", "sell"

T = TypeVar("T")


# -- what the gateway returns ------------------------------------------------------------


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


# -- precision ---------------------------------------------------------------------------


def order_quantize(
    *, market: MarketInfo, side: str, amount: Decimal, price: Decimal
) -> tuple[Decimal, Decimal]:
    """Bring a limit order to the market's step and tick, or refuse it before any call."""
    if side not in (BUY, SELL):
        raise RejectedError(
            f"side must be buy or sell, not {side!r}", detail=_reason("bad_request")
        )
    if not isinstance(amount, Decimal) or not isinstance(price, Decimal):
        raise TypeError("amount and price must be Decimal")
    amount = amount.quantize(market.step_size, rounding=ROUND_DOWN)
    price = price.quantize(market.tick_size, rounding=ROUND_FLOOR if side == BUY else ROUND_CEILING)
    if price <= 0:
        raise RejectedError(f"price {price} is not positive", detail=_reason("invalid_order"))
    if amount < market.min_qty or amount * price < market.min_notional:
        raise RejectedError(
            f"{amount} {market.base} at {price} is below {market.symbol}'s minimums "
            f"(quantity {market.min_qty}, notional {market.min_notional})",
            detail=_reason("below_min", amount=str(amount), price=str(price)),
        )
    if market.max_qty is not None and amount > market.max_qty:
        raise RejectedError(
            f"{amount} {market.base} is above {market.symbol}'s maximum {market.max_qty}",
            detail=_reason("invalid_order"),
        )
    return amount, price


def _reason(reason: str, **detail: str) -> dict[str, str]:
    return {"reason": reason, **detail}


# -- error classification ----------------------------------------------------------------

# Most specific first: ccxt's classes inherit from one another.
_REJECTIONS: tuple[tuple[type[Exception], str], ...] = (
    (ccxt.OrderImmediatelyFillable, "post_only_would_cross"),
    (ccxt.InsufficientFunds, "insufficient_funds"),
    (ccxt.BadSymbol, "unknown_symbol"),
    (ccxt.InvalidAddress, "invalid_withdrawal"),
    (ccxt.InvalidOrder, "invalid_order"),
    (ccxt.BadRequest, "bad_request"),
    (ccxt.ExchangeError, "rejected"),
)


def classify_ccxt_error(exc: Exception, *, effect: bool) -> ExternalServiceError:
    """Map a ccxt exception to the product's error family; `effect`: create or withdraw."""
    message = str(exc)[:500]
    detail = {"exchange_error": type(exc).__name__}
    if isinstance(exc, ccxt.OrderNotFound):
        return RemoteNotFoundError(message, detail={**detail, "reason": "not_found"})
    if isinstance(exc, ccxt.AuthenticationError):
        return AuthFailedError(message, detail={**detail, "reason": "auth"})
    if isinstance(exc, ccxt.RateLimitExceeded | ccxt.DDoSProtection):
        return RetryableError(message, detail={**detail, "reason": "rate_limit"})
    if isinstance(exc, ccxt.OnMaintenance):
        return RetryableError(message, detail={**detail, "reason": "maintenance"})
    if isinstance(exc, ccxt.InvalidNonce):
        return RetryableError(message, detail={**detail, "reason": "clock_skew"})
    if isinstance(exc, ccxt.NetworkError):
        if effect:
            return InDoubtError(message, detail={**detail, "reason": "no_answer"})
        return RetryableError(message, detail={**detail, "reason": "network"})
    if "Filter failure: NOTIONAL" in message:
        return RejectedError(message, detail={**detail, "reason": "below_min"})
    if "Duplicate order sent" in message:
        return RejectedError(message, detail={**detail, "reason": "duplicate_order"})
    for klass, reason in _REJECTIONS:
        if isinstance(exc, klass):
            return RejectedError(message, detail={**detail, "reason": reason})
    # ccxt.OperationFailed subclasses that are not network errors (bad or empty responses).
    if effect:
        return InDoubtError(message, detail={**detail, "reason": "bad_answer"})
    return RetryableError(message, detail={**detail, "reason": "bad_answer"})


# -- conversions from ccxt's structures --------------------------------------------------


def _dec(value: Any) -> Decimal:
    """ccxt hands numbers over as floats; their shortest repr is what the exchange sent."""
    if value is None:
        return Decimal(0)
    return Decimal(str(value))


def _dec_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _price_or_none(value: Any) -> Decimal | None:
    """An empty side of the book: Binance says "0", others say nothing."""
    return None if not value else Decimal(str(value))


def _when(milliseconds: Any) -> datetime | None:
    if milliseconds is None:
        return None
    return datetime.fromtimestamp(int(milliseconds) / 1000, tz=UTC)


def _ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


_DEPOSIT_STATUSES = {"ok": "ok", "pending": "pending", "failed": "failed", "canceled": "failed"}


def _order(raw: dict[str, Any]) -> ExchangeOrder:
    return ExchangeOrder(
        exchange_order_id=str(raw["id"]),
        client_order_id=raw.get("clientOrderId") or "",
        symbol=raw["symbol"],
        side=raw["side"],
        price=_dec(raw.get("price")),
        amount=_dec(raw.get("amount")),
        filled=_dec(raw.get("filled")),
        cost=_dec(raw.get("cost")),
        status=raw.get("status") or "open",
        created_at=_when(raw.get("timestamp")),
        updated_at=_when(raw.get("lastUpdateTimestamp") or raw.get("timestamp")),
    )


def _fill(raw: dict[str, Any]) -> Fill:
    fee = raw.get("fee") or {}
    return Fill(
        trade_id=str(raw["id"]),
        exchange_order_id=str(raw.get("order") or ""),
        symbol=raw["symbol"],
        side=raw["side"],
        price=_dec(raw["price"]),
        amount=_dec(raw["amount"]),
        cost=_dec(raw.get("cost")),
        fee=_dec(fee.get("cost")),
        fee_asset=fee.get("currency") or "",
        is_maker=raw.get("takerOrMaker") == "maker",
        at=_when(raw["timestamp"]) or datetime.now(tz=UTC),
    )


def _deposit(raw: dict[str, Any]) -> Deposit:
    return Deposit(
        deposit_id=str(raw["id"]),
        asset=raw["currency"],
        network=raw.get("network") or "",
        amount=_dec(raw["amount"]),
        tx_hash=raw.get("txid") or "",
        address=raw.get("address") or "",
        tag=raw.get("tag") or "",
        status=_DEPOSIT_STATUSES.get(raw.get("status") or "", "pending"),
        at=_when(raw.get("timestamp")),
    )


def _withdrawal(raw: dict[str, Any]) -> Withdrawal:
    fee = raw.get("fee") or {}
    info = raw.get("info") or {}
    return Withdrawal(
        withdrawal_id=str(raw["id"]),
        client_id=info.get("withdrawOrderId") or "",
        asset=raw["currency"],
        network=raw.get("network") or "",
        amount=_dec(raw["amount"]),
        fee=_dec(fee.get("cost")),
        address=raw.get("address") or "",
        tag=raw.get("tag") or "",
        tx_hash=raw.get("txid") or "",
        status=raw.get("status") or "pending",
        at=_when(raw.get("timestamp")),
    )


def _step(precision: Any, precision_mode: int) -> Decimal:
    """ccxt gives precision as a tick (TICK_SIZE mode) or as a count of decimal places."""
    if precision_mode == ccxt.TICK_SIZE:
        return _dec(precision)
    return Decimal(1).scaleb(-int(precision))


# -- the ccxt gateway --------------------------------------------------------------------


def _rebase(url: str, base: str) -> str:
    """Swap the scheme and host of an exchange URL, keeping the dialect's path."""
    target = urlsplit(base)
    parts = urlsplit(url)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


def _rebase_urls(api_urls: object, base: str) -> object:
    if isinstance(api_urls, str):
        return _rebase(api_urls, base)
    if isinstance(api_urls, dict):
        return {name: _rebase_urls(value, base) for name, value in api_urls.items()}
    return api_urls


def ccxt_client(
    *,
    ccxt_id: str,
    api_key: str,
    secret: str,
    api_base_url: str = "",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    rate_limit: bool = True,
) -> ccxt.Exchange:
    """An unmodified ccxt exchange class, its API URLs pointed at `api_base_url` if given."""
    klass = getattr(ccxt, ccxt_id)
    client = klass(
        {
            "apiKey": api_key,
            "secret": secret,
            "enableRateLimit": rate_limit,
            "timeout": timeout_ms,
            "options": {
                "fetchMarkets": {"types": ["spot"]},
                "fetchMargins": False,
                "fetchCurrencies": False,
            },
        }
    )
    if api_base_url:
        client.urls["api"] = _rebase_urls(client.urls["api"], api_base_url)
    return client


class CcxtGateway:
    def __init__(self, client: ccxt.Exchange) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._markets: dict[str, MarketInfo] | None = None

    def _call(self, call: Callable[[], T], *, effect: bool = False) -> T:
        with self._lock:
            try:
                return call()
            except ccxt.BaseError as exc:
                raise classify_ccxt_error(exc, effect=effect) from exc

    # -- market data ---------------------------------------------------------------------

    def markets(self, *, reload: bool = False) -> dict[str, MarketInfo]:
        """Loaded once per gateway; `market()` reloads when asked for a symbol it lacks."""
        if self._markets is None or reload:
            raw = self._call(lambda: self.client.load_markets(reload))
            mode = self.client.precisionMode
            self._markets = {
                symbol: MarketInfo(
                    symbol=symbol,
                    base=m["base"],
                    quote=m["quote"],
                    tick_size=_step(m["precision"]["price"], mode),
                    step_size=_step(m["precision"]["amount"], mode),
                    min_qty=_dec(m["limits"]["amount"]["min"]),
                    max_qty=_dec_or_none(m["limits"]["amount"]["max"]),
                    min_notional=_dec(m["limits"]["cost"]["min"]),
                )
                for symbol, m in raw.items()
                if m.get("spot") and m.get("active") is not False
            }
        return self._markets

    def market(self, symbol: str) -> MarketInfo:
        market = self.markets().get(symbol) or self.markets(reload=True).get(symbol)
        if market is None:
            raise RejectedError(f"unknown symbol {symbol}", detail=_reason("unknown_symbol"))
        return market

    def order_book(self, *, symbol: str, depth: int = 20) -> OrderBook:
        raw = self._call(lambda: self.client.fetch_order_book(symbol, depth))
        return OrderBook(
            symbol=symbol,
            bids=tuple(PriceLevel(_dec(p), _dec(q)) for p, q, *_ in raw["bids"]),
            asks=tuple(PriceLevel(_dec(p), _dec(q)) for p, q, *_ in raw["asks"]),
        )

    def ticker(self, *, symbol: str) -> Ticker:
        raw = self._call(lambda: self.client.fetch_ticker(symbol))
        return Ticker(
            symbol=symbol,
            last=_dec(raw["last"]),
            bid=_price_or_none(raw.get("bid")),
            ask=_price_or_none(raw.get("ask")),
            high=_dec_or_none(raw.get("high")),
            low=_dec_or_none(raw.get("low")),
            base_volume=_dec_or_none(raw.get("baseVolume")),
            quote_volume=_dec_or_none(raw.get("quoteVolume")),
            at=_when(raw.get("timestamp")),
        )

    # -- account and orders --------------------------------------------------------------

    def balances(self) -> Balances:
        raw = self._call(self.client.fetch_balance)
        free, used = raw.get("free") or {}, raw.get("used") or {}
        can_trade = (raw.get("info") or {}).get("canTrade")
        return Balances(
            assets={
                asset: Balance(asset=asset, free=_dec(free.get(asset)), locked=_dec(used[asset]))
                for asset in used
            },
            can_trade=can_trade if isinstance(can_trade, bool) else None,
        )

    def create_limit_order(
        self,
        *,
        symbol: str,
        side: str,
        amount: Decimal,
        price: Decimal,
        client_order_id: str,
        post_only: bool = False,
    ) -> ExchangeOrder:
        if not client_order_id:
            raise ValueError("an order needs our client order id (its idempotency key)")
        amount, price = order_quantize(
            market=self.market(symbol), side=side, amount=amount, price=price
        )
        params: dict[str, Any] = {"clientOrderId": client_order_id}
        if post_only:
            params["postOnly"] = True
        raw = self._call(
            lambda: self.client.create_order(
                symbol, "limit", side, format(amount, "f"), format(price, "f"), params
            ),
            effect=True,
        )
        return _order(raw)

    def _order_ref(
        self, exchange_order_id: str | None, client_order_id: str | None
    ) -> tuple[str | None, dict[str, str]]:
        if exchange_order_id:
            return exchange_order_id, {}
        if client_order_id:
            return None, {"clientOrderId": client_order_id}
        raise ValueError("give exchange_order_id or client_order_id")

    def cancel_order(
        self,
        *,
        symbol: str,
        exchange_order_id: str | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        order_id, params = self._order_ref(exchange_order_id, client_order_id)
        return _order(self._call(lambda: self.client.cancel_order(order_id, symbol, params)))

    def fetch_order(
        self,
        *,
        symbol: str,
        exchange_order_id: str | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        order_id, params = self._order_ref(exchange_order_id, client_order_id)
        return _order(self._call(lambda: self.client.fetch_order(order_id, symbol, params)))

    def open_orders(self, *, symbol: str) -> list[ExchangeOrder]:
        return [_order(raw) for raw in self._call(lambda: self.client.fetch_open_orders(symbol))]

    def my_trades(
        self, *, symbol: str, after_trade_id: str | None = None, limit: int = 500
    ) -> list[Fill]:
        """Our fills with an id above the cursor (Binance trade ids rise per symbol)."""
        cursor = int(after_trade_id) if after_trade_id else -1
        raw = self._call(
            lambda: self.client.fetch_my_trades(symbol, None, limit, {"fromId": cursor + 1})
        )
        fills = [_fill(t) for t in raw if int(t["id"]) > cursor]
        return sorted(fills, key=lambda f: int(f.trade_id))

    # -- wallet --------------------------------------------------------------------------

    def deposit_address(self, *, asset: str, network: str) -> DepositAddress:
        raw = self._call(lambda: self.client.fetch_deposit_address(asset, {"network": network}))
        return DepositAddress(
            asset=asset, network=network, address=raw["address"], tag=raw.get("tag") or ""
        )

    def deposits(self, *, asset: str, since: datetime | None = None) -> list[Deposit]:
        raw = self._call(lambda: self.client.fetch_deposits(asset, _ms(since)))
        return [_deposit(d) for d in raw]

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
        if not client_id:
            raise ValueError("a withdrawal needs our client id (its idempotency key)")
        if not isinstance(amount, Decimal) or amount <= 0:
            raise ValueError("amount must be a positive Decimal")
        params: dict[str, Any] = {"network": network, "withdrawOrderId": client_id}
        if tag:
            params["tag"] = tag
        raw = self._call(
            lambda: self.client.withdraw(asset, format(amount, "f"), address, params),
            effect=True,
        )
        return str(raw["id"])

    def withdrawals(self, *, asset: str, since: datetime | None = None) -> list[Withdrawal]:
        raw = self._call(lambda: self.client.fetch_withdrawals(asset, _ms(since)))
        return [_withdrawal(w) for w in raw]

    def withdrawal_by_client_id(self, *, asset: str, client_id: str) -> Withdrawal:
        raw = self._call(
            lambda: self.client.fetch_withdrawals(asset, None, None, {"withdrawOrderId": client_id})
        )
        for withdrawal in map(_withdrawal, raw):
            if withdrawal.client_id == client_id:
                return withdrawal
        raise RemoteNotFoundError(f"no {asset} withdrawal with client id {client_id}")


# -- one gateway per API key per process -------------------------------------------------

_gateways: dict[int, tuple[tuple[str, ...], CcxtGateway]] = {}
_gateways_lock = threading.Lock()


def gateway_for_api_key(api_key_id: int, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> CcxtGateway:
    """The gateway of a stored key; rebuilt when the key, its secret or its exchange change."""
    api_key = ExchangeAPIKey.objects.select_related("exchange").get(pk=api_key_id)
    exchange = api_key.exchange
    fingerprint = (
        exchange.ccxt_id,
        exchange.api_base_url,
        api_key.api_key,
        api_key.secret_encrypted,
        str(timeout_ms),
    )
    with _gateways_lock:
        cached = _gateways.get(api_key_id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        gateway = CcxtGateway(
            ccxt_client(
                ccxt_id=exchange.ccxt_id,
                api_key=api_key.api_key,
                secret=decrypt_secret(api_key.secret_encrypted),
                api_base_url=exchange.api_base_url,
                timeout_ms=timeout_ms,
            )
        )
        _gateways[api_key_id] = (fingerprint, gateway)
        return gateway
