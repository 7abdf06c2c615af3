"""The embedded demo: the two simulators and the product's database set up to match.

The simulators keep their state in memory and start empty; the product's SQLite database
persists. So every start configures the simulators again with the same fixed ids and keys
(the venue account's key, the demo Mixin user's id), and the product's records, created
once, keep pointing at them. Every step is idempotent: run it as often as you like.
"""

import logging
import time
import uuid
from dataclasses import replace
from decimal import Decimal

import httpx
from django.contrib.auth import get_user_model
from django.db import transaction

from demo.scenarios import (
    XIN_USDT,
    AssetSpec,
    MarketSpec,
    api_key_validate_now,
    mixin_assets_put,
    network_mappings_put,
    simulated_exchange_put,
    trading_pair_put,
    venue_coins_configure,
    venue_market_open,
)
from exchanges.models import ExchangeAPIKey
from exchanges.services import api_key_create
from orders.models import FundsLoopConfig
from simulators.venue.control import SimulatorControl
from wallet.models import MixinUser

logger = logging.getLogger(__name__)

# Mixin's ids (api.mixin.one /network/assets): XIN and USDT are tokens on the Ethereum
# chain there; BTC is its own chain.
ETHEREUM_CHAIN_ID = uuid.UUID("43d61dcd-e413-450d-80b8-101d5e903357")
BITCOIN_CHAIN_ID = uuid.UUID("c6d0c728-2624-429b-8e0d-d9d19b6592fa")


XIN = AssetSpec(
    symbol="XIN",
    asset_id=uuid.UUID("c94ac88f-4671-3976-b60a-09064f1811e8"),
    chain_id=ETHEREUM_CHAIN_ID,
    chain_name="Ethereum",
    venue_network="ETH",
    network_code="ERC20",
    mixin_withdrawal_fee=Decimal("0.002"),
)
BTC = AssetSpec(
    symbol="BTC",
    asset_id=BITCOIN_CHAIN_ID,
    chain_id=BITCOIN_CHAIN_ID,
    chain_name="Bitcoin",
    venue_network="BTC",
    network_code="BTC",
    mixin_withdrawal_fee=Decimal("0.0001"),
)
USDT = AssetSpec(
    symbol="USDT",
    asset_id=uuid.UUID("4d8c508b-91c5-375b-92b0-ee702ed2dac5"),
    chain_id=ETHEREUM_CHAIN_ID,
    chain_name="Ethereum",
    venue_network="ETH",
    network_code="ERC20",
    mixin_withdrawal_fee=Decimal("1"),
)
ASSETS = (XIN, BTC, USDT)
ASSET_BY_SYMBOL = {asset.symbol: asset for asset in ASSETS}
# What the demo user holds on the Mixin simulator.
USER_FUNDS = {XIN: Decimal("50"), BTC: Decimal("0.5"), USDT: Decimal("20000")}

MARKETS = (
    replace(XIN_USDT, mid=Decimal("150"), volatility=Decimal("0.002")),
    MarketSpec("BTC/USDT", mid=Decimal("60000"), tick_size=Decimal("0.1"),
               step_size=Decimal("0.00001"), min_notional=Decimal("1"),
               min_order_amount=Decimal("0.0005"), volatility=Decimal("0.001")),
)  # fmt: skip

EXCHANGE_NAME = "Simulated Binance"
API_KEY_LABEL = "demo trading account"
# Fixed credentials of the demo's venue account: the simulator forgets its accounts on
# restart, the product's database remembers this key, so the seed recreates it as is.
VENUE_API_KEY = "mrmarket-demo-venue-key-0001"
VENUE_SECRET = "mrmarket-demo-venue-secret-0001"  # noqa: S105 - the simulator's, public by design
DEMO_MIXIN_USER_ID = uuid.UUID("5b1c7c5e-3f0e-4d7a-9a51-d3e0de40c0de")
DEMO_MIXIN_USER_NAME = "Demo token creator"
DEMO_USERNAME = "demo"
# Seconds the venue takes to credit a deposit and to send a withdrawal: long enough to
# watch the states change on the page, short enough not to wait.
VENUE_DEPOSIT_DELAY_MS = 2000
VENUE_WITHDRAW_DELAY_MS = 2000


