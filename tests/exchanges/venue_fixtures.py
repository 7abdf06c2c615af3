"""Fixtures around the venue simulator, reusable by every app's tests. To use them in
another app, import them into that app's conftest.py:

    from tests.exchanges.venue_fixtures import venue_control, venue_trader, venue_url  # noqa: F401

venue_clock        its clock: venue_clock.skip(ms=...) passes deposit and withdrawal delays
venue_url          a fresh simulator on an ephemeral port (agents move only when stepped)
venue_control      SimulatorControl for it (accounts, credits, markets, faults, chain)
xin_usdt           the XIN/USDT market on it: tick 0.01, step 0.001, min notional 1, no agents
venue_trader       factory: venue_trader(permissions=..., XIN="10", USDT="1000") -> Trader
                   (its simulator key, a ccxt.binance client and a CcxtGateway)
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import ccxt
import pytest

from demo import scenarios
from demo.scenarios import binance_client, control_account_open, venue_market_open
from exchanges.gateway import CcxtGateway
from simulators.venue.clock import SkippableClock
from simulators.venue.control import SimulatorControl
from simulators.venue.server import start_in_thread
from simulators.venue.venue import Venue

XIN_USDT = scenarios.XIN_USDT.symbol


@dataclass
class Trader:
    api_key: str
    secret: str
    ccxt: ccxt.binance
    gateway: CcxtGateway


@pytest.fixture
def venue_clock() -> SkippableClock:
    return SkippableClock()


@pytest.fixture
def venue_url(venue_clock: SkippableClock) -> Iterator[str]:
    url, stop = start_in_thread(venue=Venue(seed=7, clock=venue_clock), agent_interval_s=0)
    yield url
    stop()


@pytest.fixture
def venue_control(venue_url: str) -> SimulatorControl:
    return SimulatorControl(venue_url)


@pytest.fixture
def xin_usdt(venue_control: SimulatorControl) -> str:
    venue_market_open(venue_control, scenarios.XIN_USDT, agents=False)
    return XIN_USDT


@pytest.fixture
def venue_trader(venue_url: str, venue_control: SimulatorControl) -> Callable[..., Trader]:
    def make(
        permissions: tuple[str, ...] = ("read", "trade", "withdraw"),
        timeout_ms: int = 5000,
        **credits: str,
    ) -> Trader:
        account = control_account_open(
            venue_control, label="trader", permissions=permissions, credits=credits
        )
        client = binance_client(
            venue_url, account["api_key"], account["secret"], timeout_ms=timeout_ms
        )
        return Trader(account["api_key"], account["secret"], client, CcxtGateway(client))

    return make
