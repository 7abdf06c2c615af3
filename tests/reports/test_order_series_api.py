"""The order's chart series: drawn from the stored snapshots at a resolution that follows
the window (raw, 1-minute, 1-hour), the same prices and position after the raw rows are
rolled up, the window's fills with their trade ids; the owner reads it, a stranger gets a
404 until the proof is public, a bad window is a 400 in the shared error shape."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from executor.models import ExchangeFill
from reports.models import MarketSnapshot, OrderRollup, OrderSnapshot
from reports.rollups import snapshots_roll_up
from reports.series import series_resolution
from reports.services import order_proof_visibility_set
from reports.snapshots import market_snapshot_take, slot_of
from tests.reports.test_order_lifecycle_and_report_api import client_of
from tests.reports.world import traded_order

pytestmark = pytest.mark.django_db(transaction=True)
SLOTS = 4


def sampled_order():
    """The traded order, with a snapshot of its market every 10 s for SLOTS slots."""
    market, order = traded_order()
    slots = []
    for _ in range(SLOTS):
        at = slot_of(market.now)
        assert market_snapshot_take(pair_id=market.pair.pk, at=at, gateway_for=market.gateway_for)
        slots.append(at)
        market.tick(seconds=10)
    return market, order, slots


def series(client, order, **window):
    query = "&".join(f"{k}={v.isoformat().replace('+00:00', 'Z')}" for k, v in window.items())
    return client.get(f"/api/v1/market-making/orders/{order.pk}/series/?{query}")


def test_raw_points_carry_the_snapshots_and_the_fills_of_the_window():
    _, order, slots = sampled_order()
    start = slots[0] - timedelta(minutes=1)
    answer = series(
        client_of(order.user), order, **{"from": start, "to": start + timedelta(hours=1)}
    )

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["resolution"], body["resolution_seconds"]) == ("raw", 10)
    assert body["points"] == SLOTS == len(body["time"]) == len(body["mid"])
    assert body["time"] == [at.timestamp() for at in slots]
    for i, at in enumerate(slots):
        own = OrderSnapshot.objects.get(order=order, at=at)
        book = MarketSnapshot.objects.get(pair=order.pair, at=at)
        assert Decimal(body["mid"][i]) == book.mid
        assert Decimal(body["own_bid"][i]) == own.own_bid
        assert Decimal(body["own_ask"][i]) == own.own_ask
        assert Decimal(body["spread_bps"][i]) == own.spread_bps
        assert Decimal(body["equity"][i]) == own.equity
        assert Decimal(body["inventory"]["base"][i]) == own.base_inventory
        assert Decimal(body["own_depth"]["bid"]["200"][i]) == own.bid_200
    fills = ExchangeFill.objects.filter(tracked_order__order=order).order_by("traded_at", "id")
    assert body["fills_total"] == len(fills) == 3
    assert [f["trade_id"] for f in body["fills"]] == [f.trade_id for f in fills]
    assert [Decimal(f["price"]) for f in body["fills"]] == [f.price for f in fills]


def test_the_window_length_picks_the_resolution():
    assert series_resolution(timedelta(hours=6)) == 0
    assert series_resolution(timedelta(hours=7)) == 60
    assert series_resolution(timedelta(days=3)) == 60
    assert series_resolution(timedelta(days=4)) == 3600

    _, order, slots = sampled_order()
    client = client_of(order.user)
    start = slots[0] - timedelta(hours=1)
    minute = series(client, order, **{"from": start, "to": start + timedelta(days=2)}).json()
    hour = series(client, order, **{"from": start, "to": start + timedelta(days=10)}).json()
    assert (minute["resolution"], minute["resolution_seconds"]) == ("minute", 60)
    assert (hour["resolution"], hour["resolution_seconds"]) == ("hour", 3600)
    minutes = {int(at.timestamp()) // 60 * 60 for at in slots}
    assert minute["time"] == sorted(minutes)  # the raw rows merged per minute
    assert hour["points"] == len({int(at.timestamp()) // 3600 for at in slots})
    last = OrderSnapshot.objects.filter(order=order).order_by("at").last()
    # A bucket's position is its last snapshot's; its depth the mean of its snapshots.
    assert Decimal(hour["equity"][-1]) == last.equity
    in_last_hour = [
        row.bid_200
        for row in OrderSnapshot.objects.filter(order=order)
        if int(row.at.timestamp()) // 3600 == int(last.at.timestamp()) // 3600
    ]
    mean = sum(in_last_hour) / len(in_last_hour)
    assert Decimal(hour["own_depth"]["bid"]["200"][-1]) == mean.quantize(Decimal("1e-8"))


def test_rolled_up_rows_keep_the_prices_and_the_position():
    _, order, slots = sampled_order()
    client = client_of(order.user)
    window = {"from": slots[0] - timedelta(minutes=5), "to": slots[-1] + timedelta(minutes=5)}
    before = series(client, order, **window).json()

    later = slots[-1] + timedelta(days=30)
    while sum(snapshots_roll_up(now=later).values()):
        pass
    assert not OrderSnapshot.objects.filter(order=order).exists()
    assert OrderRollup.objects.filter(order=order).exists()
    after = series(client, order, **window).json()

    # Raw rows are gone: the short window now draws the roll-ups, with the last
    # snapshot's mid, quotes and position.
    assert after["points"] >= 1
    assert after["mid"][-1] == before["mid"][-1]
    assert after["own_bid"][-1] == before["own_bid"][-1]
    assert after["equity"][-1] == before["equity"][-1]
    assert after["fills_total"] == before["fills_total"] == 3


def test_a_stranger_gets_a_404_until_the_proof_is_public():
    _, order, slots = sampled_order()
    stranger = get_user_model().objects.create_user("stranger")
    start, end = (
        (at + timedelta(minutes=m)).isoformat().replace("+00:00", "Z")
        for at, m in ((slots[0], -1), (slots[-1], 1))
    )
    url = f"/api/v1/market-making/orders/{order.pk}/series/?from={start}&to={end}"

    assert client_of(stranger).get(url).status_code == 404
    assert client_of().get(url).status_code == 404
    order_proof_visibility_set(order=order, public=True, actor="user:test")
    answer = client_of().get(url)
    assert answer.status_code == 200 and answer.json()["points"] == SLOTS


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "to"),
        ("from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z", "to"),  # longer than 92 days
        ("from=yesterday", "from"),
        ("to=2026-12-01T00:00:00", "to"),  # no offset
    ],
)
def test_a_bad_window_is_a_400_naming_the_field(query, field):
    _, order = traded_order()
    answer = client_of(order.user).get(f"/api/v1/market-making/orders/{order.pk}/series/?{query}")
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert error["code"] == "invalid" and field in error["detail"]
