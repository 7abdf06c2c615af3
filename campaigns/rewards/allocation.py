"""HuFi's weights applied to our fills, and the allocation of one reward among orders.

Rule (docs/campaigns.md, "Allocation"):
1. score of a fill = price × amount × weight (maker 1, taker buy 0.42, taker sell 0.1),
   HuFi's own weights; an order's score is the sum over its fills in the cycle window.
2. platform fee = reward × fee_bps / 10000, rounded down to the token's decimals.
3. each order's share = (reward − fee) × score / Σ scores, rounded down to the decimals.
4. what rounding leaves (less than one unit per order) goes to the order with the highest
   score; among equal scores, to the smallest order id. With no score at all the whole
   rest is the remainder, kept by the platform (recorded, never paid to an order).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

WEIGHTS = {"maker": Decimal(1), "taker_buy": Decimal("0.42"), "taker_sell": Decimal("0.1")}


@dataclass(frozen=True)
class Fill:
    trade_id: str
    order_id: str
    user_id: str
    side: str  # buy | sell
    is_maker: bool
    price: Decimal
    amount: Decimal

    @property
    def cost(self) -> Decimal:
        return self.price * self.amount

    @property
    def weight(self) -> Decimal:
        if self.is_maker:
            return WEIGHTS["maker"]
        return WEIGHTS["taker_buy"] if self.side == "buy" else WEIGHTS["taker_sell"]

    @property
    def score(self) -> Decimal:
        return self.cost * self.weight


@dataclass(frozen=True)
class Share:
    order_id: str
    user_id: str
    score: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Allocation:
    fee: Decimal
    shares: tuple[Share, ...]  # by order id
    remainder: Decimal
    remainder_order_id: str  # "" when the platform keeps it


def round_down(amount: Decimal, decimals: int) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN)


def allocate(*, reward: Decimal, decimals: int, fee_bps: int, fills: list[Fill]) -> Allocation:
    fee = round_down(reward * fee_bps / 10_000, decimals)
    rest = reward - fee
    scores: dict[str, Decimal] = {}
    users: dict[str, str] = {}
    for fill in fills:
        scores[fill.order_id] = scores.get(fill.order_id, Decimal(0)) + fill.score
        users[fill.order_id] = fill.user_id
    total = sum(scores.values(), Decimal(0))
    if total == 0:
        return Allocation(fee=fee, shares=(), remainder=rest, remainder_order_id="")
    amounts = {order: round_down(rest * score / total, decimals) for order, score in scores.items()}
    remainder = rest - sum(amounts.values(), Decimal(0))
    top = min(scores, key=lambda order: (-scores[order], order))
    amounts[top] += remainder
    shares = tuple(
        Share(order_id=order, user_id=users[order], score=scores[order], amount=amounts[order])
        for order in sorted(scores)
    )
    return Allocation(fee=fee, shares=shares, remainder=remainder, remainder_order_id=top)


def expected_payout(
    *, pool: Decimal, score: Decimal, total_score: Decimal, decimals: int
) -> Decimal:
    """What HuFi pays one participant of a proportional cycle: pool × score / Σ score,
    rounded down (threshold types have scores of 1, so this is the equal split)."""
    if total_score <= 0:
        return Decimal(0)
    return round_down(pool * score / total_score, decimals)


def expected_competitive_payout(
    *,
    pool: Decimal,
    outcomes: list[tuple[str, Decimal, Decimal]],
    address: str,
    distribution: list[Decimal],
    minimum_volume: Decimal,
    decimals: int,
) -> Decimal:
    """What HuFi pays `address` in a competitive cycle. `outcomes` are (address, score,
    volume); those whose volume reached the minimum are ranked by score, rank k earns
    distribution[k] % of the pool, and participants with equal scores split the percent of
    the ranks they occupy equally (ranks past the list earn 0), rounded down."""
    eligible = sorted(
        (o for o in outcomes if o[2] >= minimum_volume), key=lambda o: o[1], reverse=True
    )
    rank = 0
    while rank < len(eligible):
        tied = [o for o in eligible[rank:] if o[1] == eligible[rank][1]]
        if any(o[0].lower() == address.lower() for o in tied):
            percent = sum(distribution[rank : rank + len(tied)], Decimal(0)) / len(tied)
            return round_down(pool * percent / 100, decimals)
        rank += len(tied)
    return Decimal(0)
