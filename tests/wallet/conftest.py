import uuid
from decimal import Decimal

import httpx
import pytest

from mixin_kernel.invoice import PayRequest
from simulators.mixin import BotIdentity, SimWorld, start_in_thread
from wallet.client import MixinClient
from wallet.keystore import generate_keystore_json, keystore_from_json


class Simulator:
    """A running Mixin simulator and its control API, as a test talks to it."""

    def __init__(self, url: str, world: SimWorld) -> None:
        self.url = url
        self.world = world
        self.http = httpx.Client(base_url=url, timeout=10)

    def control(self, method: str, path: str, body: object = None) -> dict:
        response = self.http.request(method, path, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def user(self, full_name: str = "Payer", **balances: str) -> str:
        user_id = self.control("POST", "/_sim/users", {"full_name": full_name})["user_id"]
        for asset_id, amount in balances.items():
            self.credit(user_id, asset_id, amount)
        return user_id

    def credit(self, user_id: str, asset_id: str, amount: str) -> dict:
        return self.control(
            "POST", f"/_sim/users/{user_id}/credit", {"asset_id": asset_id, "amount": amount}
        )

    def pay(self, payer_id: str, url: str) -> list[str]:
        return self.control("POST", "/_sim/pay", {"payer_id": payer_id, "url": url})["snapshot_ids"]

    def fund_bot(self, asset_id: str, amount: str, memo: str = "") -> str:
        """A fresh user pays the bot `amount` of `asset_id`; returns the snapshot id."""
        payer = self.user("Funder", **{asset_id: amount})
        url = PayRequest(
            recipient_id=self.world.bot.app_id,
            asset_id=asset_id,
            amount=Decimal(amount),
            trace_id=str(uuid.uuid4()),
            memo=memo,
        ).url()
        return self.pay(payer, url)[0]

    def register_asset(self, **fields: str) -> dict:
        return self.control("POST", "/_sim/assets", fields)

    def fault(self, **spec: object) -> None:
        self.control("POST", "/_sim/faults", spec)

    def state(self) -> dict:
        return self.control("GET", "/_sim/state")


@pytest.fixture
def keystore():
    return keystore_from_json(generate_keystore_json(), source="test")


@pytest.fixture
def mixin_sim(keystore):
    world = SimWorld(BotIdentity.from_keystore(keystore))
    url, stop = start_in_thread(world)
    simulator = Simulator(url, world)
    yield simulator
    simulator.http.close()
    stop()


@pytest.fixture
def wallet_settings(settings, keystore, mixin_sim):
    """Point the product's Mixin settings at the simulator, with a short HTTP timeout."""
    settings.MIXIN_KEYSTORE = keystore
    settings.MIXIN_API_BASE = mixin_sim.url
    settings.MIXIN_OAUTH_BASE = mixin_sim.url
    settings.MIXIN_HTTP_TIMEOUT_MS = 1000
    return settings


@pytest.fixture
def mixin(keystore, mixin_sim):
    client = MixinClient(base_url=mixin_sim.url, keystore=keystore, timeout_seconds=1)
    yield client
    client.close()
