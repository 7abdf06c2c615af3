"""When each market is next due, who ticks it now, and which writing of its orders is the
latest (MarketTickSchedule).

Both change by compare-and-swap: the beat claims a due market before enqueueing its tick
(`market_claim`), and a tick or a cancel-all takes the lease before touching the market
(`market_lease`), so one of them runs per market at a time without a lock held across
exchange calls.

The version: every lease's end and every write to the market's executor states outside a
lease (`market_orders_changed`, in the writer's transaction) set a new random value. A
lease's end that finds the version it was taken with knows that nothing else wrote the
market's orders meanwhile (`Lease.version_left`); the worker may then keep the rows its
tick left, and use them while the next lease it takes finds that value
(executor.working_set).
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Subquery
from django.utils import timezone

from core.batch_sql import Statement
from core.transactions import execute_unflushed
from executor.models import ExecutorState, GlobalKillSwitch, MarketTickSchedule

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


def new_version() -> int:
    return secrets.randbits(62) + 1  # never the column's default 0


def market_orders_changed(*, pair_id: int | None = None, order_id: object = None) -> None:
    """A write outside a tick changed the market's executor states (of the pair, or of the
    order's pair): in the writer's transaction, after its write, so that no worker keeps
    using the rows it read before."""
    pair = pair_id if pair_id is not None else _pair_of(order_id)
    MarketTickSchedule.objects.filter(pair_id=pair).update(version=new_version())


def _pair_of(order_id: object) -> Subquery:
    return Subquery(ExecutorState.objects.filter(order_id=order_id).values("pair_id")[:1])


@dataclass
class Lease:
    won: bool
    version: int = 0  # the market's version when the lease was taken
    global_switch: bool = False  # the global kill switch, read with the lease
    next_tick_at: datetime | None = None  # set by the tick; written when the lease ends
    # The tick's statements (the creates' answers, executor.placement, and the states'
    # UPDATEs, executor.state_store) that the lease's end sends with its own UPDATE: one
    # statement and one commit for all (PostgreSQL).
    writes: list[Statement] = field(default_factory=list)
    # After the lease's end: the version it wrote when nothing else wrote the market's
    # orders while it was held, else None.
    version_left: int | None = None


@contextmanager
def market_lease(*, pair_id: int, now: datetime) -> Iterator[Lease]:
    """Lease the market for the block; `won` is False while another holds it."""

    def take() -> Lease:
        # Raw: the ORM's UPDATE costs more to compile than to run, on every tick.
        moment = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        taken = execute_unflushed(_take_sql(), [adapt(moment + LEASE), pair_id, adapt(moment)])
        if not taken:
            return Lease(won=False)
        version, switch = taken[0]
        return Lease(won=True, version=version, global_switch=bool(switch))

    lease = take()
    if not lease.won and not MarketTickSchedule.objects.filter(pair_id=pair_id).exists():
        market_schedule_ensure(pair_id=pair_id, now=now)
        lease = take()
    try:
        yield lease
    finally:
        if lease.won:
            done = {"leased_until": timezone.now()}
            if lease.next_tick_at is not None:
                done["next_tick_at"] = lease.next_tick_at
            _lease_end(pair_id=pair_id, done=done, lease=lease)


@functools.cache
def _take_sql() -> str:
    meta = MarketTickSchedule._meta
    quote = connection.ops.quote_name
    leased = quote(meta.get_field("leased_until").column)
    switch = quote(GlobalKillSwitch._meta.db_table)
    return (
        f"UPDATE {quote(meta.db_table)} SET {leased} = %s "  # noqa: S608 - names from the model
        f"WHERE {quote(meta.get_field('pair').column)} = %s AND {leased} <= %s "
        f"RETURNING {quote(meta.get_field('version').column)}, "
        f"EXISTS (SELECT 1 FROM {switch} WHERE engaged)"
    )


def _lease_end(*, pair_id: int, done: dict[str, datetime], lease: Lease) -> None:
    """The lease's end, with the tick's write in the same statement when there is one (a
    data-modifying WITH), and a new version unless another writer set one meanwhile. Its
    commit does not wait for the WAL flush: a lease end or a state that a crashing database
    loses is a tick to run again (core.transactions)."""
    meta = MarketTickSchedule._meta
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    version = quote(meta.get_field("version").column)
    sets = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in done)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {sets}, "  # noqa: S608 - names from the model
        f"{version} = CASE WHEN {version} = %s THEN %s ELSE {version} END "
        f"WHERE {quote(meta.get_field('pair').column)} = %s RETURNING {version}"
    )
    left = new_version()
    params = [*(adapt(value) for value in done.values()), lease.version, left, pair_id]
    if lease.writes:
        # Each in a data-modifying WITH of its own: they write disjoint rows.
        sql = (
            "WITH "
            + ", ".join(f"tick_write{n} AS ({write})" for n, (write, _) in enumerate(lease.writes))
            + f" {sql}"
        )
        params = [*(value for _, values in lease.writes for value in values), *params]
    ended = execute_unflushed(sql, params)
    lease.version_left = left if ended and ended[0][0] == left else None
