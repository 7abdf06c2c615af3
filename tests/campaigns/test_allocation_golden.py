"""Allocation and manifests against figures worked out by hand."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns.rewards.abuse import THRESHOLDS
from campaigns.rewards.allocation import (
    Fill,
    allocate,
    expected_competitive_payout,
    expected_payout,
)
from campaigns.rewards.manifest import manifest_build, manifest_rebuild, manifest_sha256

D = Decimal


def fill(trade_id, order, *, side="buy", maker=True, price="100", amount="1", user="u1"):
    return Fill(trade_id, order, user, side, maker, D(price), D(amount))


def test_weights_are_hufis():
    assert fill("1", "a", maker=True, side="sell").score == D(100)
    assert fill("2", "a", maker=False, side="buy").score == D("42.00")
    assert fill("3", "a", maker=False, side="sell").score == D("10.0")


def test_three_orders_rounding_down_and_the_remainder_to_the_top_score():
    # scores: a = 100 (maker), b = 100 (maker), c = 42 (taker buy); Σ = 242
    fills = [fill("1", "a"), fill("2", "b", user="u2"), fill("3", "c", maker=False)]
    result = allocate(reward=D("1.000000"), decimals=6, fee_bps=0, fills=fills)
    amounts = {s.order_id: s.amount for s in result.shares}
    # 1 × 100/242 = 0.413223140… → 0.413223; 1 × 42/242 = 0.173553719… → 0.173553
    # rounded shares sum to 0.999999: the remainder 0.000001 goes to the top score; a and
    # b tie at 100, so the smaller order id (a) takes it.
    assert amounts == {"a": D("0.413224"), "b": D("0.413223"), "c": D("0.173553")}
    assert result.remainder == D("0.000001") and result.remainder_order_id == "a"
    assert sum(amounts.values()) == D("1.000000")


def test_the_platform_fee_is_taken_first_and_rounded_down():
    # 2.5 % of 0.333333 = 0.0083333… → 0.008333; 0.325000 split 1:2 (scores 100 and 200)
    fills = [fill("1", "a"), fill("2", "b", amount="2")]
    result = allocate(reward=D("0.333333"), decimals=6, fee_bps=250, fills=fills)
    assert result.fee == D("0.008333")
    amounts = {s.order_id: s.amount for s in result.shares}
    # 0.325 / 3 = 0.108333…; 0.325 × 2/3 = 0.216666… → 0.216666 + remainder 0.000001
    assert amounts == {"a": D("0.108333"), "b": D("0.216667")}
    assert result.fee + sum(amounts.values()) == D("0.333333")


def test_no_score_leaves_everything_to_the_platform_remainder():
    result = allocate(reward=D("5"), decimals=6, fee_bps=0, fills=[])
    assert result.shares == () and result.remainder == D(5) and result.remainder_order_id == ""


def test_hufis_payout_of_a_proportional_cycle():
    # pool 3, scores 10 and 20: 3 × 10/30 = 1 and 2; with 7 of 30: 0.7 exactly at 6 places
    assert expected_payout(pool=D(3), score=D(10), total_score=D(30), decimals=6) == D(1)
    assert expected_payout(pool=D(1), score=D(1), total_score=D(3), decimals=6) == D("0.333333")
    assert expected_payout(pool=D(1), score=D(0), total_score=D(0), decimals=6) == D(0)


def inputs() -> dict:
    return {
        "campaign": {
            "chain_id": 137,
            "address": "0xabc",
            "type": "MARKET_MAKING",
            "exchange": "binance",
            "symbol": "XIN/USDT",
        },
        "cycle": {"from": "2026-06-01T00:00:00+00:00", "to": "2026-06-02T00:00:00+00:00"},
        "window_from": "2026-06-01T00:00:00+00:00",
        "identity": "0xdef",
        "results_file_sha256": "0" * 64,
        "reward": {
            "snapshot_id": "s",
            "deposit_hash": "0x1",
            "asset_id": "a",
            "amount": "1",
            "decimals": 6,
        },
        "fee_bps": 0,
        "fills": [
            {
                "trade_id": "1",
                "order_id": "a",
                "user_id": "u1",
                "side": "buy",
                "is_maker": True,
                "price": "100",
                "amount": "1",
                "traded_at": "2026-06-01T01:00:00+00:00",
                "account": "1",
            },
            {
                "trade_id": "2",
                "order_id": "b",
                "user_id": "u2",
                "side": "sell",
                "is_maker": True,
                "price": "100",
                "amount": "2",
                "traded_at": "2026-06-01T02:00:00+00:00",
                "account": "1",
            },
        ],
        "quotes": [],
        "abuse_thresholds": dict(THRESHOLDS),
    }


def test_a_manifest_rebuilt_from_its_inputs_is_byte_identical(tmp_path):
    body = manifest_build(inputs())
    assert manifest_rebuild(body) == body
    document = json.loads(body)
    # 1/3 and 2/3 of 1, rounded down; the 0.000001 left goes to b, the higher score
    assert document["outputs"]["allocations"] == [
        {"order_id": "a", "user_id": "u1", "score": "100", "amount": "0.333333"},
        {"order_id": "b", "user_id": "u2", "score": "200", "amount": "0.666667"},
    ]
    assert document["outputs"]["remainder"] == {"amount": "0.000001", "order_id": "b"}
    # canonical: sorted keys, no spaces
    assert body.startswith(b'{"inputs":{"abuse_thresholds":{"layering_min_quotes":"4"')
    assert b" " not in body
    path = tmp_path / "m.json"
    path.write_bytes(body)
    call_command("reward_verify", str(path))
    assert manifest_sha256(body) == manifest_sha256(manifest_rebuild(body))


@pytest.mark.parametrize(
    "change",
    [
        lambda i: i["fills"][0].update(price="101"),
        lambda i: i.update(fee_bps=1),
        lambda i: i["reward"].update(amount="2"),
        lambda i: i["fills"][1].update(amount="1", is_maker=False),  # now a wash round trip
        lambda i: i["fills"][1].update(is_maker=False),
    ],
)
def test_one_changed_input_fails_verification(tmp_path, change):
    document = json.loads(manifest_build(inputs()))
    change(document["inputs"])
    path = tmp_path / "m.json"
    path.write_bytes(json.dumps(document, separators=(",", ":"), sort_keys=True).encode())
    with pytest.raises(CommandError, match="does not verify"):
        call_command("reward_verify", str(path))


def test_competitive_payout_ranks_ties_and_rounding():
    # minimum volume 100: D (volume 50) is not ranked. A and B tie on 300 and share ranks
    # 1 and 2: (50 + 30) / 2 = 40 % each; C is rank 3: 20 %. Pool 100.000001:
    # 40 % = 40.0000004 → 40.000000; 20 % = 20.0000002 → 20.000000 (0.000001 stays).
    outcomes = [
        ("0xA", D(300), D(400)),
        ("0xB", D(300), D(350)),
        ("0xC", D(120), D(120)),
        ("0xD", D(900), D(50)),
    ]
    paid = {
        who: expected_competitive_payout(
            pool=D("100.000001"),
            outcomes=outcomes,
            address=who,
            distribution=[D(50), D(30), D(20)],
            minimum_volume=D(100),
            decimals=6,
        )
        for who in ("0xa", "0xB", "0xC", "0xD")
    }
    assert paid == {"0xa": D("40"), "0xB": D("40"), "0xC": D("20"), "0xD": D(0)}
    # three tied for the last two ranks of a [60, 25, 15] list: (25 + 15 + 0) / 3 each
    tied = [
        ("0xA", D(9), D(100)),
        ("0xB", D(5), D(100)),
        ("0xC", D(5), D(100)),
        ("0xE", D(5), D(100)),
    ]
    share = expected_competitive_payout(
        pool=D(10),
        outcomes=tied,
        address="0xE",
        distribution=[D(60), D(25), D(15)],
        minimum_volume=D(1),
        decimals=6,
    )
    assert share == D("1.333333")  # 10 × 13.333…% rounded down
