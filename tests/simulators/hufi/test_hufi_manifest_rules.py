"""The launcher's manifest rules per campaign type."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from simulators.hufi.manifest import ManifestError, manifest_validate

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


def raw(campaign_type: str, *, days: float = 2, start_minutes: float = 0, **fields: object):
    start = NOW + timedelta(minutes=start_minutes)
    return {
        "type": campaign_type,
        "exchange": "binance",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=days)).isoformat(),
        **fields,
    }


def validate(manifest: dict, fund: str = "1000"):
    return manifest_validate(manifest, now_ms=NOW_MS, fund_amount=D(fund), exchanges={"binance"})


def problems(manifest: dict, fund: str = "1000") -> list[str]:
    with pytest.raises(ManifestError) as caught:
        validate(manifest, fund)
    return caught.value.problems


@pytest.mark.parametrize(
    ("campaign_type", "fields", "details"),
    [
        (
            "MARKET_MAKING",
            {"pair": "XIN/USDT", "daily_volume_target": 1000},
            {"daily_volume_target": D(1000)},
        ),
        (
            "COMPETITIVE_MARKET_MAKING",
            {
                "pair": "XIN/USDT",
                "minimum_volume_required": "5",
                "rewards_distribution": [60, D("40")],
            },
            {"minimum_volume_required": D(5), "rewards_distribution": (D(60), D(40))},
        ),
        (
            "THRESHOLD_MARKET_MAKING",
            {"pair": "XIN/USDT", "minimum_volume_target": 100, "max_participants": 10},
            {"minimum_volume_target": D(100), "max_participants": 10},
        ),
        (
            "HOLDING",
            {"symbol": "XIN", "daily_balance_target": "0.001"},
            {"daily_balance_target": D("0.001")},
        ),
        (
            "THRESHOLD",
            {"symbol": "XIN", "minimum_balance_target": 5},
            {"minimum_balance_target": D(5)},
        ),
    ],
)
def test_each_type_accepts_its_fields(campaign_type, fields, details):
    manifest = validate(raw(campaign_type, **fields))
    assert manifest.type == campaign_type
    assert manifest.details == details
    assert manifest.duration_days == 2


def test_pair_and_symbol_patterns():
    assert problems(raw("MARKET_MAKING", pair="xin/usdt", daily_volume_target=1)) == [
        "pair 'xin/usdt' does not match ^[0-9A-Z]{2,10}/[0-9A-Z]{3,10}$"
    ]
    assert "symbol" in problems(raw("HOLDING", symbol="XIN/USDT", daily_balance_target=1))[0]


def test_targets_have_their_minimums_and_floats_are_refused():
    assert problems(raw("MARKET_MAKING", pair="XIN/USDT", daily_volume_target=D("0.5"))) == [
        "daily_volume_target must be at least 1"
    ]
    assert problems(raw("HOLDING", symbol="XIN", daily_balance_target="0.0009")) == [
        "daily_balance_target must be at least 0.001"
    ]
    assert problems(raw("MARKET_MAKING", pair="XIN/USDT", daily_volume_target=10.5)) == [
        "daily_volume_target: amounts must be given as strings or Decimals, not floats"
    ]


def test_rewards_distribution_shares_are_at_least_one_percent_and_add_to_100():
    base = {"pair": "XIN/USDT", "minimum_volume_required": 1}
    assert problems(raw("COMPETITIVE_MARKET_MAKING", **base, rewards_distribution=[60, 30])) == [
        "the shares of rewards_distribution must add up to 100 percent"
    ]
    assert problems(raw("COMPETITIVE_MARKET_MAKING", **base, rewards_distribution=[99.5, 0.5])) == [
        "rewards_distribution: amounts must be given as strings or Decimals, not floats"
    ]
    assert problems(
        raw("COMPETITIVE_MARKET_MAKING", **base, rewards_distribution=[D("99.5"), D("0.5")])
    ) == ["every share of rewards_distribution must be at least 1 percent"]


def test_max_participants_is_required_for_threshold_market_making_only():
    assert problems(raw("THRESHOLD_MARKET_MAKING", pair="XIN/USDT", minimum_volume_target=1)) == [
        "max_participants is required for THRESHOLD_MARKET_MAKING"
    ]
    assert problems(
        raw("THRESHOLD", symbol="XIN", minimum_balance_target=1, max_participants=0)
    ) == ["max_participants must be at least 1"]


def test_duration_past_dates_and_fund_minimum():
    mm = {"pair": "XIN/USDT", "daily_volume_target": 1}
    assert problems(raw("MARKET_MAKING", days=0.2, **mm)) == [
        "the campaign must last from 6 hours to 100 days"
    ]
    assert problems(raw("MARKET_MAKING", days=101, **mm), fund="100000") == [
        "the campaign must last from 6 hours to 100 days"
    ]
    assert validate(raw("MARKET_MAKING", start_minutes=-9, **mm)).start_ms < NOW_MS
    assert problems(raw("MARKET_MAKING", start_minutes=-11, **mm)) == [
        "start_date and end_date may be at most 10 minutes in the past"
    ]
    # 2.5 days → 3 started days → at least 30 tokens
    assert problems(raw("MARKET_MAKING", days=2.5, **mm), fund="29.99") == [
        "the fund must be at least 30 (3 days)"
    ]
    assert validate(raw("MARKET_MAKING", days=2.5, **mm), fund="30").duration_days == 3


def test_every_problem_is_listed_at_once():
    found = problems({"type": "MARKET_MAKING", "exchange": "nowhere", "pair": "X"}, fund="0")
    assert len(found) == 6  # exchange, pair, two dates, the target, the fund


def test_unknown_type_is_refused():
    assert problems({"type": "LENDING"}) == [
        "type must be one of ['COMPETITIVE_MARKET_MAKING', 'HOLDING', 'MARKET_MAKING', "
        "'THRESHOLD', 'THRESHOLD_MARKET_MAKING']"
    ]
