"""Abuse heuristics over our own fills and quotes in a reward cycle (docs/campaigns.md,
"Abuse heuristics"). Pure: the reward manifest carries the fills, the quotes and these
thresholds, so `reward_verify` finds the same flags again.

Every rule names the trades it excludes from the allocation and the facts it saw. The
rules run in order, and a trade already excluded is not looked at again, so one trade is
flagged once.

- self_trade / two_account_volume: both sides of one trade are ours — the same trade id
  on two of our fills, or a buy and a sell of the same price and amount, one maker and
  one taker, within SELF_TRADE_GAP. In one account that is a self-trade; across two of
  our accounts it is volume traded between them.
- wash_round_trip: one account buys and sells back about the same amount at about the
  same price within WASH_WINDOW, and at least one side took liquidity. (An honest quote
  pair — both sides resting and filled by others — is maker on both sides and is left
  alone; its price gap is the spread.)
- spoof_cancel: a quote much larger than the account's usual size, cancelled unfilled
  soon after it was placed; the account's fills on the other side while it stood (and
  shortly after) are excluded.
- layering: several unfilled quotes on one side placed together and withdrawn together,
  far outweighing what the account quoted on the other side; the other side's fills while
  they stood are excluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

THRESHOLDS: dict[str, str] = {
    "self_trade_gap_seconds": "2",
    "wash_window_seconds": "120",
    "wash_amount_tolerance": "0.005",  # relative
    "wash_price_tolerance": "0.0005",  # relative (5 bps)
    "spoof_size_multiple": "5",  # × the account's median quote amount
    "spoof_max_life_seconds": "10",
    "spoof_after_seconds": "10",  # the other side's fills this long after the cancel count too
    "layering_min_quotes": "4",
    "layering_together_seconds": "3",
    "layering_side_ratio": "3",  # layered amount ≥ this × the other side's quoted amount
}


@dataclass(frozen=True)
class F:
    trade_id: str
    order_id: str
    account: str
    side: str
    is_maker: bool
    price: Decimal
    amount: Decimal
    at: datetime


@dataclass(frozen=True)
class Q:
    quote_id: str
    account: str
    side: str
    price: Decimal
    amount: Decimal
    filled: Decimal
    status: str
    placed_at: datetime
    ended_at: datetime | None


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _fill(raw: dict[str, Any]) -> F:
    at = _at(raw["traded_at"])
    assert at is not None
    return F(
        trade_id=raw["trade_id"],
        order_id=raw["order_id"],
        account=str(raw["account"]),
        side=raw["side"],
        is_maker=bool(raw["is_maker"]),
        price=Decimal(raw["price"]),
        amount=Decimal(raw["amount"]),
        at=at,
    )


def _quote(raw: dict[str, Any]) -> Q:
    placed = _at(raw["placed_at"])
    assert placed is not None
    return Q(
        quote_id=raw["quote_id"],
        account=str(raw["account"]),
        side=raw["side"],
        price=Decimal(raw["price"]),
        amount=Decimal(raw["amount"]),
        filled=Decimal(raw["filled"]),
        status=raw["status"],
        placed_at=placed,
        ended_at=_at(raw.get("ended_at")),
    )


def _close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _seconds(name: str, limits: dict[str, str]) -> timedelta:
    return timedelta(seconds=float(Decimal(limits[name])))


def _fill_facts(fill: F) -> dict[str, str]:
    return {
        "trade_id": fill.trade_id,
        "account": fill.account,
        "side": fill.side,
        "maker": "yes" if fill.is_maker else "no",
        "price": str(fill.price),
        "amount": str(fill.amount),
        "at": fill.at.isoformat(),
    }


def _self_trades(fills: list[F], limits: dict[str, str], taken: set[str]) -> list[dict]:
    flags = []
    gap = _seconds("self_trade_gap_seconds", limits)
    for i, a in enumerate(fills):
        for b in fills[i + 1 :]:
            if a.trade_id in taken or b.trade_id in taken or a.side == b.side:
                continue
            same_trade = a.trade_id == b.trade_id
            mirrored = (
                a.is_maker != b.is_maker
                and a.price == b.price
                and a.amount == b.amount
                and abs(a.at - b.at) <= gap
                and a.order_id != b.order_id
            )
            if not (same_trade or mirrored):
                continue
            rule = "self_trade" if a.account == b.account else "two_account_volume"
            flags.append(
                {
                    "rule": rule,
                    "trade_ids": sorted({a.trade_id, b.trade_id}),
                    "facts": {"fills": [_fill_facts(a), _fill_facts(b)]},
                }
            )
            taken.update({a.trade_id, b.trade_id})
    return flags


def _wash_round_trips(fills: list[F], limits: dict[str, str], taken: set[str]) -> list[dict]:
    flags = []
    window = _seconds("wash_window_seconds", limits)
    amount_tol = Decimal(limits["wash_amount_tolerance"])
    price_tol = Decimal(limits["wash_price_tolerance"])
    for i, a in enumerate(fills):
        for b in fills[i + 1 :]:
            if a.trade_id in taken or b.trade_id in taken:
                continue
            if (
                a.account == b.account
                and a.side != b.side
                and not (a.is_maker and b.is_maker)
                and abs(b.at - a.at) <= window
                and _close(a.amount, b.amount, amount_tol)
                and _close(a.price, b.price, price_tol)
            ):
                flags.append(
                    {
                        "rule": "wash_round_trip",
                        "trade_ids": sorted({a.trade_id, b.trade_id}),
                        "facts": {"fills": [_fill_facts(a), _fill_facts(b)]},
                    }
                )
                taken.update({a.trade_id, b.trade_id})
    return flags


def _other_side_fills(
    fills: list[F], account: str, side: str, start: datetime, end: datetime, taken: set[str]
) -> list[str]:
    return sorted(
        f.trade_id
        for f in fills
        if f.account == account
        and f.side != side
        and start <= f.at <= end
        and f.trade_id not in taken
    )


def _quote_facts(quote: Q) -> dict[str, str]:
    return {
        "quote_id": quote.quote_id,
        "side": quote.side,
        "price": str(quote.price),
        "amount": str(quote.amount),
        "placed_at": quote.placed_at.isoformat(),
        "ended_at": quote.ended_at.isoformat() if quote.ended_at else "",
    }


def _withdrawn_unfilled(quote: Q) -> bool:
    return quote.status == "cancelled" and quote.filled == 0 and quote.ended_at is not None


def _spoofs(fills: list[F], quotes: list[Q], limits: dict[str, str], taken: set[str]) -> list[dict]:
    flags = []
    multiple = Decimal(limits["spoof_size_multiple"])
    life = _seconds("spoof_max_life_seconds", limits)
    after = _seconds("spoof_after_seconds", limits)
    for account in sorted({q.account for q in quotes}):
        mine = [q for q in quotes if q.account == account]
        usual = Decimal(median(q.amount for q in mine))
        for quote in mine:
            if not _withdrawn_unfilled(quote) or quote.amount < multiple * usual:
                continue
            assert quote.ended_at is not None
            if quote.ended_at - quote.placed_at > life:
                continue
            excluded = _other_side_fills(
                fills, account, quote.side, quote.placed_at, quote.ended_at + after, taken
            )
            flags.append(
                {
                    "rule": "spoof_cancel",
                    "trade_ids": excluded,
                    "facts": {"quote": _quote_facts(quote), "usual_amount": str(usual)},
                }
            )
            taken.update(excluded)
    return flags


def _layering(
    fills: list[F], quotes: list[Q], limits: dict[str, str], taken: set[str]
) -> list[dict]:
    flags = []
    least = int(limits["layering_min_quotes"])
    together = _seconds("layering_together_seconds", limits)
    ratio = Decimal(limits["layering_side_ratio"])
    after = _seconds("spoof_after_seconds", limits)
    for account in sorted({q.account for q in quotes}):
        for side in ("buy", "sell"):
            layer = sorted(
                (
                    q
                    for q in quotes
                    if q.account == account and q.side == side and _withdrawn_unfilled(q)
                ),
                key=lambda q: q.placed_at,
            )
            for start in range(len(layer)):
                group = [
                    q for q in layer[start:] if q.placed_at - layer[start].placed_at <= together
                ]
                ends = [q.ended_at for q in group if q.ended_at is not None]
                if len(group) < least or max(ends) - min(ends) > together:
                    continue
                first, last = group[0].placed_at, max(ends)
                other = sum(
                    (
                        q.amount
                        for q in quotes
                        if q.account == account
                        and q.side != side
                        and q.placed_at <= last
                        and (q.ended_at is None or q.ended_at >= first)
                    ),
                    Decimal(0),
                )
                layered = sum((q.amount for q in group), Decimal(0))
                if layered < ratio * other:
                    continue
                excluded = _other_side_fills(fills, account, side, first, last + after, taken)
                flags.append(
                    {
                        "rule": "layering",
                        "trade_ids": excluded,
                        "facts": {
                            "quotes": [_quote_facts(q) for q in group],
                            "layered_amount": str(layered),
                            "other_side_amount": str(other),
                        },
                    }
                )
                taken.update(excluded)
                break
    return flags


def flags_detect(
    *, fills: list[dict[str, Any]], quotes: list[dict[str, Any]], thresholds: dict[str, str]
) -> list[dict]:
    """Every flag, in rule order; each lists the trade ids it excludes and its facts."""
    ordered = sorted((_fill(f) for f in fills), key=lambda f: (f.at, f.trade_id, f.account))
    standing = sorted((_quote(q) for q in quotes), key=lambda q: (q.placed_at, q.quote_id))
    taken: set[str] = set()
    return [
        *_self_trades(ordered, thresholds, taken),
        *_wash_round_trips(ordered, thresholds, taken),
        *_spoofs(ordered, standing, thresholds, taken),
        *_layering(ordered, standing, thresholds, taken),
    ]
