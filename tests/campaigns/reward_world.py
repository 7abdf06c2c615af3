"""The HuFi simulator beside the funds loop's world (tests/orders/loop/harness.py): its
exchange `binance` is the venue simulator, its payouts go to the Mixin simulator, and the
product's settings point at it. Shared by the reward end-to-end tests (in-process and on
real workers)."""

import json
from decimal import Decimal

import httpx
import pytest

from campaigns.hufi import hufi_client
from campaigns.services.discovery import campaigns_sync
from demo.scenarios import api_key_validate_now
from exchanges.models import ExchangeAPIKey
from exchanges.services import api_key_create
from simulators.hufi.server import start_in_thread as hufi_start
from simulators.hufi.world import HufiWorld
from tests.orders.loop.harness import USDT, USDT_ASSET
from tests.simulators.hufi.conftest import control, mm_manifest
from wallet.client import mixin_client
from wallet.services.deposits import deposit_entry_for_chain

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


def campaign_create(hufi_sim: httpx.Client) -> dict:
    """A market-making campaign on the world's exchange and pair, funded with 900 USDT."""
    return control(
        hufi_sim,
        "/_sim/campaigns",
        {"chain_id": 137, "fund_token": "USDT", "fund_amount": "900", "manifest": mm_manifest()},
    )


def read_only_key(world) -> ExchangeAPIKey:
    """What the operator adds for HuFi: a read-only key to the order's exchange account,
    validated."""
    read = world.venue.account_key_add(api_key=world.venue_api_key, permissions=["read"])
    return api_key_validate_now(
        api_key=api_key_create(
            exchange=world.exchange,
            label="hufi-read",
            api_key=read["api_key"],
            secret=read["secret"],
            permission=ExchangeAPIKey.Permission.READ,
        )
    )


def cycle_paid(hufi_sim: httpx.Client, *, campaign: dict, identity_address: str) -> Decimal:
    """HuFi scores the cycle and pays the node's identity at its Mixin deposit address for
    USDT; the reward it delivered."""
    with mixin_client() as client:
        entry = deposit_entry_for_chain(chain_id=USDT_ASSET.chain_id, client=client)
    control(
        hufi_sim,
        f"/_sim/users/{identity_address}/payout-address",
        {"payout_address": entry.destination},
    )
    cycle = control(hufi_sim, f"/_sim/campaigns/137-{campaign['address']}/advance")
    (transfer,) = cycle["transfers"]
    assert transfer["status"] == "delivered", transfer
    return Decimal(transfer["amount"])
