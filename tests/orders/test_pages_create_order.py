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


def test_the_form_offers_each_pair_with_its_chain_icons_and_each_preset_with_its_rationale(
    demo_client,
):
    page = demo_client.get(reverse("order-create")).content.decode()
    assert "XIN/USDT" in page and "BTC/USDT" in page
    assert "/static/chains/bitcoin.svg" in page
    assert "/static/chains/ethereum.svg" in page
    assert "/static/chains/unknown.svg" not in page
    assert "stable-depth" in page and "market-cap-defense" in page
    assert 'name="override_order_amount"' in page


def test_submitting_the_form_creates_the_order_and_opens_its_payment_page(demo_client, demo_world):
    response = demo_client.post(
        reverse("order-create"),
        {
            "pair": demo_world.pair("XIN/USDT").pk,
            "preset": "stable-depth",
            "base_amount": "2",
            "quote_amount": "300",
            "override_order_amount": "0.2",
            "override_order_levels": "3",
        },
    )
    order = MarketMakingOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("order-pay", args=[order.pk])
    assert (order.base_amount, order.quote_amount) == (Decimal(2), Decimal(300))
    assert order.strategy_overrides == {"order_amount": "0.2", "order_levels": "3"}
    assert order.user == demo_user()


def test_the_services_refusal_is_shown_next_to_the_field_it_is_about(demo_client, demo_world):
    response = demo_client.post(
        reverse("order-create"),
        {
            "pair": demo_world.pair("XIN/USDT").pk,
            "preset": "stable-depth",
            "base_amount": "0.01",  # under the pair's minimum of 0.1
            "quote_amount": "300",
            "override_order_amount": "0.2",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    [message] = form.errors["base_amount"]
    assert message.startswith("must be at least 0.1")
    assert not MarketMakingOrder.objects.exists()


def test_a_missing_required_override_is_shown_and_nothing_is_created(demo_client, demo_world):
    response = demo_client.post(
        reverse("order-create"),
        {
            "pair": demo_world.pair("XIN/USDT").pk,
            "preset": "stable-depth",
            "base_amount": "2",
            "quote_amount": "300",
        },
    )
    assert response.status_code == 200
    assert "order_amount" in str(response.context["form"].errors)
    assert not MarketMakingOrder.objects.exists()


def test_the_dry_run_previews_quotes_against_the_pairs_current_book(demo_client, demo_world):
    pair = demo_world.pair("XIN/USDT")
    market = demo_client.get(reverse("pair-market", args=[pair.pk])).json()
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
    sides = {quote["side"] for quote in preview["orders"]}
    assert sides == {"buy", "sell"}
    best_bid, best_ask = Decimal(market["bids"][0][0]), Decimal(market["asks"][0][0])
    for quote in preview["orders"]:
        price = Decimal(quote["price"])
        assert price < best_ask if quote["side"] == "buy" else price > best_bid


def test_the_book_of_an_unknown_pair_is_a_404(demo_client):
    assert demo_client.get(reverse("pair-market", args=[999999])).status_code == 404
