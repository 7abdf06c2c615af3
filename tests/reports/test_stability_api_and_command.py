"""GET /api/v1/reports/stability/ and `manage.py report_stability`: the figures of the
stored snapshots, per window and UTC day, and a clear 4xx for bad input."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from reports.snapshots import market_snapshot_take, slot_of
from reports.stability import METHODOLOGY_VERSION
from tests.executor.harness import Market

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/stability/"


@pytest.fixture
def sampled():
    market = Market.open(bid="99.9", ask="100.1")
    market.running_order()
    start = slot_of(market.now)
    for slot in range(3):
        at = start + timedelta(seconds=10 * slot)
        market_snapshot_take(pair_id=market.pair.pk, at=at, gateway_for=market.gateway_for)
    return market.pair, start


def query(pair, start, end=None):
    end = end or start + timedelta(hours=1)
    return {"pair": pair.pk, "from": start.isoformat(), "to": end.isoformat()}


def test_the_window_and_its_days(api_admin, sampled):
    pair, start = sampled
    response = api_admin.get(URL, query(pair, start))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["methodology_version"] == METHODOLOGY_VERSION
    window = body["window"]
    assert (window["slots"], window["observed"], window["gaps"]) == (3, 3, 0)
    assert window["uptime"] == "1.000000"
    assert window["spread_p50_bps"] == "20.00"
    assert [band["band_bps"] for band in window["depth"]] == [10, 25, 50, 100, 200]
    assert window["depth"][0]["bid_mean"] == "4995.00000000"  # 50 XIN at 99.9
    assert len(body["days"]) == 1 and body["days"][0]["figures"] == window


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"from": "2026-01-01T00:00Z", "to": "2026-01-02T00:00Z"}, 400, "pair"),
        ({"pair": "x", "from": "2026-01-01T00:00Z", "to": "2026-01-02T00:00Z"}, 400, "pair"),
        ({"pair": 1, "from": "yesterday", "to": "2026-01-02T00:00Z"}, 400, "from"),
        ({"pair": 1, "from": "2026-01-02T00:00Z", "to": "2026-01-01T00:00Z"}, 400, "to"),
        ({"pair": 1, "from": "2026-01-01T00:00Z", "to": "2026-06-01T00:00Z"}, 400, "to"),
        ({"pair": 999999, "from": "2026-01-01T00:00Z", "to": "2026-01-02T00:00Z"}, 404, None),
    ],
)
def test_bad_input_is_refused(api_admin, params, status, field):
    response = api_admin.get(URL, params)
    assert response.status_code == status
    error = response.json()["error"]
    if field:
        assert field in error["detail"]
    else:
        assert error["code"] == "not_found"


def test_anonymous_callers_read_it_like_anyone(db):
    # The public book's figures: the "depth is real" page reads them without login, and
    # what it asks is checked as anyone's request is.
    answer = APIClient().get(URL, {"pair": 1})
    assert answer.status_code == 400
    assert set(answer.json()["error"]["detail"]) == {"from", "to"}


def test_the_schema_declares_the_answers(api_admin):
    schema = api_admin.get("/api/schema/", {"format": "json"}).json()
    answers = schema["paths"][URL]["get"]["responses"]
    assert {"200", "400", "401", "403", "404"} <= set(answers)


def test_the_command_prints_the_same_figures(api_admin, sampled):
    pair, start = sampled
    out = StringIO()
    params = query(pair, start)
    call_command("report_stability", "--pair", pair.pk, "--from", params["from"],
                 "--to", params["to"], stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["window"] == api_admin.get(URL, params).json()["window"]
    with pytest.raises(CommandError, match="after"):
        call_command("report_stability", "--pair", pair.pk, "--from", params["to"],
                     "--to", params["from"])  # fmt: skip
