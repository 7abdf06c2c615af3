"""The executor's reads: its hot path's, each one query for a whole market, and an
order's executor events for the order's timeline."""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model, Q
from django.db.models.base import ModelState

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
    """The executor states of the orders quoting on the market, oldest registration first
    (the global kill switch is read with the market's lease: executor.schedule)."""
    return list(
        ExecutorState.objects.filter(pair_id=pair_id, quoting=True)
        .select_related("pair")
        .order_by("registered_at", "order_id")
    )


def unreleased_tracked_orders(*, order_ids: Iterable[str]) -> list[TrackedOrder]:
    """Exchange orders that may still rest, or whose reservation is not yet released."""
    return list(
        TrackedOrder.objects.filter(order_id__in=list(order_ids), released=False).order_by(
            "order_id", "sequence"
        )
    )


@dataclass
class FreeBalances:
    """Each order's free funds on the exchange (`on_exchange`), base and quote, and the
    account each figure came from: (order id, "base" or "quote") by account id. Accounts
    never change, so a later read needs only their ids (free_balances_of_accounts)."""

    by_order: dict[str, Balances] = field(default_factory=dict)
    accounts: dict[int, tuple[str, str]] = field(default_factory=dict)


def free_balances(*, order_ids: Iterable[object], pair: TradingPair) -> FreeBalances:
    """The orders' free balances, found by owner."""
    rows = Balance.objects.filter(
        account__owner_kind=Account.OwnerKind.ORDER,
        account__owner_id__in=[str(order_id) for order_id in order_ids],
        account__purpose=Account.Purpose.ON_EXCHANGE,
        asset__in=[pair.base_asset_id, pair.quote_asset_id],
    ).values_list("account_id", "account__owner_id", "asset", "amount")
    return _free_balances_of_rows(order_ids, pair, rows)


def _free_balances_of_rows(
    order_ids: Iterable[object], pair: TradingPair, rows: Iterable[Sequence[Any]]
) -> FreeBalances:
    """From rows of (account id, order id, asset, amount); rows of other orders are left
    out."""
    figures = {str(i): {"base": Decimal(0), "quote": Decimal(0)} for i in order_ids}
    leg = {pair.base_asset_id: "base", pair.quote_asset_id: "quote"}
    accounts = {}
    for account_id, owner_id, asset, amount in rows:
        if owner_id in figures:
            figures[owner_id][leg[asset]] = amount
            accounts[account_id] = (owner_id, leg[asset])
    by_order = {i: Balances(base=f["base"], quote=f["quote"]) for i, f in figures.items()}
    return FreeBalances(by_order=by_order, accounts=accounts)


@dataclass
class MarketTickReads:
    """What a tick reads before deciding: the quoting orders' states (each with its pair),
    their unreleased tracked orders, and their free balances on the exchange."""

    states: list[ExecutorState]
    tracked: list[TrackedOrder]
    balances: FreeBalances


def market_tick_reads(*, pair_id: int) -> MarketTickReads:
    """The tick's three reads. On PostgreSQL they go in one round trip (three statements
    sent together, each with its own snapshot, as three round trips would have); rows of an
    order that stopped or started quoting between them are left out with it."""
    if connection.vendor != "postgresql":
        states = quoting_states_of_market(pair_id=pair_id)
        ids = [str(state.order_id) for state in states]
        return MarketTickReads(
            states=states,
            tracked=unreleased_tracked_orders(order_ids=ids) if ids else [],
            balances=free_balances(order_ids=ids, pair=states[0].pair) if ids else FreeBalances(),
        )
    with connection.cursor() as cursor:
        cursor.execute(_tick_reads_sql(), [pair_id, pair_id, pair_id, pair_id])
        state_rows = cursor.fetchall()
        cursor.nextset()
        tracked_rows = cursor.fetchall()
        cursor.nextset()
        balance_rows = cursor.fetchall()
    if not state_rows:
        return MarketTickReads(states=[], tracked=[], balances=FreeBalances())
    state_width = len(ExecutorState._meta.concrete_fields)
    pair = _models_from_rows(TradingPair, [state_rows[0][state_width:]])[0]
    states = _models_from_rows(ExecutorState, [row[:state_width] for row in state_rows])
    cache_pair = ExecutorState._meta.get_field("pair").set_cached_value
    for state in states:
        cache_pair(state, pair)
    ids = {str(state.order_id) for state in states}
    tracked = [t for t in _models_from_rows(TrackedOrder, tracked_rows) if str(t.order_id) in ids]
    balances = _free_balances_of_rows(ids, pair, balance_rows)
    return MarketTickReads(states=states, tracked=tracked, balances=balances)


