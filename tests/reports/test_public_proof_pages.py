"""The public proof pages and their API: anyone reads an order whose owner made its proof
public (its figures are the signed bundle's, the bundle of the same window hashes to what
the page shows and verifies); a private order is a 404, to its owner too; nothing personal
is shown, in the summary, the page or the bundle."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from orders.models import MarketMakingOrder
from reports.bundle.verify import bundle_problems
from reports.keys import report_public_key
from reports.public_proof import proof_window, published_proof_build
from reports.snapshots import market_snapshot_take, slot_of
from tests.reports.world import traded_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("sent_tasks")]


def sampled_public_order(monkeypatch):
    """A traded order with three snapshots of its quotes, made public by its owner and its
    proof built (as the worker does); the clock of the proof window is two minutes on, so
    the window (to the last whole minute) holds every fill and snapshot."""
    market, order = traded_order()
    for step in range(1, 4):
        at = slot_of(market.now) + timedelta(seconds=10 * step)
        market_snapshot_take(pair_id=market.pair.pk, at=at, gateway_for=market.gateway_for)
    later = at + timedelta(minutes=2)
    monkeypatch.setattr("reports.public_proof.window_clock", lambda: later)
    owner = APIClient()
    owner.force_authenticate(order.user)
    answer = owner.post(
        f"/api/v1/market-making/orders/{order.pk}/proof/", {"public": True}, format="json"
    )
    assert answer.status_code == 200
    assert published_proof_build(order=order) is not None
    return market, order


def test_anyone_reads_the_figures_of_the_bundle_that_the_page_links(monkeypatch):
    _, order = sampled_public_order(monkeypatch)
    anyone = APIClient()
    answer = anyone.get(f"/api/v1/proof/orders/{order.pk}/")
    assert answer.status_code == 200
    summary = answer.json()
    window = summary["window"]
    bundle = anyone.get(
        f"/api/v1/market-making/orders/{order.pk}/report/",
        {"from": window["from"], "to": window["to"]},
    )
    assert bundle.status_code == 200
    assert bundle["X-Report-SHA256"] == summary["bundle"]["sha256"]
    envelope = json.loads(bundle.content)
    assert envelope["signature"] == summary["bundle"]["signature"]
    assert len(bundle.content) == summary["bundle"]["size"]
    assert bundle_problems(bundle.content, public_key=report_public_key()) == []
    figures = envelope["report"]["figures"]
    assert summary["stability"] == figures["stability"]
    assert summary["stability"]["observed"] == 3
    activity = figures["pnl"]["activity"]
    assert summary["activity"]["fills"] == activity["fills"]["count"] == 3
    assert summary["activity"]["volume_quote"] == activity["volume"]["quote"]
    assert summary["order"]["config_hash"] == order.config_hash
    # Nothing personal: no user, no funded amounts, no PnL.
    text = json.dumps(summary)
    assert order.user.username not in text and "user:" not in text
    assert "realized_pnl" not in text and "funded" not in text


def test_the_bundle_names_the_owner_never_by_user_id(monkeypatch):
    _, order = sampled_public_order(monkeypatch)
    content = APIClient().get(f"/api/v1/market-making/orders/{order.pk}/report/").content
    events = json.loads(content)["report"]["facts"]["order_events"]
    assert [e["actor"] for e in events if e["kind"] == "proof_visibility"] == ["owner"]
    assert f"user:{order.user.pk}".encode() not in content
    lifecycle = APIClient().get(f"/api/v1/market-making/orders/{order.pk}/lifecycle/").json()
    assert "owner" in {line.get("actor") for line in lifecycle["events"]}
    assert f"user:{order.user.pk}" not in json.dumps(lifecycle)


def test_a_private_order_is_not_found_by_anyone_its_owner_included(client):
    _, order = traded_order()
    owner = APIClient()
    owner.force_authenticate(order.user)
    assert APIClient().get(f"/api/v1/proof/orders/{order.pk}/").status_code == 404
    assert owner.get(f"/api/v1/proof/orders/{order.pk}/").status_code == 404
    assert client.get(f"/proof/orders/{order.pk}/").status_code == 404
    client.force_login(order.user)
    assert client.get(f"/proof/orders/{order.pk}/").status_code == 404


def test_the_pages_answer_without_login_and_show_nobody(client, monkeypatch):
    _, order = sampled_public_order(monkeypatch)
    page = client.get(f"/proof/orders/{order.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert order.user.username not in text
    assert f'href="/proof/pairs/{order.pair.pk}/"' in text
    assert report_public_key() in text

    depth = client.get(f"/proof/pairs/{order.pair.pk}/")
    assert depth.status_code == 200
    assert f'href="/proof/orders/{order.pk}/"' in depth.content.decode()
    assert client.get("/proof/pairs/999999/").status_code == 404
    node = client.get("/proof/").content.decode()
    assert f'href="/proof/orders/{order.pk}/"' in node
    assert f'href="/proof/pairs/{order.pair.pk}/"' in node


def test_the_stability_api_answers_anyone(monkeypatch):
    market, _ = sampled_public_order(monkeypatch)
    at = slot_of(market.now)
    answer = APIClient().get(
        "/api/v1/reports/stability/",
        {
            "pair": market.pair.pk,
            "from": (at - timedelta(hours=1)).isoformat(),
            "to": (at + timedelta(hours=1)).isoformat(),
        },
    )
    assert answer.status_code == 200
    assert answer.json()["window"]["observed"] == 3


def test_the_window_closes_at_the_last_whole_minute_or_after_the_end():
    created = datetime(2026, 12, 1, 10, 0, 30, 123456, tzinfo=UTC)
    now = datetime(2026, 12, 1, 12, 34, 56, tzinfo=UTC)
    running = MarketMakingOrder(state="running", created_at=created)
    assert proof_window(order=running, now=now) == (
        created,
        datetime(2026, 12, 1, 12, 34, tzinfo=UTC),
    )
    # Just created: the window still spans a minute, past its creation.
    young = MarketMakingOrder(state="running", created_at=now)
    assert proof_window(order=young, now=now)[1] == datetime(2026, 12, 1, 12, 35, tzinfo=UTC)
    exited = MarketMakingOrder(
        state="exited",
        created_at=created,
        state_changed_at=datetime(2026, 12, 1, 11, 5, 10, tzinfo=UTC),
    )
    assert proof_window(order=exited, now=now)[1] == datetime(2026, 12, 1, 11, 6, tzinfo=UTC)
