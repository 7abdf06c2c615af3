"""The simulated worlds that the demo, the tests and the benchmarks build, written once.

The venue side works on an in-process `Venue` or over HTTP through `SimulatorControl`
(both take the same market and account arguments); the product side writes the rows an
operator would enter for a simulated exchange.

    MarketSpec, AssetSpec        a market (the venue's book and the product's pair), an asset
    XIN_USDT, ENGINE_XIN_USDT    the XIN/USDT book most tests and benchmarks trade on
    venue_market_open            a market on a venue
    venue_account_open           an in-process venue account with its credits
    control_account_open         the same over the control API
    binance_client               the unmodified ccxt.binance pointed at a simulator
    simulated_exchange_put       the product's Exchange row for a simulator
    api_key_store                our key for a venue account, not validated
    api_key_validate_now         validation in this process, as the worker would do it
    network_mappings_put         the product's Mixin chain -> venue network rows
    trading_pair_put             the product's pair for a market
    venue_coins_configure        the venue's coins: networks, fees, delays, Mixin asset ids
    mixin_assets_put             the Mixin simulator's assets with their chains and fees
    simulators_start_as_peers    both simulators in threads, each the other's chain peer
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ccxt
import httpx

from core import context
from exchanges.gateway import ccxt_client
from exchanges.models import Exchange, ExchangeAPIKey, NetworkMapping, TradingPair
from exchanges.services import api_key_set_secret
from simulators.mixin import BotIdentity, SimWorld
from simulators.mixin import start_in_thread as start_mixin
from simulators.venue.clock import Clock
from simulators.venue.control import SimulatorControl
from simulators.venue.engine import Market
from simulators.venue.server import start_in_thread as start_venue
from simulators.venue.venue import Account, Venue
from wallet.keystore import generate_keystore_json, keystore_from_json

VENUE_FEE_RATE = Decimal("0.001")  # the simulator's default maker and taker rate


@dataclass(frozen=True)
class AssetSpec:
    symbol: str
    asset_id: uuid.UUID
    chain_id: uuid.UUID
    chain_name: str = ""
    venue_network: str = ""  # the venue's own network name (Binance's ids)
    network_code: str = ""  # ccxt's unified code, what the product stores and matches on
    mixin_withdrawal_fee: Decimal = Decimal(0)
    venue_withdraw_fee: Decimal = Decimal(0)
    venue_withdraw_min: Decimal = Decimal(0)


@dataclass(frozen=True)
class MarketSpec:
    symbol: str  # unified, BASE/QUOTE
    mid: Decimal
    tick_size: Decimal
    step_size: Decimal
    min_notional: Decimal
    min_order_amount: Decimal  # the product pair's floor
    volatility: Decimal = Decimal("0.001")

    @property
    def price_precision(self) -> int:
        return -int(self.tick_size.as_tuple().exponent)

    @property
    def amount_precision(self) -> int:
        return -int(self.step_size.as_tuple().exponent)


XIN_USDT = MarketSpec(
    symbol="XIN/USDT",
    mid=Decimal(100),
    tick_size=Decimal("0.01"),
    step_size=Decimal("0.001"),
    min_notional=Decimal(1),
    min_order_amount=Decimal("0.1"),
)
# The engine's own view of that book, for driving the matching engine without a venue.
ENGINE_XIN_USDT = Market(
    symbol="XINUSDT",
    base="XIN",
    quote="USDT",
    tick_size=Decimal("0.01"),
    step_size=Decimal("0.001"),
    min_qty=Decimal("0.001"),
    max_qty=Decimal("1000"),
    min_price=Decimal("0.01"),
    max_price=Decimal("1000"),
    min_notional=Decimal("1"),
    maker_fee_rate=Decimal("0.001"),
    taker_fee_rate=Decimal("0.002"),
)

# -- the venue side ------------------------------------------------------------------------


def venue_market_open(venue: Venue | SimulatorControl, market: MarketSpec, *, agents: bool) -> None:
    venue.market_create(
        symbol=market.symbol,
        mid=market.mid,
        tick_size=market.tick_size,
        step_size=market.step_size,
        min_notional=market.min_notional,
        volatility=market.volatility,
        agents=agents,
    )


def venue_account_open(
    venue: Venue, *, label: str, permissions: Iterable[str], credits: dict[str, Decimal]
) -> Account:
    account = venue.account_create(label=label, permissions=list(permissions))
    for asset, amount in credits.items():
        if amount > 0:
            venue.account_credit(api_key=account.api_key, asset=asset, amount=amount)
    return account


def control_account_open(
    control: SimulatorControl, *, label: str, permissions: Iterable[str], credits: dict[str, str]
) -> dict:
    """An account over the control API: {"api_key", "secret", "account_id"}."""
    account = control.account_create(label=label, permissions=list(permissions))
    for asset, amount in credits.items():
        control.credit(api_key=account["api_key"], asset=asset, amount=amount)
    return account


def binance_client(url: str, api_key: str, secret: str, *, timeout_ms: int = 5000) -> ccxt.binance:
    """The unmodified ccxt.binance, only its URLs pointed at the simulator."""
    return ccxt_client(
        ccxt_id="binance",
        api_key=api_key,
        secret=secret,
        api_base_url=url,
        timeout_ms=timeout_ms,
        rate_limit=False,
    )


def venue_coins_configure(
    control: SimulatorControl,
    assets: Iterable[AssetSpec],
    *,
    deposit_delay_ms: int = 0,
    withdraw_delay_ms: int = 0,
) -> None:
    for asset in assets:
        control.coin_configure(
            coin=asset.symbol,
            network=asset.venue_network,
            withdraw_fee=str(asset.venue_withdraw_fee),
            withdraw_min=str(asset.venue_withdraw_min),
            withdraw_delay_ms=withdraw_delay_ms,
            deposit_delay_ms=deposit_delay_ms,
            mixin_asset_id=str(asset.asset_id),
        )


# -- the Mixin side ------------------------------------------------------------------------


def mixin_assets_put(http: httpx.Client, assets: Iterable[AssetSpec]) -> None:
    for asset in assets:
        response = http.post(
            "/_sim/assets",
            json={
                "asset_id": str(asset.asset_id),
                "chain_id": str(asset.chain_id),
                "symbol": asset.symbol,
                "withdrawal_fee": str(asset.mixin_withdrawal_fee),
            },
        )
        response.raise_for_status()


@dataclass
class PeeredSimulators:
    venue: Venue
    venue_url: str
    mixin: SimWorld
    mixin_url: str
    keystore_json: str
    stop: Callable[[], None]


def simulators_start_as_peers(
    settings: Any, *, seed: int, clock: Clock | None = None
) -> PeeredSimulators:
    """The venue and the Mixin simulator in threads on ephemeral ports, each the other's
    peer on the simulated chain, and the product's Mixin settings pointed at them (the
    bot's keystore is a fresh one). The venue's agents move only when stepped."""
    keystore_json = generate_keystore_json()
    keystore = keystore_from_json(keystore_json, source="test")
    venue = Venue(seed=seed, clock=clock)
    venue_url, stop_venue = start_venue(venue=venue, agent_interval_s=0)
    mixin = SimWorld(BotIdentity.from_keystore(keystore), peer_url=venue_url)
    mixin_url, stop_mixin = start_mixin(mixin)
    venue.peer_url = mixin_url  # known only now: both listen on ephemeral ports
    settings.MIXIN_KEYSTORE = keystore
    settings.MIXIN_API_BASE = mixin_url
    settings.MIXIN_OAUTH_BASE = mixin_url
    settings.MIXIN_HTTP_TIMEOUT_MS = 3000

    def stop() -> None:
        stop_mixin()
        stop_venue()

    return PeeredSimulators(venue, venue_url, mixin, mixin_url, keystore_json, stop)


# -- the product side ----------------------------------------------------------------------


def simulated_exchange_put(*, name: str, venue_url: str) -> Exchange:
    exchange, _ = Exchange.objects.update_or_create(
        name=name,
        defaults={
            "ccxt_id": "binance",
            "api_base_url": venue_url,
            "enabled": True,
            "maker_fee_rate": VENUE_FEE_RATE,
            "taker_fee_rate": VENUE_FEE_RATE,
        },
    )
    return exchange


def api_key_store(*, exchange: Exchange, label: str, api_key: str, secret: str) -> ExchangeAPIKey:
    """Our key for a venue account, saved without asking for the validation job."""
    key = ExchangeAPIKey(exchange=exchange, label=label, api_key=api_key)
    api_key_set_secret(api_key=key, secret=secret)
    key.save()
    return key


def api_key_validate_now(*, api_key: ExchangeAPIKey) -> ExchangeAPIKey:
    """Validate in this process rather than wait for the worker: the first order needs a
    valid key."""
    from exchanges.tasks import api_key_validate

    trace_id = context.current_trace_id() or context.new_trace_id()
    api_key_validate.run(api_key_id=api_key.pk, trace_id=trace_id)
    api_key.refresh_from_db()
    return api_key


def network_mappings_put(*, exchange: Exchange, assets: Iterable[AssetSpec]) -> None:
    for asset in assets:
        NetworkMapping.objects.update_or_create(
            exchange=exchange,
            chain_id=asset.chain_id,
            defaults={"chain_name": asset.chain_name, "network_code": asset.network_code},
        )


def trading_pair_put(
    *, exchange: Exchange, market: MarketSpec, base: AssetSpec, quote: AssetSpec
) -> TradingPair:
    pair, _ = TradingPair.objects.update_or_create(
        exchange=exchange,
        symbol=market.symbol,
        kind=TradingPair.Kind.MARKET_MAKING,
        defaults={
            "base_symbol": base.symbol,
            "quote_symbol": quote.symbol,
            "base_asset_id": base.asset_id,
            "quote_asset_id": quote.asset_id,
            "base_chain_id": base.chain_id,
            "quote_chain_id": quote.chain_id,
            "min_order_amount": market.min_order_amount,
            "price_precision": market.price_precision,
            "amount_precision": market.amount_precision,
            "enabled": True,
        },
    )
    return pair
