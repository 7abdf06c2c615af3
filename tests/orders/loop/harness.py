"""The outside world of the funds loop on one machine: the venue simulator and the Mixin
simulator in threads, each the other's chain peer, and the product configured against
them exactly as an operator would (exchange, validated API key, pair, network mappings).

`World.drive(order, until=...)` runs the jobs the workers would run, in this process, so a
test reads top to bottom; the end-to-end test runs them on a real Celery worker instead.
"""

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
import pytest

from core.errors import InDoubtError, RetryableError
from demo.scenarios import (
    XIN_USDT,
    AssetSpec,
    api_key_validate_now,
    mixin_assets_put,
    network_mappings_put,
    simulated_exchange_put,
    simulators_start_as_peers,
    trading_pair_put,
    venue_coins_configure,
    venue_market_open,
)
from exchanges.models import Exchange, ExchangeAPIKey, TradingPair
from exchanges.services import api_key_create
from executor.services import executor_tick_market
from orders.models import FundsLoopConfig, MarketMakingOrder
from orders.services import exit as exit_service
from orders.services import funding, payments, payouts
from orders.states import OrderState
from simulators.venue.control import SimulatorControl
from wallet.models import MixinSnapshot, MixinUser

XIN = "c94ac88f-4671-3976-b60a-09064f1811e8"  # XIN is its own chain
USDT = "4d8c508b-91c5-375b-92b0-ee702ed2dac5"  # USDT (ERC20)
ETH_CHAIN = "43d61dcd-e413-450d-80b8-101d5e903357"
XIN_ASSET = AssetSpec(
    symbol="XIN",
    asset_id=uuid.UUID(XIN),
    chain_id=uuid.UUID(XIN),
    chain_name="Mixin",
    venue_network="XIN",
    network_code="XIN",
    mixin_withdrawal_fee=Decimal("0.01"),
    venue_withdraw_fee=Decimal("0.001"),
    venue_withdraw_min=Decimal("0.01"),
)
USDT_ASSET = AssetSpec(
    symbol="USDT",
    asset_id=uuid.UUID(USDT),
    chain_id=uuid.UUID(ETH_CHAIN),
    chain_name="Ethereum",
    venue_network="ETH",
    network_code="ERC20",
    mixin_withdrawal_fee=Decimal("1"),
    venue_withdraw_fee=Decimal("0.5"),
    venue_withdraw_min=Decimal("1"),
)
ASSETS = (XIN_ASSET, USDT_ASSET)
S = OrderState


