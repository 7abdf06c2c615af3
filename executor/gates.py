"""The risk gates: pure functions from a tick's figures to a Verdict (docs/executor.md).

No I/O and no writes: the tick gathers the figures, a gate says what to cancel, which
quotes may still go out, whether the order's kill switch trips and what to record; the
tick applies the verdict to its working set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from executor import risk
from executor.events import EventDraft, event_draft
from executor.models import TrackedOrder
from strategy import Balances, Decision, Quote, Side


@dataclass(frozen=True, slots=True)
class Verdict:
    proceed: bool = True  # before the decision: ask the strategy
    cancel_all: bool = False  # cancel every resting quote of the order
    creates: tuple[Quote, ...] = ()  # after the decision: the quotes that may go out
    events: tuple[EventDraft, ...] = ()
    trip: str | None = None  # the order's kill switch trips, for this reason
    market_data_stale: bool | None = None  # the order's new cancel-only flag, when it changes
    halted_sides: dict[str, str] | None = None  # the side pauses still running, when some ended


def gate_before_decision(
    *,
    global_switch: bool,
    kill_switch_tripped: bool,
    market_data_readable: bool,
    market_data_stale: bool,
    last_tick_at: datetime | None,
    now: datetime,
    limits: risk.RiskLimits,
) -> Verdict:
    """Kill switches, then market data: without a two-sided book for too long the order
    goes cancel-only (said once), and says so again when the book is back."""
    if global_switch or kill_switch_tripped:
        return Verdict(proceed=False, cancel_all=True)
    if not market_data_readable:
        stale_after = timedelta(seconds=limits.stale_market_data_seconds)
        if not market_data_stale and (last_tick_at is None or now - last_tick_at >= stale_after):
            went_stale = event_draft(
                "risk_stale_market_data",
                "no two-sided order book; cancel-only until it is back",
                last_good_tick_at=last_tick_at,
                limit_seconds=limits.stale_market_data_seconds,
            )
            return Verdict(
                proceed=False, cancel_all=True, market_data_stale=True, events=(went_stale,)
            )
        return Verdict(proceed=False, cancel_all=market_data_stale)
    if market_data_stale:
        back = event_draft("risk_market_data_back", "the order book is readable again")
        return Verdict(market_data_stale=False, events=(back,))
    return Verdict()


def gate_after_decision(
    *,
    decision: Decision,
    creates: list[Quote],
    previous_price: Decimal | None,
    own_mid: Decimal,
    follows_reference: bool,
    live: list[TrackedOrder],
    staying_open: int,
    balances: Balances | None,
    target_base_pct: Decimal,
    halted_sides: dict[str, str],
    can_place: bool,
    now: datetime,
    limits: risk.RiskLimits,
) -> Verdict:
    """Drawdown trips the kill switch; a price jump or a reference market too far away
    hold every quote this tick; then halted sides, inventory exposure and the open-order
    limit trim the new quotes."""
    price = decision.reference_price
    drawdown = risk.drawdown(peak=decision.state.peak_equity, equity=decision.equity)
    if drawdown is not None and drawdown >= limits.max_drawdown_pct:
        reason = f"equity fell {drawdown:.2%} from its peak (limit {limits.max_drawdown_pct:.2%})"
        tripped = event_draft(
            "kill_switch_drawdown",
            reason,
            peak_equity=decision.state.peak_equity,
            equity=decision.equity,
            drawdown=drawdown,
            limit=limits.max_drawdown_pct,
        )
        return Verdict(cancel_all=True, trip=reason, events=(tripped,))
    jump = risk.price_jump(previous=previous_price, current=price)
    if jump is not None and jump > limits.max_price_jump_pct:
        jumped = event_draft(
            "risk_price_jump",
            "the reference price jumped since the last tick; no quotes this tick",
            previous=previous_price,
            current=price,
            jump=jump,
            limit=limits.max_price_jump_pct,
        )
        return Verdict(cancel_all=True, events=(jumped,))
    if follows_reference:
        deviation = risk.reference_deviation(own_mid=own_mid, reference=price)
        if deviation is not None and deviation > limits.max_reference_deviation_pct:
            deviated = event_draft(
                "risk_reference_deviation",
                "our market is too far from the reference market; no quotes",
                own_mid=own_mid,
                reference_price=price,
                deviation=deviation,
                limit=limits.max_reference_deviation_pct,
            )
            return Verdict(cancel_all=True, events=(deviated,))
    if not creates or not can_place:
        return Verdict()

    halted = {side for side, until in halted_sides.items() if datetime.fromisoformat(until) > now}
    still_halted = None
    if len(halted) != len(halted_sides):
        still_halted = {s: u for s, u in halted_sides.items() if s in halted}
    allowed = [q for q in creates if q.side.value not in halted]
    events: list[EventDraft] = []
    allowed = _exposure_gate(allowed, events, price, balances, live, target_base_pct, limits)
    allowed = _max_open_gate(allowed, events, staying_open, limits)
    return Verdict(creates=tuple(allowed), events=tuple(events), halted_sides=still_halted)


def _exposure_gate(
    creates: list[Quote],
    events: list[EventDraft],
    price: Decimal | None,
    balances: Balances | None,
    live: Iterable[TrackedOrder],
    target_base_pct: Decimal,
    limits: risk.RiskLimits,
) -> list[Quote]:
    """The side that would push the inventory further from its target is held."""
    if price is None or balances is None:
        return creates
    live = list(live)
    base_locked = sum((t.remaining for t in live if t.side == "sell"), Decimal(0))
    quote_locked = sum((t.remaining * t.price for t in live if t.side == "buy"), Decimal(0))
    exposure = risk.inventory_exposure(
        base_total=balances.base + base_locked,
        quote_total=balances.quote + quote_locked,
        price=price,
        target_base_pct=target_base_pct,
    )
    if exposure is None or exposure.pct <= limits.max_inventory_exposure_pct:
        return creates
    side: Side = exposure.side_to_hold
    if any(q.side is side for q in creates):
        events.append(
            event_draft(
                "risk_inventory_exposure",
                f"inventory is too far from its target; no {side.value} quotes",
                base_value=exposure.base_value,
                target_value=exposure.target_value,
                equity=exposure.equity,
                exposure=exposure.pct,
                limit=limits.max_inventory_exposure_pct,
                side=side.value,
            )
        )
    return [q for q in creates if q.side is not side]


def _max_open_gate(
    creates: list[Quote], events: list[EventDraft], staying_open: int, limits: risk.RiskLimits
) -> list[Quote]:
    """No more open orders than the limit: the closest levels matter most, the far wait."""
    room = max(0, limits.max_open_orders - staying_open)
    if len(creates) <= room:
        return creates
    events.append(
        event_draft(
            "risk_max_open_orders",
            "more quotes than the order may hold; the farthest levels are held back",
            open_orders=staying_open,
            proposed=len(creates),
            limit=limits.max_open_orders,
        )
    )
    return sorted(creates, key=lambda q: q.level)[:room]
