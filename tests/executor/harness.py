"""A market for executor tests: the venue simulator's engine in-process, the matching rows
in the database, and running orders funded in the ledger.

    market = Market.open()                    # XIN/USDT, a resting bid 99.9 / ask 100.1
    order = market.running_order(xin="10", usdt="2000", params={...})
    market.tick()                             # one executor tick, through InProcessGateway
    market.take(side="sell", amount="0.5", price="99")   # a taker hits our bid
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.inprocess_gateway import InProcessGateway
from demo.scenarios import (
    XIN_USDT,
    AssetSpec,
    api_key_store,
    trading_pair_put,
    venue_account_open,
    venue_market_open,
)
from exchanges.gateway import ExchangeOrder
from exchanges.models import Exchange, ExchangeAPIKey, TradingPair
from executor.models import ExecutorEvent, TrackedOrder
from executor.services import executor_order_register, executor_tick_market
from executor.timing import TickReport
from ledger.models import Transaction
from ledger.selectors import OrderAssetBalances, order_balances
from ledger.services import Leg, ledger_post, order_account, system_account
from orders.models import MarketMakingOrder
from orders.states import OrderState
from simulators.venue import engine
from simulators.venue.venue import Account, Venue
from strategy import Book, MarketSnapshot, freeze_config, validate_params
from tests.orders.factories import StrategyPresetFactory

D = Decimal
SYMBOL = XIN_USDT.symbol
MARKET = replace(XIN_USDT, min_order_amount=D("0.001"))
XIN = uuid.UUID("a99c2e0e-2b1c-4f1e-9e3a-1b2f0c1d2e3f")
USDT = uuid.UUID("4d8c508b-91c5-375b-92b0-ee702ed2dac5")
CHAIN = uuid.UUID("43d61dcd-e413-450d-80b8-101d5e903357")
BASE_PARAMS = {
    "bid_spread": "0.01",
    "ask_spread": "0.01",
    "order_amount": "1",
    "order_levels": 1,
    "order_refresh_time": 10,
    "filled_order_delay": 0,
}


def gateway_factory(venue: Venue) -> Callable[[int], InProcessGateway]:
    """gateway_for for the executor: our API key rows → in-process gateways on `venue`."""
    cache: dict[int, InProcessGateway] = {}

    def gateway_for(api_key_id: int) -> InProcessGateway:
        if api_key_id not in cache:
            key = ExchangeAPIKey.objects.get(pk=api_key_id)
            cache[api_key_id] = InProcessGateway(venue=venue, api_key=key.api_key)
        return cache[api_key_id]

    return gateway_for


def gateway_market_snapshot(gateway: Any, symbol: str) -> MarketSnapshot:
    """What the strategy sees of a venue's market now, read through an exchange gateway."""
    book = gateway.order_book(symbol=symbol)
    info = gateway.market(symbol)
    return MarketSnapshot(
        book=Book(
            bids=tuple((lv.price, lv.amount) for lv in book.bids),
            asks=tuple((lv.price, lv.amount) for lv in book.asks),
        ),
        tick_size=info.tick_size,
        step_size=info.step_size,
        min_notional=info.min_notional,
        min_amount=info.min_qty,
    )


@dataclass
class Market:
    venue: Venue
    exchange: Exchange
    pair: TradingPair
    maker: Account  # a liquidity provider keeping the book two-sided
    taker: Account
    gateway_for: Callable[[int], Any]
    keys: dict[str, ExchangeAPIKey] = field(default_factory=dict)
    book: tuple[str | None, str | None] = (None, None)
    now: datetime = field(default_factory=timezone.now)

    @classmethod
    def open(cls, *, bid: str = "99.9", ask: str = "100.1", venue: Venue | None = None) -> Market:
        venue = venue or Venue(seed=3)
        venue_market_open(venue, MARKET, agents=False)
        funds = {"XIN": D("1000"), "USDT": D("100000")}
        maker, taker = (
            venue_account_open(venue, label=label, permissions=["read", "trade"], credits=funds)
            for label in ("lp", "taker")
        )
        exchange = Exchange.objects.create(name=f"sim-{uuid.uuid4().hex[:6]}", ccxt_id="binance")
        pair = pair_create(exchange=exchange)
        market = cls(venue, exchange, pair, maker, taker, gateway_factory(venue))
        market.quote_book(bid=bid, ask=ask)
        return market

    # -- the venue side --------------------------------------------------------------------

    def _submit(self, account: Account, side: str, amount: str, price: str, tif: str) -> None:
        self.venue.order_create(
            account,
            engine.OrderRequest(
                account=account.account_id,
                symbol="XINUSDT",
                side=engine.BUY if side == "buy" else engine.SELL,
                type=engine.LIMIT,
                quantity=D(amount),
                price=D(price),
                time_in_force=tif,
            ),
        )

    def quote_book(self, *, bid: str | None, ask: str | None, size: str = "50") -> None:
        """Replace the liquidity provider's quotes (the book's best bid and ask)."""
        self.book = (bid, ask)
        for order in self.venue.orders_open(self.maker, symbol="XINUSDT"):
            self.venue.order_cancel(
                self.maker, symbol="XINUSDT", order_id=order.order_id, client_id=""
            )
        if bid is not None:
            self._submit(self.maker, "buy", size, bid, engine.GTC)
        if ask is not None:
            self._submit(self.maker, "sell", size, ask, engine.GTC)

    def hit(self, quote: TrackedOrder, amount: str) -> None:
        """A taker trades `amount` against one of our quotes (the liquidity provider steps
        aside for the moment, so the taker meets our price first)."""
        bid, ask = self.book
        self.quote_book(bid=None, ask=None)
        side = "sell" if quote.side == "buy" else "buy"
        self._submit(self.taker, side, amount, str(quote.price), engine.IOC)
        self.quote_book(bid=bid, ask=ask)

    def venue_open_orders(self, key: ExchangeAPIKey) -> list[ExchangeOrder]:
        return self.gateway_for(key.pk).open_orders(symbol=SYMBOL)

    # -- the product side ------------------------------------------------------------------

    def api_key(
        self, label: str = "mm", *, xin: str = "1000", usdt: str = "100000"
    ) -> ExchangeAPIKey:
        if label not in self.keys:
            account = venue_account_open(
                self.venue,
                label=label,
                permissions=["read", "trade"],
                credits={"XIN": D(xin), "USDT": D(usdt)},
            )
            self.keys[label] = api_key_store(
                exchange=self.exchange,
                label=label,
                api_key=account.api_key,
                secret=account.secret,
            )
        return self.keys[label]

    def running_order(
        self,
        *,
        xin: str = "10",
        usdt: str = "2000",
        params: dict | None = None,
        key: ExchangeAPIKey | None = None,
    ) -> MarketMakingOrder:
        return running_order_create(
            pair=self.pair, key=key or self.api_key(), xin=xin, usdt=usdt, params=params
        )

    def tick(self, *, seconds: float = 0) -> TickReport:
        """Advance our clock by `seconds`, then tick the market once."""
        self.now += timedelta(seconds=seconds)
        return executor_tick_market(
            pair_id=self.pair.pk, now=self.now, gateway_for=self.gateway_for
        )


