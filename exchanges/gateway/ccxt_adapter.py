"""`CcxtGateway`: the venue port over an unmodified ccxt exchange class.

Production points it at the exchange itself, the demo and the integration tests at the
venue simulator (`ccxt_client(api_base_url=...)` swaps only the URLs' host). ccxt's
exceptions are classified here, once, into the errors `protocol` lists; ccxt's dicts and
floats become the port's frozen values and Decimals.

Pacing: ccxt's rate limiter is on, and a lock per gateway (one per API key, see
`registry`) makes concurrent callers in a process queue instead of bursting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import ccxt

from core.errors import (
    AuthFailedError,
    ExternalServiceError,
    InDoubtError,
    RejectedError,
    RemoteNotFoundError,
    RetryableError,
)
from exchanges.gateway.guards import (
    epoch_ms,
    market_or_refuse,
    order_id_require,
    order_quantize,
    order_reference,
    withdrawal_check,
)
from exchanges.gateway.protocol import (
    Balance,
    Balances,
    Deposit,
    DepositAddress,
    ExchangeOrder,
    Fill,
    MarketInfo,
    OrderBook,
    PriceLevel,
    Ticker,
    Withdrawal,
)

DEFAULT_TIMEOUT_MS = 10_000

T = TypeVar("T")


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


def _order_lookup(
    exchange_order_id: str | None, client_order_id: str | None
) -> tuple[str | None, dict[str, str]]:
    """ccxt's (id, params) for an order known by the exchange's id or by ours."""
    order_id, client_id = order_reference(
        exchange_order_id=exchange_order_id, client_order_id=client_order_id
    )
    return order_id, {"clientOrderId": client_id} if client_id else {}


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
        known = self.markets().get(symbol) or self.markets(reload=True).get(symbol)
        return market_or_refuse(known, symbol=symbol)

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
        info = raw.get("info") or {}
        can_trade, can_withdraw = info.get("canTrade"), info.get("canWithdraw")
        return Balances(
            assets={
                asset: Balance(asset=asset, free=_dec(free.get(asset)), locked=_dec(used[asset]))
                for asset in used
            },
            can_trade=can_trade if isinstance(can_trade, bool) else None,
            can_withdraw=can_withdraw if isinstance(can_withdraw, bool) else None,
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
        order_id_require(client_order_id)
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

    def cancel_order(
        self,
        *,
        symbol: str,
        exchange_order_id: str | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        order_id, params = _order_lookup(exchange_order_id, client_order_id)
        return _order(self._call(lambda: self.client.cancel_order(order_id, symbol, params)))

    def fetch_order(
        self,
        *,
        symbol: str,
        exchange_order_id: str | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        order_id, params = _order_lookup(exchange_order_id, client_order_id)
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
        raw = self._call(lambda: self.client.fetch_deposits(asset, epoch_ms(since)))
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
        withdrawal_check(amount=amount, client_id=client_id)
        params: dict[str, Any] = {"network": network, "withdrawOrderId": client_id}
        if tag:
            params["tag"] = tag
        raw = self._call(
            lambda: self.client.withdraw(asset, format(amount, "f"), address, params),
            effect=True,
        )
        return str(raw["id"])

    def withdrawals(self, *, asset: str, since: datetime | None = None) -> list[Withdrawal]:
        raw = self._call(lambda: self.client.fetch_withdrawals(asset, epoch_ms(since)))
        return [_withdrawal(w) for w in raw]

    def withdrawal_by_client_id(self, *, asset: str, client_id: str) -> Withdrawal:
        raw = self._call(
            lambda: self.client.fetch_withdrawals(asset, None, None, {"withdrawOrderId": client_id})
        )
        for withdrawal in map(_withdrawal, raw):
            if withdrawal.client_id == client_id:
                return withdrawal
        raise RemoteNotFoundError(f"no {asset} withdrawal with client id {client_id}")
