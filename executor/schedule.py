"""When each market is next due, and who ticks it now (MarketTickSchedule).

Both change by compare-and-swap: the beat claims a due market before enqueueing its tick
(`market_claim`), and a tick or a cancel-all takes the lease before touching the market
(`market_lease`), so one of them runs per market at a time without a lock held across
exchange calls.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from core.transactions import execute_unflushed
from executor.models import MarketTickSchedule

# A lease outlives any tick; one left by a killed worker frees itself after this.
LEASE = timedelta(seconds=60)
# A claimed market whose tick never ran (lost with its worker) is due again after this.
CLAIM = timedelta(seconds=30)


def market_schedule_ensure(*, pair_id: int, now: datetime) -> None:
    MarketTickSchedule.objects.get_or_create(
        pair_id=pair_id, defaults={"next_tick_at": now, "leased_until": now}
    )


def market_claim(*, pair_id: int, now: datetime) -> bool:
    """Claim a due market for one enqueued tick; False when another beat claimed it."""
    market_schedule_ensure(pair_id=pair_id, now=now)
    return bool(
        MarketTickSchedule.objects.filter(pair_id=pair_id, next_tick_at__lte=now).update(
            next_tick_at=now + CLAIM
        )
    )


@dataclass
class Lease:
    won: bool
    next_tick_at: datetime | None = None  # set by the tick; written when the lease ends
    # A statement of the tick's (its states' UPDATE, executor.state_store) that the lease's
    # end sends with its own UPDATE: one statement and one commit for both (PostgreSQL).
    write: tuple[str, list[Any]] | None = None


@contextmanager
def market_lease(*, pair_id: int, now: datetime) -> Iterator[Lease]:
    """Lease the market for the block; `won` is False while another holds it."""

    def take() -> bool:
        # Raw: the ORM's UPDATE costs more to compile than to run, on every tick.
        moment = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        taken = execute_unflushed(_take_sql(), [adapt(moment + LEASE), pair_id, adapt(moment)])
        return taken == 1

    won = take()
    if not won and not MarketTickSchedule.objects.filter(pair_id=pair_id).exists():
        market_schedule_ensure(pair_id=pair_id, now=now)
        won = take()
    lease = Lease(won=won)
    try:
        yield lease
    finally:
        if won:
            done = {"leased_until": timezone.now()}
            if lease.next_tick_at is not None:
                done["next_tick_at"] = lease.next_tick_at
            _lease_end(pair_id=pair_id, done=done, write=lease.write)


@functools.cache
def _take_sql() -> str:
    meta = MarketTickSchedule._meta
    quote = connection.ops.quote_name
    leased = quote(meta.get_field("leased_until").column)
    return (
        f"UPDATE {quote(meta.db_table)} SET {leased} = %s "  # noqa: S608 - names from the model
        f"WHERE {quote(meta.get_field('pair').column)} = %s AND {leased} <= %s"
    )


def _lease_end(
    *, pair_id: int, done: dict[str, datetime], write: tuple[str, list[Any]] | None
) -> None:
    """The lease's end, with the tick's write in the same statement when there is one (a
    data-modifying WITH). Its commit does not wait for the WAL flush: a lease end or a
    state that a crashing database loses is a tick to run again (core.transactions)."""
    meta = MarketTickSchedule._meta
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    sets = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in done)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {sets} "  # noqa: S608 - names from the model
        f"WHERE {quote(meta.get_field('pair').column)} = %s"
    )
    params = [*(adapt(value) for value in done.values()), pair_id]
    if write is not None:
        sql = f"WITH tick_write AS ({write[0]}) {sql}"
        params = [*write[1], *params]
    execute_unflushed(sql, params)
