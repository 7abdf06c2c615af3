import pytest

from orders.models import StrategyPreset
from orders.services import strategy_config_freeze

pytestmark = pytest.mark.django_db

MARKET = {
    "bids": [["99.9", "5"]],
    "asks": [["100.1", "5"]],
    "last_price": "100",
    "tick_size": "0.01",
    "step_size": "0.01",
    "min_notional": "1",
}
URL = "/api/v1/market-making/strategy-preview/"


def test_both_endpoints_need_a_signed_in_user(client):
    assert client.get("/api/v1/market-making/presets/").status_code in (401, 403)
    response = client.post(URL, {}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_preset_list_shows_rationale_and_parameter_bounds(api_admin):
    body = api_admin.get("/api/v1/market-making/presets/").json()
    assert [p["name"] for p in body["presets"]] == [
        "stable-depth",
        "high-volatility",
        "market-cap-defense",
        "low-maintenance",
    ]
    defense = body["presets"][2]
    assert defense["required_overrides"] == ["order_amount", "price_floor"]
    assert "floor" in defense["rationale"]
    bounds = {entry["name"]: entry for entry in body["parameters"]}
    assert bounds["order_levels"]["maximum"] == 20


def test_a_disabled_preset_is_not_offered(api_admin):
    StrategyPreset.objects.filter(name="low-maintenance").update(enabled=False)
    names = [p["name"] for p in api_admin.get("/api/v1/market-making/presets/").json()["presets"]]
    assert "low-maintenance" not in names
    response = api_admin.post(
        URL, {"preset": "low-maintenance", "overrides": {}, "market": MARKET}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["detail"] == {"preset": ["Unknown or disabled preset."]}


def test_a_preset_with_overrides_previews_its_quotes_and_the_hash_it_would_store(api_admin):
    response = api_admin.post(
        URL,
        {
            "preset": "stable-depth",
            "overrides": {"order_amount": 2, "order_levels": 2},
            "market": MARKET,
            "balances": {"base": "10", "quote": "1000"},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["reference_price"] == "100"
    assert body["orders"] == [
        {"side": "buy", "price": "99.7", "amount": "2", "level": 0},
        {"side": "buy", "price": "99.5", "amount": "2", "level": 1},
        {"side": "sell", "price": "100.3", "amount": "2", "level": 0},
        {"side": "sell", "price": "100.5", "amount": "2", "level": 1},
    ]
    assert body["dropped"] == []
    preset = StrategyPreset.objects.get(name="stable-depth")
    expected = strategy_config_freeze(
        preset=preset, overrides={"order_amount": "2", "order_levels": 2}
    )
    assert body["config_hash"] == expected.sha256
    assert body["params"]["order_levels"] == 2 and body["params"]["bid_spread"] == "0.003"


def test_json_numbers_are_read_exactly(api_admin):
    response = api_admin.post(
        URL,
        {
            "overrides": {"bid_spread": 0.1, "ask_spread": 0.1, "order_amount": 0.3},
            "market": MARKET,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["orders"][0] == {
        "side": "buy",
        "price": "90",
        "amount": "0.3",
        "level": 0,
    }


def test_bad_overrides_name_their_fields(api_admin):
    response = api_admin.post(
        URL,
        {"preset": "market-cap-defense", "overrides": {"order_levels": 99}, "market": MARKET},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_strategy_params"
    assert set(error["detail"]) == {"order_levels", "order_amount", "price_floor"}


def test_a_bad_market_is_refused_with_its_fields(api_admin):
    broken = {**MARKET, "tick_size": "0", "bids": [["100.2", "1"]]}
    response = api_admin.post(
        URL,
        {"preset": "stable-depth", "overrides": {"order_amount": "1"}, "market": broken},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_market"
    assert set(error["detail"]) == {"tick_size", "bids"}


def test_the_endpoints_are_in_the_api_schema(client, db):
    schema = client.get("/api/schema/").content
    assert b"/api/v1/market-making/strategy-preview/" in schema
    assert b"/api/v1/market-making/presets/" in schema
