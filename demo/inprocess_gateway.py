"""A gateway over a Venue in the same process: the ExchangeGateway port, no HTTP.

For unit tests of the product's logic and for benchmarks where a socket would only add
noise. It calls the same Venue methods as the HTTP dialect, so refusals are the same; the
integration tests go through CcxtGateway and the HTTP server instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from core.errors import (
    AuthFailedError,
    ExternalServiceError,
    RejectedError,
    RemoteNotFoundError,
    RetryableError,
)
from exchanges.gateway import (
    BUY,
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
from exchanges.gateway.guards import (
    epoch_ms,
    market_or_refuse,
    order_id_require,
    order_quantize,
    order_reference,
    withdrawal_check,
)
from simulators.venue import engine, wallet
from simulators.venue.errors import VenueError
from simulators.venue.venue import Account, Venue

T = TypeVar("T")

_ORDER_STATUSES = {
    engine.NEW: "open",
    engine.PARTIALLY_FILLED: "open",
    engine.FILLED: "closed",
    engine.CANCELED: "canceled",
    engine.EXPIRED: "expired",
}


def classify_venue_error(error: VenueError) -> ExternalServiceError:
    detail = {"reason": error.reason, "exchange_error": str(error.code)}
    if error.reason == "auth":
        return AuthFailedError(error.msg, detail=detail)
    if error.reason == "not_found":
        return RemoteNotFoundError(error.msg, detail=detail)
    if error.reason == "clock_skew":
        return RetryableError(error.msg, detail=detail)
    return RejectedError(error.msg, detail=detail)


def _when(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)


def _order_lookup(
    exchange_order_id: str | None, client_order_id: str | None
) -> tuple[int | None, str]:
    """The venue's (order id, client id) for an order known by the exchange's id or ours."""
    order_id, client_id = order_reference(
        exchange_order_id=exchange_order_id, client_order_id=client_order_id
    )
    return (int(order_id) if order_id else None), client_id or ""


class InProcessGateway:
    def __init__(self, *, venue: Venue, api_key: str) -> None:
        self.venue = venue
        self.account: Account = venue.account_by_key(api_key)

    def _call(self, call: Callable[[], T]) -> T:
        try:
            self.venue.run_due()
            return call()
        except VenueError as error:
            raise classify_venue_error(error) from error

    def _id(self, symbol: str) -> str:
        market_id = self.venue.market_id(symbol)
        self._call(lambda: self.venue.engine.market(market_id))
        return market_id

    def _order(self, order: engine.Order) -> ExchangeOrder:
        market = self.venue.engine.markets[order.symbol]
        return ExchangeOrder(
            exchange_order_id=str(order.order_id),
            client_order_id=order.client_order_id,
            symbol=market.unified_symbol,
            side=order.side.lower(),
            price=order.price,
            amount=order.orig_qty,
            filled=order.executed_qty,
            cost=order.cumulative_quote_qty,
            status=_ORDER_STATUSES[order.status],
            created_at=_when(order.time_ms),
            updated_at=_when(order.update_time_ms),
        )

    # -- market data ---------------------------------------------------------------------

    def markets(self, *, reload: bool = False) -> dict[str, MarketInfo]:
        """Always current: the engine is right here (`reload` is for the same signature)."""
        with self.venue.lock:
            markets = list(self.venue.engine.markets.values())
        return {
            m.unified_symbol: MarketInfo(
                symbol=m.unified_symbol,
                base=m.base,
                quote=m.quote,
                tick_size=m.tick_size,
                step_size=m.step_size,
                min_qty=m.min_qty,
                max_qty=m.max_qty,
                min_notional=m.min_notional,
            )
            for m in markets
        }

    def market(self, symbol: str) -> MarketInfo:
        return market_or_refuse(self.markets().get(symbol), symbol=symbol)

    def order_book(self, *, symbol: str, depth: int = 20) -> OrderBook:
        market_id = self._id(symbol)
        with self.venue.lock:
            bids, asks = self.venue.engine.depth(market_id, depth)
        return OrderBook(
            symbol=symbol,
            bids=tuple(PriceLevel(p, q) for p, q in bids),
            asks=tuple(PriceLevel(p, q) for p, q in asks),
        )

    def ticker(self, *, symbol: str) -> Ticker:
        day = self._call(lambda: self.venue.ticker_24h(self._id(symbol)))
        return Ticker(
            symbol=symbol,
            last=day.last,
            bid=day.best_bid[0] if day.best_bid else None,
            ask=day.best_ask[0] if day.best_ask else None,
            high=day.high,
            low=day.low,
            base_volume=day.volume,
            quote_volume=day.quote_volume,
            at=_when(day.close_ms),
        )

    # -- account and orders --------------------------------------------------------------

    def balances(self) -> Balances:
        raw = self._call(lambda: self.venue.balances_of(self.account))
        return Balances(
            assets={
                asset: Balance(asset=asset, free=free, locked=locked)
                for asset, (free, locked) in raw.items()
            },
            can_trade="trade" in self.account.permissions,
            can_withdraw="withdraw" in self.account.permissions,
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
        request = engine.OrderRequest(
            account=self.account.account_id,
            symbol=self._id(symbol),
            side=engine.BUY if side == BUY else engine.SELL,
            type=engine.LIMIT_MAKER if post_only else engine.LIMIT,
            quantity=amount,
            price=price,
            client_order_id=client_order_id,
        )
        order = self._call(lambda: self.venue.order_create(self.account, request))
        return self._order(order)

    def cancel_order(
        self,
        *,
        symbol: str,
        exchange_order_id: str | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        return self._one_order(self.venue.order_cancel, symbol, exchange_order_id, client_order_id)

    def fetch_order(
        self,
        *,
        symbol: str,
        exchange_order_id: str | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        return self._one_order(self.venue.order_get, symbol, exchange_order_id, client_order_id)

    def _one_order(
        self,
        venue_call: Callable[..., Any],
        symbol: str,
        exchange_order_id: str | None,
        client_order_id: str | None,
    ) -> ExchangeOrder:
        """Cancel or read one order, named by the exchange's id or by ours."""
        order_id, client_id = _order_lookup(exchange_order_id, client_order_id)
        market_id = self._id(symbol)
        order = self._call(
            lambda: venue_call(
                self.account, symbol=market_id, order_id=order_id, client_id=client_id
            )
        )
        return self._order(order)

    def open_orders(self, *, symbol: str) -> list[ExchangeOrder]:
        market_id = self._id(symbol)
        orders = self._call(lambda: self.venue.orders_open(self.account, symbol=market_id))
        return [self._order(o) for o in orders]

    def my_trades(
        self, *, symbol: str, after_trade_id: str | None = None, limit: int = 500
    ) -> list[Fill]:
        market_id = self._id(symbol)
        cursor = int(after_trade_id) if after_trade_id else 0
        trades = self._call(
            lambda: self.venue.trades_of(
                self.account, symbol=market_id, from_id=cursor + 1, limit=limit
            )
        )
        me = self.account.account_id
        return [
            Fill(
                trade_id=str(t.trade_id),
                exchange_order_id=str(t.buyer_order_id if t.buyer == me else t.seller_order_id),
                symbol=symbol,
                side="buy" if t.buyer == me else "sell",
                price=t.price,
                amount=t.qty,
                cost=t.price * t.qty,
                fee=t.buyer_commission if t.buyer == me else t.seller_commission,
                fee_asset=t.base if t.buyer == me else t.quote,
                is_maker=t.maker_is_buyer == (t.buyer == me),
                at=_when(t.time_ms),
            )
            for t in trades
        ]

    # -- wallet --------------------------------------------------------------------------

    def deposit_address(self, *, asset: str, network: str) -> DepositAddress:
        record = self._call(
            lambda: self.venue.deposit_address(self.account, coin=asset, network=network)
        )
        return DepositAddress(asset=asset, network=network, address=record.address, tag=record.tag)

    def deposits(self, *, asset: str, since: datetime | None = None) -> list[Deposit]:
        records = self._call(
            lambda: self.venue.deposits_of(self.account, coin=asset, start_ms=epoch_ms(since))
        )
        return [
            Deposit(
                deposit_id=d.deposit_id,
                asset=d.coin,
                network=d.network,
                amount=d.amount,
                tx_hash=d.tx_hash,
                address=d.address,
                tag=d.tag,
                status="ok" if d.status == wallet.DEPOSIT_SUCCESS else "pending",
                at=_when(d.insert_time_ms),
            )
            for d in records
        ]

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
        record = self._call(
            lambda: self.venue.withdraw(
                self.account,
                coin=asset,
                network=network,
                address=address,
                tag=tag,
                amount=amount,
                withdraw_order_id=client_id,
            )
        )
        return record.withdrawal_id

    def _withdrawal(self, record: wallet.Withdrawal) -> Withdrawal:
        return Withdrawal(
            withdrawal_id=record.withdrawal_id,
            client_id=record.withdraw_order_id,
            asset=record.coin,
            network=record.network,
            amount=record.chain_amount,
            fee=record.fee,
            address=record.address,
            tag=record.tag,
            tx_hash=record.tx_hash,
            status="ok" if record.status == wallet.WITHDRAWAL_COMPLETED else "pending",
            at=_when(record.apply_time_ms),
        )

    def withdrawals(self, *, asset: str, since: datetime | None = None) -> list[Withdrawal]:
        records = self._call(
            lambda: self.venue.withdrawals_of(self.account, coin=asset, start_ms=epoch_ms(since))
        )
        return [self._withdrawal(w) for w in records]

    def withdrawal_by_client_id(self, *, asset: str, client_id: str) -> Withdrawal:
        records = self._call(
            lambda: self.venue.withdrawals_of(
                self.account, coin=asset, start_ms=None, withdraw_order_id=client_id
            )
        )
        if not records:
            raise RemoteNotFoundError(f"no {asset} withdrawal with client id {client_id}")
        return self._withdrawal(records[0])
