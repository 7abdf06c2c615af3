"""The order's timeline merges its own events with what the executor recorded about it, in
time order (newest first), one page at a time; the API, the order page and the admin show
it."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from executor.models import ExecutorEvent
from orders.models import OrderEvent
from orders.selectors import order_timeline
from tests.orders.factories import MarketMakingOrderFactory
from tests.orders.pages_helpers import demo_user, xin_order

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(hours=1)


def order_event(order, minute: int, kind: str) -> None:
    event = OrderEvent.objects.create(
        order=order, kind=kind, actor="system:test", reason=kind, trace_id=order.trace_id
    )
    # created_at is set on insert; the test places the event in time.
    OrderEvent.objects.filter(pk=event.pk).update(created_at=START + timedelta(minutes=minute))


def executor_event(order, minute: int, kind: str, count: int = 1) -> None:
    ExecutorEvent.objects.create(
        order=order,
        kind=kind,
        actor="system:executor",
        reason=kind,
        count=count,
        first_at=START + timedelta(minutes=minute),
        last_at=START + timedelta(minutes=minute + count - 1),
        trace_id=order.trace_id,
    )


def events_add(order):
    OrderEvent.objects.filter(order=order).delete()
    for minute in (0, 3, 4, 8):
        order_event(order, minute, f"order-{minute}")
    for minute in (1, 2, 5, 9):
        executor_event(order, minute, f"executor-{minute}")
    executor_event(order, 6, "risk_price_jump", count=2)  # minutes 6 and 7
    return order


@pytest.fixture
def order(presets_seeded):
    return events_add(MarketMakingOrderFactory())


@pytest.fixture
def paid_order(demo_world):
    """An order with its invoice, as the API and the page show it."""
    return events_add(xin_order(demo_world, user=demo_user()))


def kinds(page: dict) -> list[str]:
    return [line["kind"] for line in page["events"]]


def test_both_sources_merge_newest_first(order):
    page = order_timeline(order=order)

    assert kinds(page) == [
        "executor-9",
        "order-8",
        "risk_price_jump",
        "executor-5",
        "order-4",
        "order-3",
        "executor-2",
        "executor-1",
        "order-0",
    ]
    assert page["has_more"] is False
    repeated = page["events"][2]
    assert (repeated["source"], repeated["count"]) == ("executor", 2)
    assert repeated["last_at"] == (START + timedelta(minutes=7)).isoformat()
    assert {line["source"] for line in page["events"] if line["kind"].startswith("order")} == {
        "order"
    }


def test_pages_split_the_merged_timeline_without_gaps_or_repeats(order):
    pages = [order_timeline(order=order, page=n, page_size=4) for n in (1, 2, 3, 4)]

    assert [kinds(p) for p in pages] == [
        ["executor-9", "order-8", "risk_price_jump", "executor-5"],
        ["order-4", "order-3", "executor-2", "executor-1"],
        ["order-0"],
        [],
    ]
    assert [p["has_more"] for p in pages] == [True, True, False, False]


def test_the_api_detail_pages_the_timeline(paid_order):
    order = paid_order
    client = APIClient()
    client.force_authenticate(order.user)
    url = f"/api/v1/market-making/orders/{order.pk}/"

    first = client.get(url).json()
    assert [line["kind"] for line in first["timeline"]][:2] == ["executor-9", "order-8"]
    assert first["timeline_page"] == {"page": 1, "has_more": False}
    assert client.get(url, {"timeline_page": "2"}).json()["timeline"] == []
    refused = client.get(url, {"timeline_page": "0"})
    assert refused.status_code == 400
    assert refused.json()["error"]["detail"] == {"timeline_page": ["A positive whole number."]}


def test_the_order_page_and_the_admin_show_executor_events(paid_order, client, admin_client_user):
    order = paid_order
    client.force_login(order.user)
    page = client.get(reverse("order-page", args=[order.pk])).content.decode()
    # The page's script draws the timeline in words from the detail it is rendered with.
    config = json.loads(re.search(r'id="order-config"[^>]*>(.*?)</script>', page, re.S)[1])
    timeline = config["detail"]["timeline"]
    assert [line["kind"] for line in timeline][:2] == ["executor-9", "order-8"]
    assert {line["kind"]: line["count"] for line in timeline}["risk_price_jump"] == 2
    assert (
        client.get(reverse("order-page", args=[order.pk]), {"timeline_page": "x"}).status_code
        == 404
    )

    client.force_login(admin_client_user)
    admin_page = client.get(f"/admin/orders/marketmakingorder/{order.pk}/change/")
    content = admin_page.content.decode()
    assert "executor-9" in content and "order-0" in content and "×2 until" in content
