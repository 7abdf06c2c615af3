"""The chaos switch of both simulators (POST /_sim/chaos): a share of the API calls fail in
each of the ways real services fail, the control API never does, and the injected faults
are counted in /_sim/state."""

from collections import Counter

import httpx
import pytest

from tests.exchanges.venue_fixtures import venue_clock, venue_url  # noqa: F401 - fixtures
from tests.wallet.conftest import keystore, mixin_sim  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def outcome(call) -> str:
    try:
        return str(call().status_code)
    except httpx.ReadTimeout:
        return "timeout"
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError):
        return "closed"


def test_venue_chaos_fails_a_share_of_calls_in_every_way(venue_url):  # noqa: F811
    http = httpx.Client(base_url=venue_url, timeout=2)
    setting = {"rate": 0.5, "seed": 3, "delay_ms": 50}
    assert http.post("/_sim/chaos", json=setting).json()["rate"] == 0.5
    seen = Counter(
        outcome(lambda: httpx.get(f"{venue_url}/api/v3/time", timeout=2)) for _ in range(80)
    )
    state = http.get("/_sim/state").json()
    assert state["chaos"]["calls"] == 80
    injected = state["chaos"]["injected"]
    assert set(injected) == {"timeout", "http_500", "rate_limit", "disconnect"}
    assert seen["500"] == injected["http_500"] and seen["429"] == injected["rate_limit"]
    assert seen["closed"] == injected["timeout"] + injected["disconnect"]
    assert seen["200"] == 80 - sum(injected.values())
    # The control API is never hit, and rate 0 switches it off.
    assert http.post("/_sim/chaos", json={"rate": 0}).status_code == 200
    assert all(httpx.get(f"{venue_url}/api/v3/time").status_code == 200 for _ in range(10))
    assert http.post("/_sim/chaos", json={"rate": 2}).status_code == 400
    assert http.post("/_sim/chaos", json={"rate": 0.1, "kinds": ["meteor"]}).status_code == 400


def test_mixin_chaos_fails_a_share_of_calls_in_every_way(mixin_sim):  # noqa: F811
    mixin_sim.control("POST", "/_sim/chaos", {"rate": 0.5, "seed": 5, "delay_ms": 50})
    seen = Counter(outcome(lambda: httpx.get(f"{mixin_sim.url}/me", timeout=2)) for _ in range(80))
    state = mixin_sim.state()
    injected = state["chaos"]["injected"]
    assert set(injected) == {"timeout", "http_500", "rate_limit", "disconnect"}
    assert seen["500"] == injected["http_500"] and seen["429"] == injected["rate_limit"]
    assert seen["closed"] == injected["timeout"] + injected["disconnect"]
    assert seen["401"] == 80 - sum(injected.values())  # unsigned: the API's own answer
    mixin_sim.control("POST", "/_sim/chaos", {"rate": 0})
    assert [httpx.get(f"{mixin_sim.url}/me").status_code for _ in range(5)] == [401] * 5
    refused = mixin_sim.http.post("/_sim/chaos", json={"rate": -1})
    assert refused.json()["error"]["code"] == 10002
