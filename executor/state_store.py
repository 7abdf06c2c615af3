"""Writing back what a tick changed: the events it recorded and the executor states, in
batches of raw UPDATEs. On PostgreSQL a quiet tick's one UPDATE is handed back instead of
sent, and the lease's end sends it with its own (executor.schedule): one statement and one
commit for both.

What is only the tick's own state (strategy timers, reference price, peak, last tick) or
what the exchange said of our orders commits without waiting for the WAL flush
(core.transactions): a crashing database that loses it leaves the state of a second
earlier, which the next tick decides from. The events are records for people: their
transaction waits for the flush."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Model

from core.batch_sql import Statement, insert_statement, update_statement
from core.transactions import atomic_unflushed, execute_unflushed
from executor.events import tick_events_write
from executor.models import ExecutorState
from strategy import state_to_dict

if TYPE_CHECKING:
    from executor.order_tick import OrderTick

# Written on most ticks (timers, reference price, peak); one statement per row, sent as a
# batch. Django's bulk_update builds a CASE per field and row, which cost more than the
# whole rest of a tick.
HOT_FIELDS = ("strategy_state", "last_reference_price", "peak_equity", "last_tick_at")
# Changed only when a risk control, a placement or a repeating event acts.
COLD_FIELDS = (
    "consecutive_rejects",
    "kill_switch_tripped",
    "kill_switch_reason",
    "halted_sides",
    "market_data_stale",
    "next_sequence",
    "repeating_events",
)


def cold_fields_of(state: ExecutorState) -> tuple:
    return tuple(getattr(state, name) for name in COLD_FIELDS)


def tick_persist(ticks: list[OrderTick], *, now: datetime, trace_id: str) -> list[Statement]:
    """Write the tick's events and states. last_tick_at is the last tick that had market
    data to decide on (stale data is measured from it).

    A tick without events writes only states: on PostgreSQL their UPDATEs are returned
    unsent, for the lease's end to send with its own (executor.schedule.Lease.writes), one
    statement and one commit for all; elsewhere they commit here. With events, the events
    and the states go in one transaction that waits for the flush."""
    if any(t.events for t in ticks):
        with transaction.atomic():
            _events_write(ticks, now=now, trace_id=trace_id)
            _states_write(ticks, now=now, defer=False)
        return []
    _events_write(ticks, now=now, trace_id=trace_id)  # no statement: closes runs in memory
    return _states_write(ticks, now=now, defer=connection.vendor == "postgresql")


def _states_write(ticks: list[OrderTick], *, now: datetime, defer: bool) -> list[Statement]:
    """The states' UPDATEs, one per set of fields written, over disjoint sets of rows (so
    they can share one statement): the rows whose risk or placement fields changed get
    those with the hot ones; the other changed rows the hot ones; a row that only ticked
    its last_tick_at. A row's cold fields are written only when this tick changed them,
    so a tick never writes back an older value of what an operator changed meanwhile (a
    kill-switch reset)."""
    writes: list[tuple[list[ExecutorState], tuple[str, ...]]] = []
    dirty = [t for t in ticks if t.state_dirty]
    decided = {t.order_id for t in ticks if t.decision is not None}
    for tick in dirty:
        tick.state.strategy_state = state_to_dict(tick.strategy_state)
        if tick.order_id in decided:
            tick.state.last_tick_at = now
    cold: list[ExecutorState] = []
    hot: list[ExecutorState] = []
    for tick in dirty:
        (hot if tick.cold_before == cold_fields_of(tick.state) else cold).append(tick.state)
    if cold:
        writes.append((cold, HOT_FIELDS + COLD_FIELDS))
    if hot:
        writes.append((hot, HOT_FIELDS))
    quiet = [t.state for t in ticks if t.order_id in decided and not t.state_dirty]
    for state in quiet:
        state.last_tick_at = now
    if quiet:
        writes.append((quiet, ("last_tick_at",)))
    if defer:
        return [update_statement(ExecutorState, states, names) for states, names in writes]
    with atomic_unflushed() if len(writes) > 1 else nullcontext():
        for states, names in writes:
            states_update(states, names)
    return []


def _events_write(ticks: list[OrderTick], *, now: datetime, trace_id: str) -> None:
    """The events, and the states whose open runs of repeating events changed: those are
    marked dirty (their `repeating_events` is saved with them)."""
    runs_changed = tick_events_write(
        ((t.state, t.events) for t in ticks), now=now, trace_id=trace_id
    )
    changed = {state.pk for state in runs_changed}
    for tick in ticks:
        if tick.order_id in changed:
            tick.state_dirty = True


def states_update(states: list[ExecutorState], names: tuple[str, ...]) -> None:
    """UPDATE the named fields of each state: one statement per row, sent as a batch."""
    rows_update(ExecutorState, states, names)


def rows_update(model: type[Model], objects: Sequence[Model], names: tuple[str, ...]) -> None:
    """UPDATE the named fields of each row by primary key. On PostgreSQL one statement for
    all rows (core.batch_sql), which outside a transaction commits by itself without
    waiting for the WAL flush (every caller writes what the exchange said of our orders or
    a tick's own state; module docstring); elsewhere one statement per row, sent as a
    batch."""
    if not objects:
        return
    if connection.vendor == "postgresql":
        execute_unflushed(*update_statement(model, objects, names))
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),  # type: ignore[union-attr]
        quote(pk.column),
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]  # type: ignore[union-attr]
        + [pk.get_db_prep_value(obj.pk, connection)]
        for obj in objects
    ]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def rows_insert(model: type[Model], objects: Sequence[Model]) -> None:
    """INSERT new rows and set their primary keys: on PostgreSQL one statement whose text
    does not depend on the number of rows (core.batch_sql), elsewhere bulk_create."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects)
        return
    with connection.cursor() as cursor:
        cursor.execute(*insert_statement(model, objects))
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias
