"""A campaign launch against the simulators: the funds loop's world (venue and Mixin
simulators, the product configured against them) plus the HuFi simulator with its chain,
and the steps the launch's jobs run, called in this process."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from rest_framework.test import APIClient

from campaigns.hufi import hufi_client
from campaigns.services.launch_funding import launch_escrow_create, launch_escrow_fund
from campaigns.services.launch_wallet import launch_wallet_get
from simulators.hufi.server import start_in_thread as hufi_start
from simulators.hufi.world import HufiWorld
from tests.orders.loop.harness import USDT
from tests.simulators.hufi.conftest import control

CHAIN = 137


@contextmanager
def hufi_chain_running(settings, *, mixin_url: str, venue_url: str, chain_id: int, asset: str):
    """The HuFi simulator paying the Mixin simulator, with the venue as `binance`, USDT on
    `chain_id` carried by Mixin as `asset`, and the product's settings pointed at it."""
    url, stop = hufi_start(world=HufiWorld(seed=7, peer_url=mixin_url))
    http = httpx.Client(base_url=url, timeout=20)
    control(http, "/_sim/exchanges", {"name": "binance", "api_base_url": venue_url})
    token = {"chain_id": chain_id, "symbol": "USDT", "decimals": 6, "mixin_asset_id": asset}
    control(http, "/_sim/tokens", token)
    settings.HUFI_LAUNCHER_URL = f"{url}/launcher"
    settings.HUFI_ORACLE_URL = f"{url}/oracle"
    settings.HUFI_CHAIN_URL = f"{url}/chain"
    settings.HUFI_REWARD_ASSETS = {f"{chain_id}:USDT": asset}
    settings.HUFI_TOKEN_DECIMALS = {f"{chain_id}:USDT": 6}
    try:
        yield http
    finally:
        http.close()
        stop()


@pytest.fixture
def hufi_chain(world, settings):
    with hufi_chain_running(
        settings, mixin_url=world.mixin_url, venue_url=world.venue_url, chain_id=CHAIN, asset=USDT
    ) as http:
        yield http


def form(**fields) -> dict:
    start = datetime.now(UTC) + timedelta(minutes=5)
    return {
        "type": "MARKET_MAKING",
        "exchange": "binance",
        "pair": "XIN/USDT",
        "daily_volume_target": "1000",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=3)).isoformat(),
        "chain_id": CHAIN,
        "fund_token": "USDT",
        "fund_amount": "30",
        "funding_method": "mixin",
        **fields,
    }


def create(user, key: str | None = None, **fields):
    api = APIClient()
    api.force_authenticate(user)
    headers = {"Idempotency-Key": key} if key else {}
    return api.post("/api/v1/campaigns/", form(**fields), format="json", headers=headers)


def escrow_step(launch_id) -> str:
    with hufi_client() as client:
        return launch_escrow_create(launch_id=launch_id, client=client)


def fund_step(launch_id) -> str:
    with hufi_client() as client:
        return launch_escrow_fund(launch_id=launch_id, client=client)


def stock_launch_wallet(hufi_chain, amount: str) -> str:
    address = launch_wallet_get().address
    control(
        hufi_chain,
        "/_sim/chain/mint",
        {"chain_id": CHAIN, "token": "USDT", "address": address, "amount": amount},
    )
    return address


def chain_state(hufi_chain) -> dict:
    return hufi_chain.get("/_sim/state").json()


def transfers_from(hufi_chain, address: str) -> int:
    """Counted on the simulator: how many transfers the chain executed from `address`."""
    transfers = chain_state(hufi_chain)["chain_transfers"]
    return sum(t["from"].lower() == address.lower() for t in transfers)
