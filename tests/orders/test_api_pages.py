"""The reads the pages draw from: each has a declared response schema, answers only the
order's owner, and says what the ledger and the executor hold."""

import uuid

import pytest
from django.urls import reverse

from core.money import decimal_text
from orders.models import MarketMakingOrder
from tests.orders.pages_helpers import demo_user, xin_order

pytestmark = pytest.mark.django_db


def test_the_pages_reads_have_response_schemas(client, demo_world):
    client.force_login(demo_user())
    schema = client.get(reverse("schema") + "?format=json").json()
    for path in (
        "/api/v1/market-making/pairs/{pair_id}/market/",
        "/api/v1/market-making/orders/{order_id}/activity/",
        "/api/v1/market-making/orders/{order_id}/result/",
        "/api/v1/market-making/orders/{order_id}/series/",
        "/api/v1/market-making/orders/{order_id}/pnl/",
    ):
        answer = schema["paths"][path]["get"]["responses"]["200"]
        assert answer["content"]["application/json"]["schema"]["$ref"], path


def test_a_new_orders_activity_and_result_are_empty_in_their_shapes(client, demo_world):
    order = xin_order(demo_world)
    client.force_login(demo_user())
    activity = client.get(reverse("market-making-order-activity", args=[order.pk])).json()
    assert activity["open_quotes"] == [] and activity["fills"] == []
    assert activity["series"] == {"time": [], "bid": [], "ask": [], "mid": [], "fills": []}
    assert activity["pair"]["price_precision"] == order.pair.price_precision
    result = client.get(reverse("market-making-order-result", args=[order.pk])).json()
    assert {row["paid_in"] for row in result["assets"]} == {"0"}
    assert result["payouts"] == []
    assert result["asset_display"][str(order.pair.base_asset_id)]["symbol"] == "XIN"


def test_someone_elses_order_is_not_found(client, demo_world, django_user_model):
    order = xin_order(demo_world)
    client.force_login(django_user_model.objects.create_user("someone-else"))
    for name in ("market-making-order-activity", "market-making-order-result"):
        assert client.get(reverse(name, args=[order.pk])).status_code == 404
        assert client.get(reverse(name, args=[uuid.uuid4()])).status_code == 404


def test_the_invoice_quote_is_the_invoice_the_order_then_gets(client, demo_world):
    client.force_login(demo_user())
    body = {
        "pair_id": demo_world.pair("XIN/USDT").pk,
        "strategy": {"preset": "stable-depth", "overrides": {"order_amount": "0.2"}},
        "base_amount": "2",
        "quote_amount": "300",
    }
    quote = client.post(reverse("market-making-invoice-quote"), body, "application/json").json()
    assert not MarketMakingOrder.objects.exists()  # a quote stores nothing
    order_id = client.post(reverse("market-making-orders"), body, "application/json").json()["id"]
    entries = MarketMakingOrder.objects.get(pk=order_id).payment_entries.all()
    assert quote["lines"] == [
        {"purpose": e.purpose, "asset_id": str(e.asset_id), "amount": decimal_text(e.amount_due)}
        for e in entries
    ]
    assert {t["asset_id"] for t in quote["totals"]} == {str(e.asset_id) for e in entries}


def test_the_invoice_quote_refuses_what_the_order_api_refuses(client, demo_world):
    client.force_login(demo_user())
    body = {
        "pair_id": demo_world.pair("XIN/USDT").pk,
        "strategy": {"preset": "stable-depth", "overrides": {}},
        "base_amount": "0.01",
        "quote_amount": "300",
    }
    answer = client.post(reverse("market-making-invoice-quote"), body, "application/json")
    assert answer.status_code == 400
    assert set(answer.json()["error"]["detail"]) == {"base_amount", "order_amount"}


@pytest.mark.django_db(transaction=True)
def test_the_fills_table_is_paged_newest_first(monkeypatch):
    from rest_framework.test import APIClient

    from executor.models import ExchangeFill
    from orders import order_activity
    from tests.reports.world import traded_order

    monkeypatch.setattr(order_activity, "FILLS_PER_PAGE", 2)
    _, order = traded_order()
    client = APIClient()
    client.force_authenticate(order.user)
    url = reverse("market-making-order-activity", args=[order.pk])
    newest_first = [
        f.trade_id
        for f in ExchangeFill.objects.filter(tracked_order__order=order).order_by(
            "-traded_at", "-id"
        )
    ]
    first, second = (client.get(f"{url}?fills_page={n}").json() for n in (1, 2))

    assert [f["trade_id"] for f in first["fills"]] == newest_first[:2]
    assert first["fills_page"] == {"page": 1, "has_more": True}
    assert [f["trade_id"] for f in second["fills"]] == newest_first[2:] != []
    assert second["fills_page"] == {"page": 2, "has_more": False}
    refused = client.get(f"{url}?fills_page=0")
    assert refused.status_code == 400 and "fills_page" in refused.json()["error"]["detail"]