def free_balances_of_accounts(
    *, order_ids: Iterable[object], accounts: dict[int, tuple[str, str]]
) -> dict[str, Balances]:
    """The free balances by the orders' `on_exchange` account ids (one primary-key lookup
    each; a tick's hot path, so raw on PostgreSQL) instead of by owner."""
    figures = {str(i): {"base": Decimal(0), "quote": Decimal(0)} for i in order_ids}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_balances_of_accounts_sql(), [list(accounts)])
            rows = cursor.fetchall()
    else:
        rows = list(
            Balance.objects.filter(account_id__in=list(accounts)).values_list(
                "account_id", "amount"
            )
        )
    for account_id, amount in rows:
        order_id, leg = accounts[account_id]
        figures[order_id][leg] = amount
    return {i: Balances(base=f["base"], quote=f["quote"]) for i, f in figures.items()}


@functools.cache
def _balances_of_accounts_sql() -> str:
    table = connection.ops.quote_name(Balance._meta.db_table)
    return f"SELECT account_id, amount FROM {table} WHERE account_id = ANY (%s::bigint[])"  # noqa: S608


@functools.cache
def _tick_reads_sql() -> str:
    """The three statements, written once per process from the models' tables and columns.
    The quoting orders' ids are read once into an array (ARRAY (subquery)) and matched with
    `= ANY`, so the tracked orders and the accounts are found through their indexes; an
    `IN (subquery)` let the planner join against every row of both tables."""
    quote = connection.ops.quote_name

    def columns(model: type[Model], alias: str) -> str:
        return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    quoting = f"SELECT order_id FROM {table(ExecutorState)} WHERE pair_id = %s AND quoting"  # noqa: S608
    return ";\n".join(
        [
            f"SELECT {columns(ExecutorState, 's')}, {columns(TradingPair, 'p')} "  # noqa: S608
            f"FROM {table(ExecutorState)} s JOIN {table(TradingPair)} p ON p.id = s.pair_id "
            "WHERE s.pair_id = %s AND s.quoting ORDER BY s.registered_at, s.order_id",
            f"SELECT {columns(TrackedOrder, 't')} FROM {table(TrackedOrder)} t "  # noqa: S608
            f"WHERE NOT t.released AND t.order_id = ANY (ARRAY ({quoting})) "
            "ORDER BY t.order_id, t.sequence",
            "SELECT a.id, a.owner_id, b.asset, b.amount "  # noqa: S608
            f"FROM {table(Balance)} b JOIN {table(Account)} a ON a.id = b.account_id "
            f"JOIN {table(TradingPair)} p ON p.id = %s "
            f"WHERE a.owner_kind = '{Account.OwnerKind.ORDER.value}' "
            f"AND a.purpose = '{Account.Purpose.ON_EXCHANGE.value}' "
            f"AND a.owner_id = ANY (ARRAY (SELECT order_id::text FROM ({quoting}) q)) "
            "AND b.asset IN (p.base_asset_id, p.quote_asset_id)",
        ]
    )


def _models_from_rows(model: type[Model], rows: Sequence[Sequence[Any]]) -> list[Any]:
    """Model instances from rows of every concrete field in order, each value through its
    field's converters (a JSON text becomes its value), as the ORM builds them."""
    fields = model._meta.concrete_fields
    converters = [
        (n, field_converters)
        for n, f in enumerate(fields)
        if (field_converters := f.get_db_converters(connection))
    ]
    names = [f.attname for f in fields]
    alias = connection.alias
    objects = []
    for row in rows:
        values = list(row)
        for n, field_converters in converters:
            for convert in field_converters:
                values[n] = convert(values[n], fields[n], connection)
        # What Model.from_db ends with, without __init__'s per-field checks (a row has every
        # concrete field, and these models have no init signal receivers); a tick builds
        # dozens of rows per market.
        instance = model.__new__(model)
        instance.__dict__.update(zip(names, values, strict=True))
        instance._state = ModelState()
        instance._state.adding = False
        instance._state.db = alias
        objects.append(instance)
    return objects


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
