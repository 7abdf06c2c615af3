"""The executor's reads: its hot path's, each one query for a whole market, and an
order's executor events for the order's timeline."""

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, Q

from exchanges.models import TradingPair
from executor.models import (
    RESTING_STATUSES,
    ExchangeFill,
    ExecutorEvent,
    ExecutorState,
    GlobalKillSwitch,
    TrackedOrder,
)
from executor.risk import risk_limits
from ledger.models import Account, Balance
from strategy import Balances


def quoting_states_of_market(*, pair_id: int) -> list[ExecutorState]:
    """The executor states of the orders quoting on the market, oldest registration first.

    Each carries `global_switch_engaged` (the global kill switch, read in the same query:
    one round trip less per tick)."""
    return list(
        ExecutorState.objects.filter(pair_id=pair_id, quoting=True)
        .select_related("pair")
        .annotate(global_switch_engaged=Exists(GlobalKillSwitch.objects.filter(engaged=True)))
        .order_by("registered_at", "order_id")
    )


def unreleased_tracked_orders(*, order_ids: Iterable[str]) -> list[TrackedOrder]:
    """Exchange orders that may still rest, or whose reservation is not yet released."""
    return list(
        TrackedOrder.objects.filter(order_id__in=list(order_ids), released=False).order_by(
            "order_id", "sequence"
        )
    )


def free_balances(*, order_ids: Iterable[str], pair: TradingPair) -> dict[str, Balances]:
    """Each order's free funds on the exchange (`on_exchange`), base and quote."""
    ids = [str(order_id) for order_id in order_ids]
    figures: dict[str, dict[str, Decimal]] = {
        i: {"base": Decimal(0), "quote": Decimal(0)} for i in ids
    }
    leg = {pair.base_asset_id: "base", pair.quote_asset_id: "quote"}
    rows = Balance.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER,
        account__owner_id__in=ids,
        account__purpose=Account.Purpose.ON_EXCHANGE,
        asset__in=list(leg),
    ).values_list("account__owner_id", "asset", "amount")
    for owner_id, asset, amount in rows:
        figures[owner_id][leg[asset]] = amount
    return {i: Balances(base=f["base"], quote=f["quote"]) for i, f in figures.items()}


def due_markets(*, now: datetime) -> list[int]:
    """Pairs with quoting orders whose next tick is due (or never scheduled)."""
    return list(
        ExecutorState.objects.filter(quoting=True)
        .filter(
            Q(pair__markettickschedule__isnull=True)
            | Q(pair__markettickschedule__next_tick_at__lte=now)
        )
        .values_list("pair_id", flat=True)
        .distinct()
    )


def order_events_latest(*, order_id: object, limit: int) -> list[ExecutorEvent]:
    """The order's latest `limit` executor events, newest (by first occurrence) first."""
    return list(
        ExecutorEvent.objects.filter(order_id=order_id).order_by("-first_at", "-id")[:limit]
    )


def order_quotes(*, order_id: object, limit: int) -> list[TrackedOrder]:
    """The order's latest `limit` exchange orders, newest first: what it quoted and when."""
    return list(TrackedOrder.objects.filter(order_id=order_id).order_by("-sequence")[:limit])


def order_quotes_resting(*, order_id: object) -> list[TrackedOrder]:
    """The order's quotes that rest on the book now, best price of each side first."""
    resting = TrackedOrder.objects.filter(order_id=order_id, status__in=RESTING_STATUSES)
    return sorted(resting, key=lambda q: (q.side, -q.price if q.side == "buy" else q.price))


def order_fills(*, order_id: object, limit: int, offset: int = 0) -> list[ExchangeFill]:
    """`limit` of the order's trades as the exchange reported them, newest first, after
    skipping the newest `offset`."""
    newest = ExchangeFill.objects.filter(tracked_order__order_id=order_id).order_by(
        "-traded_at", "-id"
    )
    return list(newest[offset : offset + limit])


def risk_rules_in_force(*, order_id: object) -> dict[str, object]:
    """The risk limits and gates that apply to the order now, as text, for its reports."""
    limits = {name: str(value) for name, value in asdict(risk_limits()).items()}
    switch = GlobalKillSwitch.objects.filter(pk=GlobalKillSwitch.SINGLETON_ID).first()
    state = ExecutorState.objects.filter(order_id=order_id).first()
    return {
        "risk_limits": limits,
        "global_kill_switch": {
            "engaged": bool(switch and switch.engaged),
            "reason": switch.reason if switch else "",
        },
        "order_kill_switch": {
            "tripped": bool(state and state.kill_switch_tripped),
            "reason": state.kill_switch_reason if state else "",
        },
        "halted_sides": dict(sorted(state.halted_sides.items())) if state else {},
    }