class SimulatorsNotReady(Exception):
    pass


def simulators_wait(*, urls: list[str], timeout_s: float) -> None:
    """Return once every simulator answers its state endpoint; they start alongside us."""
    deadline = time.monotonic() + timeout_s
    waiting = list(urls)
    while waiting:
        try:
            if httpx.get(f"{waiting[0].rstrip('/')}/_sim/state", timeout=2).status_code == 200:
                waiting.pop(0)
                continue
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SimulatorsNotReady(f"no answer from {', '.join(waiting)} after {timeout_s}s")
        time.sleep(0.3)


def demo_venue_configure(*, venue_url: str) -> None:
    """Coins with their Mixin asset ids, the markets with moving agents, the bot's account."""
    control = SimulatorControl(venue_url)
    venue_coins_configure(
        control,
        ASSETS,
        deposit_delay_ms=VENUE_DEPOSIT_DELAY_MS,
        withdraw_delay_ms=VENUE_WITHDRAW_DELAY_MS,
    )
    state = control.state()
    existing = {market["symbol"] for market in state["markets"].values()}
    for market in MARKETS:
        if market.symbol not in existing:
            venue_market_open(control, market, agents=True)
    if not any(account["api_key"] == VENUE_API_KEY for account in state["accounts"]):
        control.call(
            "POST",
            "/_sim/accounts",
            {
                "label": "mrmarket demo",
                "permissions": ["read", "trade", "withdraw"],
                "api_key": VENUE_API_KEY,
                "secret": VENUE_SECRET,
            },
        )


def demo_mixin_configure(*, mixin_url: str) -> None:
    """The assets with their chains and fees, and the demo user with funds to pay with."""
    with httpx.Client(base_url=mixin_url, timeout=10) as http:

        def call(method: str, path: str, body: dict | None = None) -> dict:
            response = http.request(method, path, json=body)
            if response.status_code != 200:
                raise SimulatorsNotReady(f"{method} {path}: {response.status_code} {response.text}")
            return response.json()

        mixin_assets_put(http, ASSETS)
        user_id = str(DEMO_MIXIN_USER_ID)
        call("POST", "/_sim/users", {"full_name": DEMO_MIXIN_USER_NAME, "user_id": user_id})
        balances = call("GET", f"/_sim/users/{user_id}/balances")
        for asset, funds in USER_FUNDS.items():
            held = Decimal(balances.get(str(asset.asset_id), "0"))
            if held < funds:
                call(
                    "POST",
                    f"/_sim/users/{user_id}/credit",
                    {"asset_id": str(asset.asset_id), "amount": str(funds - held)},
                )


@transaction.atomic
def _product_records(*, venue_url: str) -> ExchangeAPIKey:
    exchange = simulated_exchange_put(name=EXCHANGE_NAME, venue_url=venue_url)
    api_key = ExchangeAPIKey.objects.filter(exchange=exchange, label=API_KEY_LABEL).first()
    if api_key is None:
        api_key = api_key_create(
            exchange=exchange, label=API_KEY_LABEL, api_key=VENUE_API_KEY, secret=VENUE_SECRET
        )
    network_mappings_put(exchange=exchange, assets=ASSETS)
    FundsLoopConfig.current()  # the gates at their defaults, as an operator saves them once
    for market in MARKETS:
        base, quote = (ASSET_BY_SYMBOL[s] for s in market.symbol.split("/"))
        trading_pair_put(exchange=exchange, market=market, base=base, quote=quote)
    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME, defaults={"first_name": DEMO_MIXIN_USER_NAME}
    )
    if user.has_usable_password():
        user.set_unusable_password()  # the demo user logs in with Mixin, never a password
        user.save(update_fields=["password"])
    MixinUser.objects.update_or_create(
        mixin_user_id=DEMO_MIXIN_USER_ID,
        defaults={"user": user, "full_name": DEMO_MIXIN_USER_NAME},
    )
    return api_key


def demo_product_seed(*, venue_url: str) -> ExchangeAPIKey:
    """The simulated exchange, its validated key, the pairs and the demo user's login."""
    return api_key_validate_now(api_key=_product_records(venue_url=venue_url))
