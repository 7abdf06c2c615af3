"""Writing back what a tick changed: the events it recorded and the executor states, in
batches of raw UPDATEs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Model

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


def tick_persist(ticks: list[OrderTick], *, now: datetime, trace_id: str) -> None:
    """Write the tick's events and states. last_tick_at is the last tick that had market
    data to decide on (stale data is measured from it).

    One transaction when there is more than one statement to send; a quiet tick has only
    the states' hot fields, one statement, which commits by itself."""
    if any(t.events for t in ticks):
        with transaction.atomic():
            _events_write(ticks, now=now, trace_id=trace_id)
            _states_write(ticks, now=now)
        return
    _events_write(ticks, now=now, trace_id=trace_id)  # no statement: closes runs in memory
    _states_write(ticks, now=now)


def _states_write(ticks: list[OrderTick], *, now: datetime) -> None:
    writes: list[Callable[[], object]] = []
    dirty = [t for t in ticks if t.state_dirty]
    decided = {t.order_id for t in ticks if t.decision is not None}
    for tick in dirty:
        tick.state.strategy_state = state_to_dict(tick.strategy_state)
        if tick.order_id in decided:
            tick.state.last_tick_at = now
    if dirty:
        writes.append(lambda: states_update([t.state for t in dirty], HOT_FIELDS))
        cold = [t.state for t in dirty if t.cold_before != cold_fields_of(t.state)]
        if cold:
            writes.append(lambda: states_update(cold, COLD_FIELDS))
    quiet = decided - {t.order_id for t in dirty}
    if quiet:
        writes.append(
            lambda: ExecutorState.objects.filter(order_id__in=quiet).update(last_tick_at=now)
        )
    if len(writes) == 1:
        writes[0]()
        return
    with transaction.atomic():
        for write in writes:
            write()


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
    all rows (UPDATE … FROM VALUES), which commits by itself outside a transaction; elsewhere
    one statement per row, sent as a batch."""
    if not objects:
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    rows = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]  # type: ignore[union-attr]
        + [pk.get_db_prep_value(obj.pk, connection)]
        for obj in objects
    ]
    if connection.vendor == "postgresql":
        # Every value is cast to its column's type: VALUES would otherwise guess (a NULL or
        # a JSON text is not a numeric or jsonb by itself).
        casts = [c.cast_db_type(connection) for c in columns] + [pk.cast_db_type(connection)]  # type: ignore[union-attr]
        row_sql = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
        names_sql = ", ".join(quote(f"v{n}") for n in range(len(casts)))
        sql = "UPDATE {t} SET {sets} FROM (VALUES {rows}) AS v ({names}) WHERE {t}.{pk} = v.{key}".format(  # noqa: S608, E501 - names from the model
            t=quote(meta.db_table),
            sets=", ".join(
                f"{quote(c.column)} = v.{quote(f'v{n}')}" for n, c in enumerate(columns)
            ),  # type: ignore[union-attr]
            rows=", ".join([row_sql] * len(rows)),
            names=names_sql,
            pk=quote(pk.column),
            key=quote(f"v{len(columns)}"),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in rows for value in row])
        return
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        quote(meta.db_table),
        ", ".join(f"{quote(c.column)} = %s" for c in columns),  # type: ignore[union-attr]
        quote(pk.column),
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
