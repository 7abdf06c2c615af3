"""Reputation inputs per node: a self-check round rebuilds and verifies a running order's
report bundle (and fails, naming the fill, when a fill no longer matches its ledger
posting); the node's uptime, verification rate and deviations are worked out by hand from
scripted rows; the public endpoint names no order or person."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from executor.models import ExchangeFill
from reports.models import ReportSelfCheck
from reports.self_check import node_report_inputs, self_checks_run
from tests.reports.test_dashboard_api import running, snapshot
from tests.reports.world import traded_order


@pytest.mark.django_db(transaction=True)
def test_a_self_check_verifies_and_catches_a_fill_that_disagrees_with_the_ledger():
    _, order = traded_order()
    assert self_checks_run(now=timezone.now()) == 1
    (check,) = ReportSelfCheck.objects.all()
    assert check.order_id == order.pk and check.verified and check.problems == []
    assert len(check.bundle_sha256) == 64

    fill = ExchangeFill.objects.filter(tracked_order__order=order).first()
    ExchangeFill.objects.filter(pk=fill.pk).update(price=fill.price + 1)
    assert self_checks_run(now=timezone.now() + timedelta(seconds=1)) == 1
    latest = ReportSelfCheck.objects.first()
    assert not latest.verified
    assert any(fill.trade_id in problem for problem in latest.problems)
    inputs = node_report_inputs(now=timezone.now() + timedelta(seconds=2))
    assert inputs["self_checks"] == 2 and inputs["verification_rate"] == Decimal("0.5")


@pytest.mark.django_db
def test_the_node_inputs_by_hand(presets_seeded):
    from tests.orders.factories import MarketMakingOrderFactory

    now = timezone.now().replace(microsecond=0)
    a = running(MarketMakingOrderFactory())
    b = running(MarketMakingOrderFactory())
    at = now - timedelta(hours=2)
    # a: 2 slots, 1 up; b: 2 slots, 2 up → uptime 3 / 4.
    snapshot(a, at, up=True, spread="10", bid="1", ask="1")
    snapshot(a, at + timedelta(seconds=10), up=False, spread="10", bid="0", ask="0")
    snapshot(b, at, up=True, spread="10", bid="1", ask="1")
    snapshot(b, at + timedelta(seconds=10), up=True, spread="10", bid="1", ask="1")

    def check(ago: timedelta, verified: bool, uptime_dev: str, spread_dev: str) -> None:
        ReportSelfCheck.objects.create(
            order=a,
            checked_at=now - ago,
            window_from=now - ago - timedelta(days=1),
            window_to=now - ago,
            bundle_sha256="0" * 64,
            verified=verified,
            problems=[] if verified else ["figures.stability.uptime: differs"],
            uptime_deviation=Decimal(uptime_dev),
            spread_deviation_bps=Decimal(spread_dev),
        )

    check(timedelta(hours=1), True, "0", "0")
    check(timedelta(hours=3), True, "0.01", "0.50")
    check(timedelta(hours=5), False, "0.05", "2.00")
    check(timedelta(days=31), False, "0.9", "99")  # older than the 30-day window
    inputs = node_report_inputs(now=now)
    assert inputs["uptime"] == Decimal("0.75") and inputs["uptime_slots"] == 4
    assert inputs["self_checks"] == 3 and inputs["self_checks_verified"] == 2
    assert inputs["verification_rate"] == Decimal("0.666667")
    assert inputs["uptime_deviation_max"] == Decimal("0.05")
    assert inputs["uptime_deviation_mean"] == Decimal("0.020000")
    assert inputs["spread_deviation_bps_max"] == Decimal("2.00")
    assert inputs["spread_deviation_bps_mean"] == Decimal("0.83")

    cache.clear()
    answer = APIClient().get("/api/v1/node/reputation/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["verification_rate"] == "0.666667" and body["uptime"] == "0.750000"
    assert len(body["report_public_key"]) == 64
    text = json.dumps(body)
    for private in (str(a.pk), str(b.pk), a.user.username, b.user.username):
        assert private not in text


@pytest.mark.django_db
def test_a_round_checks_the_orders_never_checked_first(presets_seeded):
    from tests.orders.factories import MarketMakingOrderFactory

    now = timezone.now()
    checked, fresh = (running(MarketMakingOrderFactory()) for _ in range(2))
    ReportSelfCheck.objects.create(
        order=checked,
        checked_at=now - timedelta(hours=1),
        window_from=now - timedelta(days=1),
        window_to=now,
        bundle_sha256="0" * 64,
        verified=True,
    )
    assert self_checks_run(now=now, limit=1) == 1
    assert ReportSelfCheck.objects.first().order_id == fresh.pk
    assert self_checks_run(now=now + timedelta(seconds=1), limit=1) == 1
    assert ReportSelfCheck.objects.first().order_id == checked.pk
