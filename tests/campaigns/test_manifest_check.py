"""A campaign form checked by HuFi's launcher rules: every broken rule listed at once."""

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from campaigns.launcher_rules import manifest_problems

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def manifest(**fields) -> dict:
    return {
        "type": "MARKET_MAKING",
        "exchange": "binance",
        "pair": "XIN/USDT",
        "start_date": NOW.isoformat(),
        "end_date": (NOW + timedelta(days=3)).isoformat(),
        "daily_volume_target": 1000,
        **fields,
    }


def check(m: dict, fund: object = "30", decimals: int = 6) -> list[str]:
    return manifest_problems(m, fund_amount=fund, token_decimals=decimals, now=NOW)


def test_a_valid_manifest_of_each_type():
    assert check(manifest()) == []
    assert (
        check(
            manifest(
                type="COMPETITIVE_MARKET_MAKING",
                minimum_volume_required="500",
                rewards_distribution=[50, 30, 20],
            )
        )
        == []
    )
    assert (
        check(
            manifest(type="THRESHOLD_MARKET_MAKING", minimum_volume_target=10, max_participants=5)
        )
        == []
    )
    assert check({**manifest(type="HOLDING", daily_balance_target="0.001"), "symbol": "XIN"}) == []
    assert check({**manifest(type="THRESHOLD", minimum_balance_target=1), "symbol": "XIN"}) == []


def test_every_broken_rule_is_listed():
    problems = check(
        manifest(pair="xin-usdt", daily_volume_target="0.5", exchange=""),
        fund="29.0000001",
    )
    assert problems == [
        "exchange is required",
        "pair must match ^[0-9A-Z]{2,10}/[0-9A-Z]{3,10}$",
        "daily_volume_target must be a number of at least 1",
        "fund_amount has more than 6 decimals",
        "fund_amount must be at least 30 (3 days)",
    ]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"type": "SPOT"}, "type must be one of"),
        ({"end_date": (NOW + timedelta(hours=5)).isoformat()}, "from 6 hours to 100 days"),
        ({"end_date": (NOW + timedelta(days=101)).isoformat()}, "from 6 hours to 100 days"),
        ({"start_date": (NOW - timedelta(minutes=11)).isoformat()}, "10 minutes in the past"),
        ({"end_date": NOW.isoformat()}, "end_date must be after start_date"),
        ({"start_date": "tomorrow"}, "ISO 8601"),
        ({"daily_volume_target": 1.5}, "daily_volume_target must be a number"),  # a float
        ({"type": "THRESHOLD_MARKET_MAKING", "minimum_volume_target": 1}, "max_participants"),
        (
            {
                "type": "COMPETITIVE_MARKET_MAKING",
                "minimum_volume_required": 1,
                "rewards_distribution": [50, 30],
            },
            "add up to 100",
        ),
        (
            {
                "type": "COMPETITIVE_MARKET_MAKING",
                "minimum_volume_required": 1,
                "rewards_distribution": [99.5, "0.5"],
            },
            "at least 1",
        ),
    ],
)
def test_each_rule(fields, problem):
    assert any(problem in p for p in check(manifest(**fields))), check(manifest(**fields))


def test_the_api_answers_400_with_the_problems_and_stores_nothing(api_admin):
    start = datetime.now(UTC)
    good = {
        "manifest": manifest(
            start_date=start.isoformat(), end_date=(start + timedelta(days=3)).isoformat()
        ),
        "fund_amount": "30",
        "token_decimals": 6,
    }
    answer = api_admin.post("/api/v1/campaigns/manifest-check/", good, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["valid"] is True and "volume" in answer.json()["learn_more"]
    bad = {**good, "fund_amount": "1"}
    answer = api_admin.post("/api/v1/campaigns/manifest-check/", bad, format="json")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "manifest_invalid"
    assert answer.json()["error"]["detail"]["problems"] == [
        "fund_amount must be at least 30 (3 days)"
    ]
    assert APIClient().post(
        "/api/v1/campaigns/manifest-check/", good, format="json"
    ).status_code in (401, 403)
