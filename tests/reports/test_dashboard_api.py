"""The creator dashboard API on a small scripted data set: two orders of one user and one
of another, with snapshots, fills and reward credits placed by hand; the window's buckets,
the per-order figures and the rewards equal the values worked out below, and nothing of
the other user's order counts."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from executor.models import ExchangeFill, TrackedOrder
from ledger.models import Account, Transaction
from ledger.services import Leg, account_get_or_create, ledger_post, system_account
from orders.models import MarketMakingOrder
from reports.models import OrderSnapshot, band_columns
from tests.exchanges.factories import TradingPairFactory
from tests.orders.factories import MarketMakingOrderFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 10, 30, tzinfo=UTC)  # the 24 h window: 05-31 11:00 to 06-01 11:00
NINE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # bucket 22 of 24


def running(order: MarketMakingOrder) -> MarketMakingOrder:
    MarketMakingOrder.objects.filter(pk=order.pk).update(state="running", frozen_config={"a": 1})
    return MarketMakingOrder.objects.get(pk=order.pk)


def snapshot(order, at, *, up: bool, spread: str, bid: str, ask: str) -> None:
    depths = {name: Decimal(bid if name.startswith("bid") else ask) for name in band_columns("")}
    OrderSnapshot.objects.create(
        order=order,
        at=at,
        readable=True,
        two_sided=up,
        spread_bps=Decimal(spread),
        base_inventory=1,
        quote_inventory=1,
        open_orders=2,
        **depths,
    )


def fill(order, at, *, price: str, amount: str) -> None:
    tracked = TrackedOrder.objects.create(
        order=order,
        api_key=order.api_key,
        symbol=order.pair.symbol,
        sequence=TrackedOrder.objects.filter(order=order).count() + 1,
        client_order_id=uuid.uuid4().hex[:30],
        side="buy",
        price=Decimal(price),
        amount=Decimal(amount),
        reserved_amount=Decimal(price) * Decimal(amount),
        trace_id="t",
        created_at=at,
        updated_at=at,
    )
    ExchangeFill.objects.create(
        tracked_order=tracked,
        exchange=order.pair.exchange,
        symbol=order.pair.symbol,
        trade_id=uuid.uuid4().hex,
        side="buy",
        price=Decimal(price),
        amount=Decimal(amount),
        is_maker=True,
        traded_at=at,
        ledger_key=f"fill:{uuid.uuid4().hex}",
        trace_id="t",
    )


def reward(user, asset, amount: str) -> None:
    owner = account_get_or_create(
        owner_kind=Account.OwnerKind.USER, owner_id=str(user.pk), asset=asset, purpose="available"
    )
    ledger_post(
        idempotency_key=f"reward:test:{uuid.uuid4().hex}",
        code=Transaction.Code.REWARD_CREDIT,
        entries=[
            Leg(account=system_account(asset=asset, purpose="external"), amount=-Decimal(amount)),
            Leg(account=owner, amount=Decimal(amount)),
        ],
        trace_id=uuid.uuid4().hex,
    )


@pytest.fixture
def scripted(presets_seeded):
    pair = TradingPairFactory(symbol="XIN/USDT", base_symbol="XIN", quote_symbol="USDT")
    a = running(MarketMakingOrderFactory(pair=pair))
    b = running(MarketMakingOrderFactory(pair=pair, user=a.user))
    other = running(MarketMakingOrderFactory(pair=pair))
    # Order a: 3 slots, 2 up; spreads 10, 20, 30 (median 20); two-sided depth 80, 50, 0.
    snapshot(a, NINE, up=True, spread="10", bid="100", ask="80")
    snapshot(a, NINE + timedelta(seconds=10), up=True, spread="20", bid="50", ask="60")
    snapshot(a, NINE + timedelta(seconds=20), up=False, spread="30", bid="0", ask="0")
    # Order b: 2 slots, both up; spreads 40, 40; depth 10, 10.
    snapshot(b, NINE + timedelta(minutes=30), up=True, spread="40", bid="10", ask="10")
    snapshot(b, NINE + timedelta(minutes=30, seconds=10), up=True, spread="40", bid="10", ask="12")
    # Someone else's order in the same hour: never in this user's figures.
    snapshot(other, NINE, up=False, spread="900", bid="5", ask="5")
    fill(a, NINE + timedelta(minutes=15), price="2.5", amount="4")  # 10 USDT, bucket 22
    fill(a, NINE + timedelta(minutes=100), price="3", amount="1")  # 3 USDT, bucket 23
    fill(a, NOW - timedelta(days=2), price="7", amount="7")  # before the window
    fill(other, NINE, price="1", amount="1000")
    with time_machine.travel(NOW, tick=False):
        reward(a.user, pair.quote_asset_id, "1.5")
        reward(other.user, pair.quote_asset_id, "99")
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        reward(a.user, pair.quote_asset_id, "7")  # outside the window
    return a, b, other


def dashboard(user, window: str):
    api = APIClient()
    api.force_authenticate(user)
    with time_machine.travel(NOW, tick=False):
        return api.get("/api/v1/reports/dashboard/", {"window": window})


def test_the_dashboard_sums_my_orders_by_hand(scripted):
    a, b, _ = scripted
    body = dashboard(a.user, "24h").json()
    assert body["start"] == "2026-05-31T11:00:00Z" and body["end"] == "2026-06-01T11:00:00Z"
    assert len(body["times"]) == 24 and body["step_seconds"] == 3600
    assert body["times"][22] == "2026-06-01T09:00:00Z"
    # Bucket 22: up (2 + 2) / slots (3 + 2); spread (20×3 + 40×2) / 5 readable snapshots;
    # depth: a's mean (80 + 50 + 0) / 3 plus b's (10 + 10) / 2.
    assert body["uptime"][22] == "0.800000"
    assert body["spread_p50_bps"][22] == "28.00"
    (depth,) = body["depth"]
    assert depth["quote_symbol"] == "USDT" and depth["values"][22] == "53.33333333"
    (volume,) = body["volume"]
    assert volume["values"][22] == "10.00000000" and volume["values"][23] == "3.00000000"
    assert body["uptime"][0] is None and Decimal(volume["values"][0]) == 0
    rows = {row["id"]: row for row in body["orders"]}
    assert set(rows) == {str(a.pk), str(b.pk)}
    assert rows[str(a.pk)]["uptime"] == "0.666667"
    assert rows[str(a.pk)]["spread_p50_bps"] == "20.00"
    assert rows[str(a.pk)]["depth"] == "43.33333333"
    assert rows[str(a.pk)]["volume"] == "13.00000000" and rows[str(a.pk)]["fills"] == 2
    assert rows[str(b.pk)]["uptime"] == "1.000000" and rows[str(b.pk)]["fills"] == 0
    (received,) = body["rewards_received"]
    assert Decimal(received["amount"]) == Decimal("1.5") and received["symbol"] == "USDT"


def test_the_week_and_month_windows_and_bad_input(scripted):
    a, _, _ = scripted
    week, month = dashboard(a.user, "7d").json(), dashboard(a.user, "30d").json()
    bad = dashboard(a.user, "1y")
    assert len(week["times"]) == 28 and week["step_seconds"] == 6 * 3600
    assert len(month["times"]) == 30 and month["end"] == "2026-06-02T00:00:00Z"
    # The hour above is in the month's last day; the fill of two days ago now counts too.
    assert month["uptime"][-1] == "0.800000" and month["volume"][0]["values"][-1] == "13.00000000"
    assert month["volume"][0]["values"][-3] == "49.00000000"
    (received,) = month["rewards_received"]
    assert Decimal(received["amount"]) == Decimal("8.5")  # 1.5 today, 7 three days ago
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    assert "window" in bad.json()["error"]["detail"]
    assert APIClient().get("/api/v1/reports/dashboard/").status_code in (401, 403)


def test_the_schema_declares_the_dashboard():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/reports/dashboard/"]["get"]
    assert {"200", "400"} <= set(operation["responses"])
    assert "$ref" in str(operation["responses"]["200"])