@dataclass
class World:
    venue_url: str
    venue: SimulatorControl
    mixin_url: str
    mixin_http: httpx.Client
    exchange: Exchange
    api_key: ExchangeAPIKey
    venue_api_key: str
    pair: TradingPair
    keystore_json: str = ""
    outages: list[str] = field(default_factory=list)

    # -- the Mixin side ------------------------------------------------------------------

    def mixin(self, method: str, path: str, body: object = None) -> dict:
        response = self.mixin_http.request(method, path, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def mixin_user(self, django_user_model, *, name: str = "Creator", **funds: str):
        """A Mixin user with funds on the simulator, logged in to the product."""
        mixin_id = self.mixin("POST", "/_sim/users", {"full_name": name})["user_id"]
        for asset_id, amount in funds.items():
            self.mixin(
                "POST", f"/_sim/users/{mixin_id}/credit", {"asset_id": asset_id, "amount": amount}
            )
        user = django_user_model.objects.create_user(username=f"mixin-{mixin_id[:8]}")
        MixinUser.objects.create(user=user, mixin_user_id=mixin_id, full_name=name)
        return user

    def mixin_balance(self, user, asset_id: str) -> Decimal:
        balances = self.mixin("GET", f"/_sim/users/{user.mixin.mixin_user_id}/balances")
        return Decimal(balances.get(asset_id, "0"))

    def pay(self, user, url: str) -> list[str]:
        return self.mixin(
            "POST", "/_sim/pay", {"payer_id": str(user.mixin.mixin_user_id), "url": url}
        )["snapshot_ids"]

    # -- running the jobs in this process -------------------------------------------------

    def intake(self) -> list[str]:
        """What the poll job and its hand-over do: record new snapshots, route each."""
        from wallet.client import mixin_client
        from wallet.services.intake import snapshots_poll

        with mixin_client() as client:
            snapshots_poll(client=client)
        outcomes = []
        pending = MixinSnapshot.objects.filter(
            direction=MixinSnapshot.Direction.INCOMING,
            processing_state__in=[
                MixinSnapshot.ProcessingState.RECORDED,
                MixinSnapshot.ProcessingState.DISPATCHED,
            ],
        )
        for snapshot in pending:
            outcomes.append(payments.payment_snapshot_process(snapshot_id=snapshot.snapshot_id))
        return outcomes

    def step(self, order: MarketMakingOrder) -> None:
        from orders.models import Payout

        self.intake()
        order.refresh_from_db()
        state = order.state
        if state in (S.PAYMENT_COMPLETE, S.WITHDRAWING):
            funding.withdraw_to_exchange(order_id=order.pk)
            funding.monitor_mixin_withdrawal(order_id=order.pk)
        elif state in (S.WITHDRAWAL_CONFIRMED, S.DEPOSIT_CONFIRMING):
            funding.confirm_exchange_deposit(order_id=order.pk)
        elif state == S.DEPOSIT_CONFIRMED:
            funding.start_mm(order_id=order.pk)
        elif state == S.RUNNING:
            executor_tick_market(pair_id=order.pair_id)
        elif state in (S.EXIT_REQUESTED, S.EXIT_CANCELLING, S.EXIT_WITHDRAWING, S.EXIT_CONFIRMING):
            exit_service.exit_advance(order_id=order.pk)
        for payout in Payout.objects.filter(status=Payout.Status.PENDING):
            sent = payouts.payout_send(payout_id=payout.pk)
            # An exit is advanced by this loop itself; other orders follow their payouts.
            if sent.order_id and sent.order.state != S.EXIT_CONFIRMING:
                payouts.payout_order_follow_up(payout=sent)

    def taker(self):
        """Another trader on the venue, with a ccxt client, to trade against our quotes."""
        from exchanges.gateway import ccxt_client

        account = self.venue.account_create(label="taker", permissions=["read", "trade"])
        self.venue.credit(api_key=account["api_key"], asset="USDT", amount="100000")
        self.venue.credit(api_key=account["api_key"], asset="XIN", amount="1000")
        return ccxt_client(
            ccxt_id="binance",
            api_key=account["api_key"],
            secret=account["secret"],
            api_base_url=self.venue_url,
            timeout_ms=5000,
            rate_limit=False,
        )

    def take_our_best_ask(self) -> Decimal:
        """Another trader buys everything up to and including our best ask; returns its price."""
        return self._take(our_side="sell")

    def take_our_best_bid(self) -> Decimal:
        """Another trader sells into everything down to and including our best bid."""
        return self._take(our_side="buy")

    def _take(self, *, our_side: str) -> Decimal:
        ours = [o for o in self.our_open_orders() if o["side"].lower() == our_side]
        best = min if our_side == "sell" else max
        price = best(Decimal(o["price"]) for o in ours)
        taker = self.taker()
        book = taker.fetch_order_book("XIN/USDT", 100)
        levels = book["asks"] if our_side == "sell" else book["bids"]
        reaches = (lambda p: p <= price) if our_side == "sell" else (lambda p: p >= price)
        amount = sum(Decimal(str(q)) for p, q, *_ in levels if reaches(Decimal(str(p))))
        side = "buy" if our_side == "sell" else "sell"
        taker.create_order(
            "XIN/USDT", "limit", side, float(amount), float(price), {"timeInForce": "IOC"}
        )
        return price

    def our_account(self, state: dict | None = None) -> dict:
        state = state or self.venue.state()
        return next(a for a in state["accounts"] if a["api_key"] == self.venue_api_key)

    def our_open_orders(self) -> list[dict]:
        state = self.venue.state()
        account_id = self.our_account(state)["account_id"]
        return [o for o in state["open_orders"] if o["account"] == account_id]

    def step_tolerating_outages(self, order: MarketMakingOrder) -> None:
        """One round of jobs; an outage or an unanswered call is what the task would retry."""
        try:
            self.step(order)
        except (RetryableError, InDoubtError) as error:
            self.outages.append(type(error).__name__)

    def drive(
        self, order: MarketMakingOrder, *, until: str, timeout: float = 20
    ) -> MarketMakingOrder:
        deadline = time.monotonic() + timeout
        while True:
            self.step_tolerating_outages(order)
            order.refresh_from_db()
            if order.state == until:
                return order
            assert order.state != S.FAILED, order.lifecycle_error
            assert time.monotonic() < deadline, f"stuck in {order.state}"
            time.sleep(0.05)


def world_build(settings) -> tuple[World, Callable[[], None]]:
    """Both simulators in threads, configured, and the product configured against them.
    Returns the world and the function that stops the simulators."""
    simulators = simulators_start_as_peers(settings, seed=11)
    mixin_http = httpx.Client(base_url=simulators.mixin_url, timeout=10)
    control = SimulatorControl(simulators.venue_url)
    mixin_assets_put(mixin_http, ASSETS)
    venue_coins_configure(control, ASSETS)
    venue_market_open(control, XIN_USDT, agents=True)
    # Agents keep a two-sided book around the mid; they move only when stepped.
    control.market_step(symbol="XIN/USDT", rounds=3)
    account = control.account_create(label="mr.market", permissions=["read", "trade", "withdraw"])

    exchange = simulated_exchange_put(name="Simulated venue", venue_url=simulators.venue_url)
    network_mappings_put(exchange=exchange, assets=ASSETS)
    pair = trading_pair_put(exchange=exchange, market=XIN_USDT, base=XIN_ASSET, quote=USDT_ASSET)
    FundsLoopConfig.current()  # the gates reviewed, as the setup guide asks
    # Validated once the pair is there, as an operator would: it reads a deposit address.
    api_key = api_key_validate_now(
        api_key=api_key_create(
            exchange=exchange, label="mm", api_key=account["api_key"], secret=account["secret"]
        )
    )
    assert api_key.loop_permissions().usable, api_key.loop_permissions().shortfall
    world = World(
        simulators.venue_url,
        control,
        simulators.mixin_url,
        mixin_http,
        exchange,
        api_key,
        account["api_key"],
        pair,
        keystore_json=simulators.keystore_json,
    )

    def stop() -> None:
        mixin_http.close()
        simulators.stop()

    return world, stop


@pytest.fixture
def world(db, settings, presets_seeded) -> Iterator[World]:
    built, stop = world_build(settings)
    yield built
    stop()
