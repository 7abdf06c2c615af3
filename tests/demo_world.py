"""The demo's world for tests: both simulators in threads, each the other's peer, set up
by the same code as `manage.py demo_seed`, and the product's settings pointed at them.

Use it from a conftest:  from tests.demo_world import demo_world  # noqa: F401
The test needs database access (a django_db mark) before this fixture runs.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from demo.services import (
    DEMO_MIXIN_USER_ID,
    MARKETS,
    demo_mixin_configure,
    demo_product_seed,
    demo_venue_configure,
)
from exchanges.models import ExchangeAPIKey, TradingPair
from simulators.mixin import BotIdentity, SimWorld
from simulators.mixin import start_in_thread as start_mixin
from simulators.venue.control import SimulatorControl
from simulators.venue.server import start_in_thread as start_venue
from simulators.venue.venue import Venue
from wallet.keystore import generate_keystore_json, keystore_from_json


@dataclass
class DemoWorld:
    venue_url: str
    mixin_url: str
    venue: Venue
    mixin: SimWorld
    api_key: ExchangeAPIKey

    @property
    def venue_control(self) -> SimulatorControl:
        return SimulatorControl(self.venue_url)

    def mixin_control(self, method: str, path: str, body: object = None) -> dict:
        response = httpx.request(method, self.mixin_url + path, json=body, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def pair(self, symbol: str) -> TradingPair:
        return TradingPair.objects.get(exchange=self.api_key.exchange, symbol=symbol)

    def demo_user_balances(self) -> dict:
        return self.mixin_control("GET", f"/_sim/users/{DEMO_MIXIN_USER_ID}/balances")


def demo_simulators_start(settings) -> tuple[DemoWorld, list]:
    keystore = keystore_from_json(generate_keystore_json(), source="test")
    venue = Venue(seed=5)
    venue_url, stop_venue = start_venue(venue=venue, agent_interval_s=0)
    world = SimWorld(BotIdentity.from_keystore(keystore), peer_url=venue_url)
    mixin_url, stop_mixin = start_mixin(world)
    venue.peer_url = mixin_url  # known only now: both listen on ephemeral ports
    settings.MIXIN_KEYSTORE = keystore
    settings.MIXIN_API_BASE = mixin_url
    settings.MIXIN_OAUTH_BASE = mixin_url
    settings.MIXIN_HTTP_TIMEOUT_MS = 3000
    demo_venue_configure(venue_url=venue_url)
    demo_mixin_configure(mixin_url=mixin_url)
    control = SimulatorControl(venue_url)
    for market in MARKETS:  # the agents move only when stepped here: give the books depth
        control.market_step(symbol=market.symbol, rounds=20)
    demo = DemoWorld(venue_url, mixin_url, venue, world, api_key=None)  # type: ignore[arg-type]
    return demo, [stop_mixin, stop_venue]


@pytest.fixture
def demo_world(settings) -> Iterator[DemoWorld]:
    demo, stops = demo_simulators_start(settings)
    demo.api_key = demo_product_seed(venue_url=demo.venue_url)
    yield demo
    for stop in stops:
        stop()