def pair_create(*, exchange: Exchange) -> TradingPair:
    return trading_pair_put(
        exchange=exchange,
        market=MARKET,
        base=AssetSpec(symbol="XIN", asset_id=XIN, chain_id=CHAIN),
        quote=AssetSpec(symbol="USDT", asset_id=USDT, chain_id=CHAIN),
    )


def running_order_create(
    *,
    pair: TradingPair,
    key: ExchangeAPIKey,
    xin: str = "10",
    usdt: str = "2000",
    params: dict | None = None,
) -> MarketMakingOrder:
    """A running order with its funds on the exchange (in the ledger), registered with the
    executor as start_mm does."""
    frozen = freeze_config(validate_params({**BASE_PARAMS, **(params or {})}))
    user = get_user_model().objects.create(username=f"u-{uuid.uuid4().hex[:8]}")
    order = MarketMakingOrder.objects.create(
        user=user,
        pair=pair,
        api_key=key,
        strategy_preset=StrategyPresetFactory(),
        frozen_config=frozen.config,
        config_hash=frozen.sha256,
        base_amount=D(xin),
        quote_amount=D(usdt),
        state=OrderState.RUNNING,
        memo=uuid.uuid4().hex,
        expires_at=timezone.now() + timedelta(hours=1),
        trace_id=uuid.uuid4().hex,
    )
    for asset, amount in ((XIN, xin), (USDT, usdt)):
        if D(amount) > 0:
            on_exchange = order_account(order_id=str(order.pk), asset=asset, purpose="on_exchange")
            ledger_post(
                idempotency_key=f"{order.pk}:deposit:{asset}",
                code=Transaction.Code.DEPOSIT_CONFIRMED,
                entries=[
                    Leg(system_account(asset=asset, purpose="external"), -D(amount)),
                    Leg(on_exchange, D(amount)),
                ],
                trace_id=order.trace_id,
            )
    order_register(order)
    return order


def order_register(order: MarketMakingOrder) -> None:
    """What start_mm hands the executor."""
    executor_order_register(
        order_id=order.pk,
        pair_id=order.pair_id,
        api_key_id=order.api_key_id,
        config=order.frozen_config,
        config_hash=order.config_hash,
        trace_id=order.trace_id,
    )


def reference_exchange(market: Market, *, bid: str, ask: str) -> Exchange:
    """A second exchange (on the same simulator) listing XIN/BUSD, with a book."""
    venue = market.venue
    venue.market_create(
        symbol="XIN/BUSD",
        mid=Decimal(bid),
        tick_size=Decimal("0.01"),
        step_size=Decimal("0.001"),
        min_notional=Decimal("1"),
        agents=False,
    )
    for side, price in (("buy", bid), ("sell", ask)):
        venue.order_create(
            market.maker,
            engine.OrderRequest(
                account=market.maker.account_id,
                symbol="XINBUSD",
                side=engine.BUY if side == "buy" else engine.SELL,
                type=engine.LIMIT,
                quantity=Decimal("5"),
                price=Decimal(price),
            ),
        )
    exchange = Exchange.objects.create(name="reference venue", ccxt_id="binance")
    reader = venue.account_create(label="reader", permissions=["read"])
    api_key_store(exchange=exchange, label="read", api_key=reader.api_key, secret=reader.secret)
    return exchange


def balances(order: MarketMakingOrder, asset: uuid.UUID) -> OrderAssetBalances:
    return order_balances(order_id=str(order.pk))[asset]


def tracked(order: MarketMakingOrder, **filters: object) -> list[TrackedOrder]:
    return list(TrackedOrder.objects.filter(order=order, **filters).order_by("sequence"))


def events(order: MarketMakingOrder, kind: str) -> list[ExecutorEvent]:
    return list(ExecutorEvent.objects.filter(order=order, kind=kind))
