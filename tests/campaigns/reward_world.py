"""The HuFi simulator beside the funds loop's world (tests/orders/loop/harness.py): its
exchange `binance` is the venue simulator, its payouts go to the Mixin simulator, and the
product's settings point at it. Shared by the reward end-to-end tests (in-process and on
real workers)."""

import json

import httpx
import pytest

from campaigns.hufi import hufi_client
from campaigns.services.discovery import campaigns_sync
from simulators.hufi.server import start_in_thread as hufi_start
from simulators.hufi.world import HufiWorld
from tests.orders.loop.harness import USDT
from tests.simulators.hufi.conftest import control

REWARD_ASSETS = {"137:USDT": USDT}


@pytest.fixture
def hufi_sim(world, settings):
    url, stop = hufi_start(world=HufiWorld(seed=3, peer_url=world.mixin_url))
    http = httpx.Client(base_url=url, timeout=20)
    control(http, "/_sim/exchanges", {"name": "binance", "api_base_url": world.venue_url})
    token = {"chain_id": 137, "symbol": "USDT", "decimals": 6, "mixin_asset_id": USDT}
    control(http, "/_sim/tokens", token)
    settings.HUFI_LAUNCHER_URL = f"{url}/launcher"
    settings.HUFI_ORACLE_URL = f"{url}/oracle"
    settings.HUFI_REWARD_ASSETS = REWARD_ASSETS
    yield http
    http.close()
    stop()


def hufi_env(settings) -> dict[str, str]:
    """The same settings for a worker process, through its environment."""
    return {
        "HUFI_LAUNCHER_URL": settings.HUFI_LAUNCHER_URL,
        "HUFI_ORACLE_URL": settings.HUFI_ORACLE_URL,
        "HUFI_REWARD_ASSETS": json.dumps(REWARD_ASSETS),
    }


def sync() -> None:
    with hufi_client() as client:
        campaigns_sync(client=client)
