"""Worker processes for benchmarks/tick.py that share one venue and take the markets of
their queue through the real market lease (the steady, churn and scale-out phases).

After the first round the venue (with every API key's in-process gateway) moves into a
multiprocessing manager's server process, so every worker calls the same exchange state, as
Celery workers on several hosts call one exchange, and the venue stays in step with the
database whichever worker ticks a market. The markets go to queues by pair id; each round
the driver steps the venue's agents once (after a churn jump, in the churn phase) and puts
one job per market on its queue, and the workers of that queue take the jobs in turn.
Every tick goes through executor_tick_market, so the MarketTickSchedule lease decides who
ticks a market; the driver records when each tick ran and checks that no market's ticks
overlapped.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from multiprocessing.managers import BaseManager

from django.db import connection

from executor.services import executor_tick_market
from executor.timing import TickReport

QUEUES = 2
READY = "ready"
_served: dict[str, object] = {}


class VenueManager(BaseManager):
    pass


def _gateway(key: int) -> object:
    return _served["gateways"][key]  # type: ignore[index]


def _venue() -> object:
    return _served["venue"]


def _churn(markets: int, number: int, orders_per_market: int) -> None:
    _served["churn"](_served["venue"], markets, number, orders_per_market)  # type: ignore[operator]


VenueManager.register("gateway", callable=_gateway)
VenueManager.register("venue", callable=_venue)
VenueManager.register("churn", callable=_churn)


def venue_serve(venue: object, gateways: dict, churn_jump: Callable[..., None]) -> VenueManager:
    """Move the venue into a server process; from here on only the manager touches it."""
    _served["venue"], _served["gateways"], _served["churn"] = venue, gateways, churn_jump
    manager = VenueManager(address=("127.0.0.1", 0), authkey=os.urandom(16))
    connection.close()
    manager.start()  # forks the server process holding the venue
    return manager


def _worker(queue, results, manager_address, authkey, keys) -> None:  # noqa: ANN001 - mp objects
    client = VenueManager(address=manager_address, authkey=authkey)
    client.connect()
    # Warm, as a worker that has been running is: its database connection open and its
    # gateways built (a Celery worker keeps both for its life; exchanges.gateway.registry).
    proxies = {key: client.gateway(key) for key in keys}  # type: ignore[attr-defined]
    connection.ensure_connection()
    results.put(READY)

    def gateway_for(key: int) -> object:
        return proxies[key]

    try:
        while True:
            job = queue.get()
            if job is None:
                break
            pair_id, at = job
            started = time.monotonic()
            report = executor_tick_market(pair_id=pair_id, now=at, gateway_for=gateway_for)
            results.put((pair_id, os.getpid(), started, time.monotonic(), report))
    finally:
        connection.close()


def shared_rounds(
    pair_ids: list[int],
    *,
    queues: int,
    workers: int,
    rounds: range,
    start: datetime,
    manager: VenueManager,
    keys: list[int],
    churn: tuple[int, int] | None = None,
) -> tuple[list[tuple[int, int, float, float, TickReport]], float]:
    """Run `rounds` with `workers` processes on `queues` queues (worker w serves queue
    w % queues); `churn` = (markets, orders per market) adds the churn jump each round.
    The time starts once every worker is up and holds the gateways of `keys`."""
    context = multiprocessing.get_context("fork")
    job_queues = [context.Queue() for _ in range(queues)]
    results = context.Queue()
    connection.close()  # each worker opens its own
    children = [
        context.Process(
            target=_worker,
            args=(
                job_queues[w % queues],
                results,
                manager.address,
                bytes(manager._authkey),  # type: ignore[attr-defined]
                keys,
            ),
        )
        for w in range(workers)
    ]
    for child in children:
        child.start()
    for _ in children:
        assert results.get() == READY
    venue = manager.venue()  # type: ignore[attr-defined]
    done = []
    started = time.perf_counter()
    for number in rounds:
        if churn is not None:
            manager.churn(churn[0], number, churn[1])  # type: ignore[attr-defined]
        venue.agents_run_round()
        at = start + timedelta(seconds=number)
        for pair_id in pair_ids:
            job_queues[pair_id % queues].put((pair_id, at))
        done += [results.get() for _ in pair_ids]  # the round ends when every market ticked
    elapsed = time.perf_counter() - started
    for w in range(workers):
        job_queues[w % queues].put(None)
    for child in children:
        child.join()
    return done, elapsed


def overlaps(done: list[tuple[int, int, float, float, TickReport]]) -> int:
    """Pairs of ticks of one market whose run times overlapped (the lease forbids any)."""
    by_pair: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for pair_id, _, started, ended, report in done:
        if not report.skipped:
            by_pair[pair_id].append((started, ended))
    count = 0
    for spans in by_pair.values():
        spans.sort()
        count += sum(1 for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1])
    return count


def split_report(done: list[tuple[int, int, float, float, TickReport]], queues: int) -> str:
    """How the markets split between the workers, lease skips and overlapping ticks."""
    markets_of: dict[int, set[int]] = defaultdict(set)
    for pair_id, pid, *_ in done:
        markets_of[pid].add(pair_id)
    split = ", ".join(
        f"worker {n}: {len(m)} markets of queue {sorted(m)[0] % queues}"
        for n, m in enumerate(markets_of.values())
    )
    skipped = sum(1 for *_, report in done if report.skipped)
    return (
        f"  markets split: {split}; ticks skipped (lease held): {skipped}; "
        f"overlapping ticks of one market: {overlaps(done)}"
    )


def scale_out_phase(
    pair_ids: list[int],
    manager: VenueManager,
    keys: list[int],
    start: datetime,
    first_round: int,
    rounds: int,
    summary: Callable[[str, list[TickReport], float], None],
) -> None:
    """The same rounds with 2 workers (one per queue), then 4 (two per queue)."""
    for workers in (QUEUES, 2 * QUEUES):
        window = range(first_round, first_round + rounds)
        first_round += rounds
        done, elapsed = shared_rounds(
            pair_ids,
            queues=QUEUES,
            workers=workers,
            rounds=window,
            start=start,
            manager=manager,
            keys=keys,
        )
        summary(
            f"scale-out ({workers} workers, {QUEUES} queues)",
            [report for *_, report in done],
            elapsed,
        )
        print(split_report(done, QUEUES))
