"""The recording oracle's scoring of one daily cycle, pure and Decimal (no I/O).

From shared/reference/hufi.md:

- score of a fill = cost (quote) × weight: maker 1 (either side), taker buy 0.42, taker
  sell 0.1; volume = Σ cost. Threshold market making: 1 if volume ≥ the target, else 0.
  Holding: the balance. Threshold: 1 if the balance ≥ the target.
- the only anti-abuse rule: two participants with the same exchange deposit address → the
  later to join is scored 0 (and its volume or balance does not feed the pool).
- daily reward = fund × (100 − Σ oracle fee %) / 100 / ceil(duration days).
- pool: market making `daily × min(Σ volume / daily_volume_target, 1)`, holding the same
  with balances; competitive: the whole daily amount once anyone reached
  `minimum_volume_required`; threshold types `daily × eligible / max_participants` (no
  cap: the whole daily amount once anyone is eligible), zero scores removed.
- payout = pool × score / Σ score, rounded DOWN to the token's decimals, zero amounts
  dropped. Competitive: the eligible participants ranked by score, rank k gets
  `rewards_distribution[k]` percent of the pool; tied participants share the slots they
  occupy equally, each share rounded down. What rounding leaves stays in the escrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from simulators.hufi import manifest as m

MAKER_WEIGHT = Decimal(1)
TAKER_BUY_WEIGHT = Decimal("0.42")
TAKER_SELL_WEIGHT = Decimal("0.1")
SHARED_DEPOSIT_ADDRESS = "shared_deposit_address"
ZERO = Decimal(0)


@dataclass(frozen=True)
class Fill:
    trade_id: str
    side: str  # buy | sell
    taker_or_maker: str  # maker | taker
    cost: Decimal  # in the quote asset


@dataclass(frozen=True)
class Participant:
    address: str
    joined_at_ms: int
    deposit_address: str = ""  # on the exchange, of the campaign's base asset or symbol
    fills: tuple[Fill, ...] = ()
    balance: Decimal = ZERO  # holding types: the symbol's balance on the exchange


@dataclass(frozen=True)
class Outcome:
    address: str
    score: Decimal
    total_volume: Decimal  # holding types: the balance
    excluded: str = ""  # why the score was forced to 0


@dataclass(frozen=True)
class CycleResult:
    pool: Decimal  # rounded down to the token's decimals: the cycle's reserved funds
    total_volume: Decimal
    outcomes: tuple[Outcome, ...]
    payouts: tuple[tuple[str, Decimal], ...]  # (address, amount > 0), in outcome order


def round_down(amount: Decimal, decimals: int) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)


def fill_weight(fill: Fill) -> Decimal:
    if fill.taker_or_maker == "maker":
        return MAKER_WEIGHT
    return TAKER_BUY_WEIGHT if fill.side == "buy" else TAKER_SELL_WEIGHT


def volume_and_score(fills: tuple[Fill, ...]) -> tuple[Decimal, Decimal]:
    volume = sum((fill.cost for fill in fills), ZERO)
    score = sum((fill.cost * fill_weight(fill) for fill in fills), ZERO)
    return volume, score


def daily_reward(*, fund: Decimal, fee_percent: Decimal, duration_days: int) -> Decimal:
    return fund * (100 - fee_percent) / 100 / duration_days


def cycle_windows(*, start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """Whole days from the start; the last one is cut at the end (or the cancellation)."""
    windows = []
    cycle_start = start_ms
    while cycle_start < end_ms:
        windows.append((cycle_start, min(cycle_start + m.DAY_MS, end_ms)))
        cycle_start += m.DAY_MS
    return windows


def _outcome(campaign_type: str, details: dict, participant: Participant) -> Outcome:
    if campaign_type in m.TRADING_TYPES:
        volume, score = volume_and_score(participant.fills)
        if campaign_type == m.THRESHOLD_MARKET_MAKING:
            score = Decimal(1) if volume >= details["minimum_volume_target"] else ZERO
        return Outcome(participant.address, score, volume)
    balance = participant.balance
    if campaign_type == m.THRESHOLD:
        score = Decimal(1) if balance >= details["minimum_balance_target"] else ZERO
        return Outcome(participant.address, score, balance)
    return Outcome(participant.address, balance, balance)


def outcomes_score(
    *, campaign_type: str, details: dict, participants: list[Participant]
) -> list[Outcome]:
    """One outcome per participant in join order, the shared deposit address rule applied."""
    ordered = sorted(participants, key=lambda p: p.joined_at_ms)  # stable: ties keep order
    seen_addresses: set[str] = set()
    outcomes = []
    for participant in ordered:
        outcome = _outcome(campaign_type, details, participant)
        if participant.deposit_address and participant.deposit_address in seen_addresses:
            outcome = Outcome(outcome.address, ZERO, outcome.total_volume, SHARED_DEPOSIT_ADDRESS)
        seen_addresses.add(participant.deposit_address)
        outcomes.append(outcome)
    if campaign_type in (m.THRESHOLD_MARKET_MAKING, m.THRESHOLD):
        outcomes = [outcome for outcome in outcomes if outcome.score > 0]
    return outcomes


def pool_amount(
    *, campaign_type: str, details: dict, daily: Decimal, outcomes: list[Outcome]
) -> Decimal:
    counted = [outcome for outcome in outcomes if not outcome.excluded]
    if campaign_type in (m.MARKET_MAKING, m.HOLDING):
        target_name = (
            "daily_volume_target" if campaign_type == m.MARKET_MAKING else ("daily_balance_target")
        )
        total = sum((outcome.total_volume for outcome in counted), ZERO)
        return daily * min(total / details[target_name], Decimal(1))
    if campaign_type == m.COMPETITIVE_MARKET_MAKING:
        minimum = details["minimum_volume_required"]
        return daily if any(o.total_volume >= minimum for o in counted) else ZERO
    eligible = sum(1 for outcome in counted if outcome.score > 0)
    max_participants = details.get("max_participants")
    if max_participants is None:
        return daily if eligible else ZERO
    return daily * eligible / max_participants


def _competitive_shares(details: dict, outcomes: list[Outcome]) -> dict[str, Decimal]:
    """Percent of the pool per address: ranked by score, ties share their slots equally."""
    minimum = details["minimum_volume_required"]
    distribution: tuple[Decimal, ...] = details["rewards_distribution"]
    eligible = [o for o in outcomes if o.total_volume >= minimum and o.score > 0]
    eligible.sort(key=lambda o: o.score, reverse=True)  # stable: ties keep join order
    shares: dict[str, Decimal] = {}
    rank = 0
    while rank < len(eligible):
        tied = [o for o in eligible[rank:] if o.score == eligible[rank].score]
        slots = sum(distribution[rank : rank + len(tied)], ZERO)
        for outcome in tied:
            shares[outcome.address] = slots / len(tied)
        rank += len(tied)
    return shares


def payouts_compute(
    *,
    campaign_type: str,
    details: dict,
    pool: Decimal,
    outcomes: list[Outcome],
    decimals: int,
) -> list[tuple[str, Decimal]]:
    if campaign_type == m.COMPETITIVE_MARKET_MAKING:
        shares = _competitive_shares(details, outcomes)
        amounts = {address: pool * share / 100 for address, share in shares.items()}
    else:
        total_score = sum((outcome.score for outcome in outcomes), ZERO)
        amounts = {
            outcome.address: pool * outcome.score / total_score if total_score else ZERO
            for outcome in outcomes
        }
    payouts = []
    for outcome in outcomes:
        amount = round_down(amounts.get(outcome.address, ZERO), decimals)
        if amount > 0:
            payouts.append((outcome.address, amount))
    return payouts


def cycle_score(
    *,
    campaign_type: str,
    details: dict,
    daily: Decimal,
    decimals: int,
    participants: list[Participant],
) -> CycleResult:
    outcomes = outcomes_score(
        campaign_type=campaign_type, details=details, participants=participants
    )
    pool = pool_amount(campaign_type=campaign_type, details=details, daily=daily, outcomes=outcomes)
    payouts = payouts_compute(
        campaign_type=campaign_type,
        details=details,
        pool=pool,
        outcomes=outcomes,
        decimals=decimals,
    )
    return CycleResult(
        pool=round_down(pool, decimals),
        total_volume=sum((o.total_volume for o in outcomes if not o.excluded), ZERO),
        outcomes=tuple(outcomes),
        payouts=tuple(payouts),
    )
