"""The recording oracle's scoring against numbers worked out by hand (in the comments)."""

from decimal import Decimal as D

from simulators.hufi import scoring
from simulators.hufi.manifest import DAY_MS
from simulators.hufi.scoring import Fill, Participant


def fill(cost: str, side: str = "buy", role: str = "maker") -> Fill:
    return Fill(trade_id="1", side=side, taker_or_maker=role, cost=D(cost))


def test_fill_weights_are_maker_one_taker_buy_042_taker_sell_01():
    # 100 maker buy + 100 maker sell + 100 taker buy + 100 taker sell
    # = 100 + 100 + 42 + 10 = 252 score for 400 volume
    fills = (fill("100"), fill("100", "sell"), fill("100", "buy", "taker"))
    fills += (fill("100", "sell", "taker"),)
    assert scoring.volume_and_score(fills) == (D("400"), D("252"))


def test_daily_reward_takes_oracle_fees_off_and_divides_by_started_days():
    # 1000 × (100 − 3) / 100 = 970 over ceil(6.5) = 7 days = 138.571428…
    daily = scoring.daily_reward(fund=D("1000"), fee_percent=D("3"), duration_days=7)
    assert scoring.round_down(daily, 6) == D("138.571428")


def test_cycles_are_whole_days_from_the_start_and_the_last_is_cut_at_the_end():
    windows = scoring.cycle_windows(start_ms=1000, end_ms=1000 + 2 * DAY_MS + DAY_MS // 2)
    assert windows == [
        (1000, 1000 + DAY_MS),
        (1000 + DAY_MS, 1000 + 2 * DAY_MS),
        (1000 + 2 * DAY_MS, 1000 + 2 * DAY_MS + DAY_MS // 2),
    ]


def test_market_making_pool_follows_volume_and_payouts_round_down():
    # A: maker 400 + taker buy 100 → volume 500, score 400 + 42 = 442
    # B: taker sell 300            → volume 300, score 30
    # pool = 300 × min(800 / 1000, 1) = 240; Σ score = 472
    # A = 240 × 442 / 472 = 224.7457627… → 224.745762
    # B = 240 × 30 / 472  = 15.2542372… → 15.254237 (0.000001 stays in the escrow)
    result = scoring.cycle_score(
        campaign_type="MARKET_MAKING",
        details={"daily_volume_target": D("1000")},
        daily=D("300"),
        decimals=6,
        participants=[
            Participant("0xA", 1, fills=(fill("400"), fill("100", "buy", "taker"))),
            Participant("0xB", 2, fills=(fill("300", "sell", "taker"),)),
        ],
    )
    assert result.pool == D("240")
    assert result.total_volume == D("800")
    assert [(o.address, o.score, o.total_volume) for o in result.outcomes] == [
        ("0xA", D("442"), D("500")),
        ("0xB", D("30"), D("300")),
    ]
    assert result.payouts == (("0xA", D("224.745762")), ("0xB", D("15.254237")))
    assert sum(amount for _, amount in result.payouts) == D("239.999999")


def test_market_making_pool_is_capped_at_the_daily_reward():
    # volume 5000 ≥ target 1000 → pool = the daily 300, all to the only participant
    result = scoring.cycle_score(
        campaign_type="MARKET_MAKING",
        details={"daily_volume_target": D("1000")},
        daily=D("300"),
        decimals=6,
        participants=[Participant("0xA", 1, fills=(fill("5000"),))],
    )
    assert result.payouts == (("0xA", D("300")),)


def test_shared_deposit_address_scores_the_later_participant_zero():
    # A and C share a deposit address; C joined later → C scored 0 and its volume does not
    # feed the pool: pool = 300 × 400 / 1000 = 120, all to A.
    result = scoring.cycle_score(
        campaign_type="MARKET_MAKING",
        details={"daily_volume_target": D("1000")},
        daily=D("300"),
        decimals=6,
        participants=[
            Participant("0xC", 5, deposit_address="dep-1", fills=(fill("400"),)),
            Participant("0xA", 1, deposit_address="dep-1", fills=(fill("400"),)),
        ],
    )
    assert [(o.address, o.score, o.excluded) for o in result.outcomes] == [
        ("0xA", D("400"), ""),
        ("0xC", D("0"), scoring.SHARED_DEPOSIT_ADDRESS),
    ]
    assert result.payouts == (("0xA", D("120")),)


def test_competitive_ranks_ties_share_their_slots_and_remainders_stay():
    # fund 100 over 3 days → daily 33.333…; distribution 50 / 30 / 20, minimum volume 100
    # A score 500 → rank 1 → 50 % → 16.666… → 16.66
    # B, C tie at 300 → ranks 2 and 3 → (30 + 20) / 2 = 25 % each → 8.333… → 8.33
    # D volume 50 < 100 → not ranked. Paid 33.32 of 33.33 reserved.
    daily = scoring.daily_reward(fund=D("100"), fee_percent=D("0"), duration_days=3)
    result = scoring.cycle_score(
        campaign_type="COMPETITIVE_MARKET_MAKING",
        details={
            "minimum_volume_required": D("100"),
            "rewards_distribution": (D("50"), D("30"), D("20")),
        },
        daily=daily,
        decimals=2,
        participants=[
            Participant("0xA", 1, fills=(fill("500"),)),
            Participant("0xB", 2, fills=(fill("300"),)),
            Participant("0xC", 3, fills=(fill("300"),)),
            Participant("0xD", 4, fills=(fill("50"),)),
        ],
    )
    assert result.pool == D("33.33")
    assert result.payouts == (("0xA", D("16.66")), ("0xB", D("8.33")), ("0xC", D("8.33")))


def test_competitive_tie_past_the_last_slot_shares_only_the_slots_that_exist():
    # distribution 60 / 40, three tied → (60 + 40 + 0) / 3 = 33.33…% of 10 → 3.33 each
    result = scoring.cycle_score(
        campaign_type="COMPETITIVE_MARKET_MAKING",
        details={"minimum_volume_required": D("1"), "rewards_distribution": (D("60"), D("40"))},
        daily=D("10"),
        decimals=2,
        participants=[Participant(f"0x{n}", n, fills=(fill("7"),)) for n in range(3)],
    )
    assert [amount for _, amount in result.payouts] == [D("3.33")] * 3


def test_competitive_pays_nothing_when_nobody_reached_the_minimum():
    result = scoring.cycle_score(
        campaign_type="COMPETITIVE_MARKET_MAKING",
        details={"minimum_volume_required": D("100"), "rewards_distribution": (D("100"),)},
        daily=D("10"),
        decimals=2,
        participants=[Participant("0xA", 1, fills=(fill("99"),))],
    )
    assert (result.pool, result.payouts) == (D("0"), ())


def test_threshold_market_making_pays_eligible_over_max_participants():
    # target 100, max 4, daily 40: A (150) and C (100) eligible, B (99) removed
    # pool = 40 × 2 / 4 = 20 → 10 each
    result = scoring.cycle_score(
        campaign_type="THRESHOLD_MARKET_MAKING",
        details={"minimum_volume_target": D("100"), "max_participants": 4},
        daily=D("40"),
        decimals=6,
        participants=[
            Participant("0xA", 1, fills=(fill("150", "sell", "taker"),)),
            Participant("0xB", 2, fills=(fill("99"),)),
            Participant("0xC", 3, fills=(fill("100"),)),
        ],
    )
    assert [(o.address, o.score) for o in result.outcomes] == [("0xA", 1), ("0xC", 1)]
    assert result.payouts == (("0xA", D("10")), ("0xC", D("10")))


def test_holding_pool_follows_balances_against_the_target():
    # target 1000, balances 300 + 200 → pool = 50 × 0.5 = 25 → 15 and 10
    result = scoring.cycle_score(
        campaign_type="HOLDING",
        details={"daily_balance_target": D("1000")},
        daily=D("50"),
        decimals=6,
        participants=[
            Participant("0xA", 1, balance=D("300")),
            Participant("0xB", 2, balance=D("200")),
        ],
    )
    assert result.payouts == (("0xA", D("15")), ("0xB", D("10")))


def test_threshold_without_max_participants_shares_the_daily_amount_among_the_eligible():
    # target 10: A (12) eligible, B (5) removed → A gets the whole daily 7.5
    result = scoring.cycle_score(
        campaign_type="THRESHOLD",
        details={"minimum_balance_target": D("10")},
        daily=D("7.5"),
        decimals=6,
        participants=[
            Participant("0xA", 1, balance=D("12")),
            Participant("0xB", 2, balance=D("5")),
        ],
    )
    assert [o.address for o in result.outcomes] == ["0xA"]
    assert result.payouts == (("0xA", D("7.5")),)


def test_amounts_that_round_to_zero_are_dropped():
    # pool 1 (volume ≥ target), scores 1000 and 1: B's 1/1001 = 0.000999 → 0.00 → dropped
    result = scoring.cycle_score(
        campaign_type="MARKET_MAKING",
        details={"daily_volume_target": D("1")},
        daily=D("1"),
        decimals=2,
        participants=[
            Participant("0xA", 1, fills=(fill("1000"),)),
            Participant("0xB", 2, fills=(fill("1"),)),
        ],
    )
    assert result.payouts == (("0xA", D("0.99")),)
