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
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Model

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


# One SQL statement and its parameters, not yet sent.
Statement = tuple[str, list[Any]]


def tick_persist(ticks: list[OrderTick], *, now: datetime, trace_id: str) -> Statement | None:
    """Write the tick's events and states. last_tick_at is the last tick that had market
    data to decide on (stale data is measured from it).

    One transaction when there is more than one statement to send. A quiet tick has one,
    the states' hot fields: on PostgreSQL it is returned unsent, for the lease's end to send
    with its own UPDATE (executor.schedule.Lease.write); elsewhere it commits by itself."""
    if any(t.events for t in ticks):
        with transaction.atomic():
            _events_write(ticks, now=now, trace_id=trace_id)
            _states_write(ticks, now=now, defer=False)
        return None
    _events_write(ticks, now=now, trace_id=trace_id)  # no statement: closes runs in memory
    return _states_write(ticks, now=now, defer=connection.vendor == "postgresql")


def _states_write(ticks: list[OrderTick], *, now: datetime, defer: bool) -> Statement | None:
    writes: list[tuple[list[ExecutorState], tuple[str, ...]]] = []
    dirty = [t for t in ticks if t.state_dirty]
    decided = {t.order_id for t in ticks if t.decision is not None}
    for tick in dirty:
        tick.state.strategy_state = state_to_dict(tick.strategy_state)
        if tick.order_id in decided:
            tick.state.last_tick_at = now
    if dirty:
        writes.append(([t.state for t in dirty], HOT_FIELDS))
        cold = [t.state for t in dirty if t.cold_before != cold_fields_of(t.state)]
        if cold:
            writes.append((cold, COLD_FIELDS))
    quiet = [t.state for t in ticks if t.order_id in decided and not t.state_dirty]
    for state in quiet:
        state.last_tick_at = now
    if quiet:
        writes.append((quiet, ("last_tick_at",)))
    if len(writes) == 1 and defer:
        return rows_update_statement(ExecutorState, *writes[0])
    with atomic_unflushed() if len(writes) > 1 else nullcontext():
        for states, names in writes:
            states_update(states, names)
    return None


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
    all rows (UPDATE … FROM VALUES), which outside a transaction commits by itself without
    waiting for the WAL flush (every caller writes what the exchange said of our orders or
    a tick's own state; module docstring); elsewhere one statement per row, sent as a
    batch."""
    if not objects:
        return
    if connection.vendor == "postgresql":
        execute_unflushed(*rows_update_statement(model, objects, names))
        return
    table, key, columns, rows = _rows(model, objects, names)
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        table, ", ".join(f"{column} = %s" for column, _ in columns[:-1]), key
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def rows_update_statement(
    model: type[Model], objects: Sequence[Model], names: tuple[str, ...]
) -> Statement:
    """rows_update's one statement on PostgreSQL, unsent. Every value is cast to its
    column's type: VALUES would otherwise guess (a NULL or a JSON text is not a numeric or
    jsonb by itself)."""
    table, key, columns, rows = _rows(model, objects, names)
    quote = connection.ops.quote_name
    casts = [cast for _, cast in columns]
    row_sql = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    sql = "UPDATE {t} SET {sets} FROM (VALUES {rows}) AS v ({names}) WHERE {t}.{pk} = v.{key}".format(  # noqa: S608, E501 - names from the model
        t=table,
        sets=", ".join(
            f"{column} = v.{quote(f'v{n}')}" for n, (column, _) in enumerate(columns[:-1])
        ),
        rows=", ".join([row_sql] * len(rows)),
        names=", ".join(quote(f"v{n}") for n in range(len(casts))),
        pk=key,
        key=quote(f"v{len(casts) - 1}"),
    )
    return sql, [value for row in rows for value in row]


def _rows(
    model: type[Model], objects: Sequence[Model], names: tuple[str, ...]
) -> tuple[str, str, list[tuple[str, str]], list[list[Any]]]:
    """The quoted table and key, (quoted column, cast) of each named field and then of the
    key, and each object's values in that order."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [meta.get_field(name) for name in names] + [pk]
    quote = connection.ops.quote_name
    columns = [(quote(f.column), f.cast_db_type(connection)) for f in fields]  # type: ignore[union-attr]
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields[:-1]]  # type: ignore[union-attr]
        + [pk.get_db_prep_value(obj.pk, connection)]
        for obj in objects
    ]
    return quote(meta.db_table), quote(pk.column), columns, rows
