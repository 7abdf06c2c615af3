"""The create page and the API calls its script makes: the pair's market through the
pair market API, the dry run, and the order itself through the order API (no form post)."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import MarketMakingOrder
from tests.orders.pages_helpers import demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_client(client, demo_world):
    client.force_login(demo_user())
    return client


def _config(page: str) -> dict:
    return json.loads(re.search(r'id="create-config"[^>]*>(.*?)</script>', page, re.S)[1])


def test_the_page_offers_each_pair_with_its_chains_and_each_preset_with_its_fields(
    demo_client,
):
    page = demo_client.get(reverse("order-create")).content.decode()
    assert "XIN/USDT" in page and "BTC/USDT" in page
    assert "/static/chains/bitcoin.svg" in page and "XIN on Ethereum" in page
    assert "/static/chains/unknown.svg" not in page
    config = _config(page)
    assert config["createUrl"] == reverse("market-making-orders")
    stable = next(p for p in config["presets"] if p["name"] == "stable-depth")
    first = [f["name"] for f in stable["fields"]["first"]]
    assert first[0] == "order_amount"  # what the user must set comes first
    spread = next(f for f in stable["fields"]["first"] if f["name"] == "bid_spread")
    assert (spread["unit"], spread["percent"], spread["default"]) == ("%", True, "0.003")
    advanced = {f["name"] for f in stable["fields"]["advanced"]}
    assert "price_type" in advanced and not advanced & set(first)
    assert 'method="post"' not in page.split("<main>")[1].split("</main>")[0].replace(
        'method="post" action="/logout/"', ""
    )


def _create(client, world, *, overrides: dict, base: str, quote: str):
    """The order API call the create page's script makes."""
    return client.post(
        reverse("market-making-orders"),
        {
            "pair_id": world.pair("XIN/USDT").pk,
            "strategy": {"preset": "stable-depth", "overrides": overrides},
            "base_amount": base,
            "quote_amount": quote,
        },
        content_type="application/json",
    )


def test_the_order_api_creates_the_order_the_page_sends(demo_client, demo_world):
    response = _create(
        demo_client, demo_world, overrides={"order_amount": "0.2"}, base="2", quote="300"
    )
    assert response.status_code == 201
    order = MarketMakingOrder.objects.get()
    assert (order.base_amount, order.quote_amount) == (Decimal(2), Decimal(300))
    assert order.user == demo_user()


def test_the_dry_run_previews_quotes_against_the_pairs_current_book(demo_client, demo_world):
    pair = demo_world.pair("XIN/USDT")
    market = demo_client.get(reverse("market-making-pair-market", args=[pair.pk])).json()
    book = demo_world.venue_control.call("GET", "/api/v3/depth?symbol=XINUSDT&limit=20")
    assert market["bids"][0] == [str(Decimal(book["bids"][0][0])), str(Decimal(book["bids"][0][1]))]
    assert (market["tick_size"], market["step_size"]) == ("0.01", "0.001")

    preview = demo_client.post(
        reverse("strategy-preview"),
        {
            "preset": "stable-depth",
            "overrides": {"order_amount": "0.2"},
            "market": market,
            "balances": {"base": "2", "quote": "300"},
        },
        content_type="application/json",
    ).json()
    assert {quote["side"] for quote in preview["orders"]} == {"buy", "sell"}


def test_the_market_of_an_unknown_pair_is_a_404_in_the_error_shape(demo_client):
    response = demo_client.get(reverse("market-making-pair-market", args=[999999]))
    assert response.status_code == 404
    assert response.json()["error"]["code"]


def test_every_mistake_of_the_request_is_reported_at_once(demo_client, demo_world):
    # Under the pair's minimum, negative, a spread of 200 % and the required size missing.
    response = _create(
        demo_client, demo_world, overrides={"bid_spread": "2"}, base="0.01", quote="-1"
    )
    assert response.status_code == 400
    detail = response.json()["error"]["detail"]
    assert set(detail) == {"base_amount", "quote_amount", "bid_spread", "order_amount"}
    assert detail["base_amount"] == ["must be at least 0.1"]
    assert not MarketMakingOrder.objects.exists()
