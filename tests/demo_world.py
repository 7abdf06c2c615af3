"""The demo's world for tests: both simulators in threads, each the other's peer, set up
by the same code as `manage.py demo_seed`, and the product's settings pointed at them.

Use it from a conftest:  from tests.demo_world import demo_world  # noqa: F401
The test needs database access (a django_db mark) before this fixture runs.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from demo.scenarios import simulators_start_as_peers
from demo.services import (
    DEMO_MIXIN_USER_ID,
    MARKETS,
    demo_mixin_configure,
    demo_product_seed,
    demo_venue_configure,
)
from exchanges.models import ExchangeAPIKey, TradingPair
from simulators.mixin import SimWorld
from simulators.venue.clock import SkippableClock
from simulators.venue.control import SimulatorControl
from simulators.venue.venue import Venue


@dataclass
class DemoWorld:
    venue_url: str
    mixin_url: str
    venue: Venue
    mixin: SimWorld
    api_key: ExchangeAPIKey
    # venue_clock.skip(ms=...) passes the demo's seconds-long deposit and withdrawal delays.
    venue_clock: SkippableClock

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
    clock = SkippableClock()
    simulators = simulators_start_as_peers(settings, seed=5, clock=clock)
    demo_venue_configure(venue_url=simulators.venue_url)
    demo_mixin_configure(mixin_url=simulators.mixin_url)
    control = SimulatorControl(simulators.venue_url)
    for market in MARKETS:  # the agents move only when stepped here: give the books depth
        control.market_step(symbol=market.symbol, rounds=20)
    demo = DemoWorld(
        simulators.venue_url,
        simulators.mixin_url,
        simulators.venue,
        simulators.mixin,
        api_key=None,  # type: ignore[arg-type]
        venue_clock=clock,
    )
    return demo, [simulators.stop]


@pytest.fixture
def demo_world(settings) -> Iterator[DemoWorld]:
    demo, stops = demo_simulators_start(settings)
    demo.api_key = demo_product_seed(venue_url=demo.venue_url)
    yield demo
    for stop in stops:
        stop()
