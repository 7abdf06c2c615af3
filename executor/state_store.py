"""Writing back what a tick changed: the events it recorded and the executor states, in
batches of raw UPDATEs."""

from __future__ import annotations

from collections.abc import Sequence
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


@transaction.atomic
def tick_persist(ticks: list[OrderTick], *, now: datetime, trace_id: str) -> None:
    """Write the tick's events and states. last_tick_at is the last tick that had market
    data to decide on (stale data is measured from it)."""
    runs_changed = tick_events_write(
        ((t.state, t.events) for t in ticks), now=now, trace_id=trace_id
    )
    changed = {state.pk for state in runs_changed}
    for tick in ticks:
        if tick.order_id in changed:
            tick.state_dirty = True
    dirty = [t for t in ticks if t.state_dirty]
    decided = {t.order_id for t in ticks if t.decision is not None}
    for tick in dirty:
        tick.state.strategy_state = state_to_dict(tick.strategy_state)
        if tick.order_id in decided:
            tick.state.last_tick_at = now
    if dirty:
        states_update([t.state for t in dirty], HOT_FIELDS)
        states_update(
            [t.state for t in dirty if t.cold_before != cold_fields_of(t.state)], COLD_FIELDS
        )
    quiet = decided - {t.order_id for t in dirty}
    if quiet:
        ExecutorState.objects.filter(order_id__in=quiet).update(last_tick_at=now)


def states_update(states: list[ExecutorState], names: tuple[str, ...]) -> None:
    """UPDATE the named fields of each state: one statement per row, sent as a batch."""
    rows_update(ExecutorState, states, names)


def rows_update(model: type[Model], objects: Sequence[Model], names: tuple[str, ...]) -> None:
    """UPDATE the named fields of each row by primary key: one statement per row, sent as one
    batch (psycopg pipelines executemany, so it is one round trip on PostgreSQL)."""
    if not objects:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model
        quote(meta.db_table),
        ", ".join(f"{quote(c.column)} = %s" for c in columns),  # type: ignore[union-attr]
        quote(meta.pk.column),  # type: ignore[union-attr]
    )
    rows = [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]  # type: ignore[union-attr]
        + [meta.pk.get_db_prep_value(obj.pk, connection)]  # type: ignore[union-attr]
        for obj in objects
    ]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
