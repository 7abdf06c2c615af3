"""The lifecycle, PnL and report endpoints: the owner reads them, a stranger does not until
the owner makes the order's proof public; every exchange order, fill and event is listed
with its ids, reason and trace id."""

import json

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from executor.models import CancelReason, ExchangeFill, TrackedOrder
from executor.services import executor_order_cancel_all
from orders.models import OrderEvent
from orders.services.lifecycle import order_event_record
from reports.bundle.verify import bundle_problems
from reports.keys import report_public_key
from reports.public_proof import published_proof_build
from tests.reports.world import traded_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sent_tasks")]


def client_of(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def exited_order():
    market, order = traded_order()
    order_event_record(
        order=order,
        kind="transition",
        actor="user:1",
        from_state="running",
        to_state="exit_requested",
        reason="exit requested by the user",
    )
    executor_order_cancel_all(
        order_id=order.pk,
        reason="exit",
        stop_quoting=True,
        gateway_for=market.gateway_for,
        now=market.now,
    )
    return order


def lifecycle_all(client, order):
    lines, page = [], 1
    while True:
        body = client.get(f"/api/v1/market-making/orders/{order.pk}/lifecycle/?page={page}").json()
        lines += body["events"]
        if not body["has_more"]:
            return lines
        page += 1


def test_the_lifecycle_lists_exchange_orders_fills_and_events_with_their_ids():
    order = exited_order()
    lines = lifecycle_all(client_of(order.user), order)
    assert [line["at"] for line in lines] == sorted(line["at"] for line in lines)
    placed = [line for line in lines if line["kind"] == "placed"]
    assert len(placed) == TrackedOrder.objects.filter(order=order).count()
    assert all(line["client_order_id"].startswith("mm") for line in placed)
    fills = [line for line in lines if line["source"] == "fill"]
    assert {line["trade_id"] for line in fills} == set(
        ExchangeFill.objects.values_list("trade_id", flat=True)
    )
    assert all(line["exchange_order_id"] for line in fills)
    cancelled = [line for line in lines if line["kind"] == "cancelled"]
    assert cancelled and {line["reason"] for line in cancelled} <= set(CancelReason)
    assert CancelReason.EXIT in {line["reason"] for line in cancelled}
    kinds = {line["kind"] for line in lines if line["source"] == "executor"}
    assert {"executor_registered", "quotes_cancelled"} <= kinds
    transitions = [line for line in lines if line["source"] == "order"]
    assert [(t["from"], t["to"]) for t in transitions] == [("running", "exit_requested")]
    exit_at = transitions[0]["at"]
    assert all(line["at"] >= exit_at for line in cancelled)  # the exit, then its cancels
    assert all(line["trace_id"] for line in lines)


def test_pages_split_the_lifecycle_without_losing_or_repeating_a_line():
    order = exited_order()
    client = client_of(order.user)
    whole = client.get(f"/api/v1/market-making/orders/{order.pk}/lifecycle/?page=1").json()
    everything = whole["events"]
    from reports.lifecycle import order_lifecycle

    paged = []
    page = 1
    while True:
        body = order_lifecycle(order=order, page=page, page_size=3)
        paged += body["events"]
        if not body["has_more"]:
            break
        page += 1
    assert paged == everything and page > 2
    bad = client.get(f"/api/v1/market-making/orders/{order.pk}/lifecycle/?page=0")
    assert bad.status_code == 400 and bad.json()["error"]["detail"] == {
        "page": ["A positive whole number."]
    }


def test_a_stranger_sees_nothing_until_the_owner_makes_the_proof_public():
    _, order = traded_order()
    stranger = client_of(get_user_model().objects.create(username="stranger"))
    anonymous = client_of()
    for suffix in ("report/", "lifecycle/", "pnl/"):
        url = f"/api/v1/market-making/orders/{order.pk}/{suffix}"
        assert stranger.get(url).status_code == 404
        assert anonymous.get(url).status_code == 404
    assert (
        stranger.post(
            f"/api/v1/market-making/orders/{order.pk}/proof/", {"public": True}, format="json"
        ).status_code
        == 404
    )

    owner = client_of(order.user)
    answer = owner.post(
        f"/api/v1/market-making/orders/{order.pk}/proof/", {"public": True}, format="json"
    )
    assert answer.json() == {"id": str(order.pk), "proof_public": True}
    event = OrderEvent.objects.get(order=order, kind="proof_visibility")
    assert event.actor == f"user:{order.user.pk}" and event.data == {"from": False, "to": True}

    # A visitor downloads the stored bundle of the published window (the worker builds it).
    published_proof_build(order=order)
    report = anonymous.get(f"/api/v1/market-making/orders/{order.pk}/report/")
    assert report.status_code == 200
    assert bundle_problems(report.content, public_key=report_public_key()) == []
    assert report["X-Report-SHA256"] == json.loads(report.content)["sha256"]
    assert anonymous.get(f"/api/v1/market-making/orders/{order.pk}/pnl/").status_code == 200
    # The CSV zip is built on request: its owner's alone.
    csv_url = f"/api/v1/market-making/orders/{order.pk}/report/?export=csv"
    assert anonymous.get(csv_url).status_code == 403
    assert owner.get(csv_url)["Content-Type"] == "application/zip"

    owner.post(f"/api/v1/market-making/orders/{order.pk}/proof/", {"public": False}, format="json")
    assert anonymous.get(f"/api/v1/market-making/orders/{order.pk}/report/").status_code == 404


def test_a_bad_window_is_a_400_and_the_key_is_published():
    _, order = traded_order()
    owner = client_of(order.user)
    url = f"/api/v1/market-making/orders/{order.pk}/report/"
    assert owner.get(url, {"from": "yesterday"}).status_code == 400
    assert owner.get(url, {"from": "2026-12-01T00:00:00"}).status_code == 400  # no offset
    assert (
        owner.get(url, {"from": "2030-01-02T00:00:00Z", "to": "2030-01-01T00:00:00Z"}).status_code
        == 400
    )
    assert owner.get(url, {"export": "pdf"}).status_code == 400
    assert (
        owner.post(
            f"/api/v1/market-making/orders/{order.pk}/proof/", {"public": "maybe"}, format="json"
        ).status_code
        == 400
    )
    assert not OrderEvent.objects.filter(kind="proof_visibility").exists()
    key = client_of().get("/api/v1/market-making/report-key/").json()
    assert key == {"algorithm": "ed25519", "public_key": report_public_key()}


def test_pnl_of_the_order_through_the_api():
    _, order = traded_order()
    body = client_of(order.user).get(f"/api/v1/market-making/orders/{order.pk}/pnl/").json()
    assert body["activity"]["fills"]["count"] == 3
    assert body["mark"]["source"] == "last_fill"
    assert body["mark"]["price"] == str(ExchangeFill.objects.latest("traded_at").price.normalize())
    assert body["inventory"]["funded"] == {"base": "10", "quote": "2000"}


def test_figures_sum_per_user_pair_and_node():
    from reports.selectors import pnl_of_node, pnl_per_pair, pnl_per_user

    _, order = traded_order()
    one = client_of(order.user).get(f"/api/v1/market-making/orders/{order.pk}/pnl/").json()
    mine = client_of(order.user).get("/api/v1/market-making/pnl/").json()
    assert set(mine) == {"USDT"}
    assert mine["USDT"]["orders"] == 1
    assert mine["USDT"]["volume_quote"] == one["activity"]["volume"]["quote"]
    assert mine["USDT"]["total_pnl"] == one["total_pnl"]
    assert pnl_per_pair(pair_id=order.pair_id) == pnl_of_node() == pnl_per_user(user=order.user)
    stranger = get_user_model().objects.create(username="nobody")
    assert client_of(stranger).get("/api/v1/market-making/pnl/").json() == {}
