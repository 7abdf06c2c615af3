"""The executor's record of what it did to an order (ExecutorEvent).

Services write one-off events at once (`executor_event_record`). A tick collects its events
as drafts and writes them with its states (`tick_events_write`): a trigger in
REPEATING_KINDS that the order's previous tick recorded too is counted into that row, so a
condition lasting many ticks is one line of the timeline, not one per tick.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.db import connection

from executor.models import ExecutorEvent, ExecutorState

ACTOR = "system:executor"

# Risk triggers and refusals that hold while their condition lasts, so fire tick after
# tick. Trips of a kill switch, rejects (they count towards one) and results stay one
# row each.
REPEATING_KINDS = frozenset(
    {
        "risk_stale_market_data",
        "risk_price_jump",
        "risk_reference_deviation",
        "risk_inventory_exposure",
        "risk_max_open_orders",
        "risk_insufficient_balance",
        "risk_self_trade_prevented",
        "quote_unfunded",
    }
)


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event decided during a tick, written when the tick persists its states."""

    kind: str
    reason: str
    data: dict[str, object] = field(default_factory=dict)


def event_draft(kind: str, reason: str, **figures: object) -> EventDraft:
    return EventDraft(kind=kind, reason=reason, data={k: _json(v) for k, v in figures.items()})


def executor_event_record(
    *,
    order_id: UUID | str,
    kind: str,
    reason: str,
    trace_id: str,
    at: datetime,
    actor: str = ACTOR,
    data: dict[str, object] | None = None,
) -> ExecutorEvent:
    return ExecutorEvent.objects.create(
        order_id=order_id,
        kind=kind,
        actor=actor,
        reason=reason,
        data={k: _json(v) for k, v in (data or {}).items()},
        first_at=at,
        last_at=at,
        trace_id=trace_id,
    )


def tick_events_write(
    drafts: Iterable[tuple[ExecutorState, list[EventDraft]]], *, now: datetime, trace_id: str
) -> list[ExecutorState]:
    """Write one tick's events for its orders. Returns the states whose open runs changed:
    their `repeating_events` is set here and must be saved with them."""
    new_rows: list[ExecutorEvent] = []
    new_runs: list[tuple[dict[str, int], ExecutorEvent]] = []
    continued: list[tuple[int, int, EventDraft]] = []  # (open event id, times, latest)
    plans: list[tuple[ExecutorState, dict[str, int]]] = []
    for state, events in drafts:
        repeats: dict[str, tuple[int, EventDraft]] = {}
        for draft in events:
            if draft.kind in REPEATING_KINDS:
                repeats[draft.kind] = (repeats.get(draft.kind, (0, draft))[0] + 1, draft)
            else:
                new_rows.append(_row(state, draft, now=now, trace_id=trace_id))
        runs: dict[str, int] = {}
        for kind, (times, draft) in repeats.items():
            open_id = state.repeating_events.get(kind)
            if open_id is None:
                row = _row(state, draft, now=now, trace_id=trace_id, count=times)
                new_rows.append(row)
                new_runs.append((runs, row))
            else:
                continued.append((open_id, times, draft))
                runs[kind] = open_id
        plans.append((state, runs))
    if new_rows:
        ExecutorEvent.objects.bulk_create(new_rows)  # sets the ids (PostgreSQL, SQLite ≥ 3.35)
    for runs, row in new_runs:
        runs[row.kind] = row.pk
    _runs_continue(continued, now=now)
    changed = []
    for state, runs in plans:
        if runs != state.repeating_events:
            state.repeating_events = runs
            changed.append(state)
    return changed


def _row(
    state: ExecutorState, draft: EventDraft, *, now: datetime, trace_id: str, count: int = 1
) -> ExecutorEvent:
    return ExecutorEvent(
        order_id=state.order_id,
        kind=draft.kind,
        actor=ACTOR,
        reason=draft.reason,
        data=draft.data,
        count=count,
        first_at=now,
        last_at=now,
        trace_id=state.trace_id or trace_id,  # the order's own trace, not the market tick's
    )


def _runs_continue(continued: list[tuple[int, int, EventDraft]], *, now: datetime) -> None:
    """Count this tick into the open rows: one statement per row, sent as one batch."""
    if not continued:
        return
    meta = ExecutorEvent._meta
    quote = connection.ops.quote_name
    count, last_at, data = (meta.get_field(name) for name in ("count", "last_at", "data"))
    sql = "UPDATE {} SET {c} = {c} + %s, {} = %s, {} = %s WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        quote(last_at.column),
        quote(data.column),
        quote(meta.pk.column),
        c=quote(count.column),
    )
    rows = [
        [
            times,
            last_at.get_db_prep_save(now, connection),
            data.get_db_prep_save(draft.data, connection),
            event_id,
        ]
        for event_id, times, draft in continued
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _json(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return value
