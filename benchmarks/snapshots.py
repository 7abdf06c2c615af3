"""Metric snapshots: the cost of sampling N running orders over M markets, and the storage
they take on PostgreSQL over 30 days.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/mm_metrics \
        .venv/bin/python benchmarks/snapshots.py [--orders 1000] [--markets 50] [--slots 30]

Runs on a throwaway database (`test_<name>`, created and dropped here). The orders and
markets are benchmarks/tick.py's (one simulated venue account per market, makers and
takers moving the price); one executor round places every order's quotes first, so each
snapshot values real resting quotes. Then, slot after slot (the agents stepping between
slots, outside the measure), every market's snapshot is taken as the tasks take them, in
batches of --batch markets (REPORTS_SNAPSHOT_MARKETS_PER_TASK) one after the other in this
process, through the in-process gateway (no socket; the book read's CPU is the
simulator's, counted here).

Prints, per slot, the wall time of taking every market's snapshot and its share of one
worker at the sampling interval (the target: under 5 % of one worker at 10 s), the
database statements it sent, the CPU time of this process and of its PostgreSQL backend,
and the machine's load average (a shared machine stretches the wall time: it includes
waiting for a core at every database round trip); then the measured bytes per row of each
table (heap, indexes and TOAST, from pg_total_relation_size), raw, rolled to 1 minute and
to 1 hour, with the 30-day storage of N orders and M markets under the retention settings.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks.tick import setup, tick_round  # noqa: E402  (sets Django up)
from reports.models import MarketRollup, MarketSnapshot, OrderRollup, OrderSnapshot  # noqa: E402
from reports.rollups import snapshots_roll_up  # noqa: E402
from reports.snapshots import markets_snapshot_take, slot_of  # noqa: E402
from simulators.venue.venue import Venue  # noqa: E402

GIB = 1024**3


def backend_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL backend (same machine: /proc)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


statements: list[int] = [0]


def count_statement(execute, sql, params, many, context):
    statements[0] += 1
    return execute(sql, params, many, context)


def table_bytes(model) -> int:
    with connection.cursor() as cursor:
        # Compacted, as a table in steady state reuses the space its roll-ups free.
        cursor.execute("VACUUM FULL ANALYZE " + model._meta.db_table)
        cursor.execute("SELECT pg_total_relation_size(%s)", [model._meta.db_table])
        return cursor.fetchone()[0]


def bytes_per_row(model, **filters) -> float:
    rows = model.objects.filter(**filters).count()
    return table_bytes(model) / rows if rows else 0.0


def spread_entries(label: str) -> None:
    """How many distinct spreads a rolled-up row keeps (its histogram's size)."""
    for model in (MarketRollup, OrderRollup):
        counts = [len(spreads) for spreads in model.objects.values_list("spreads", flat=True)]
        samples = statistics.mean(model.objects.values_list("samples", flat=True))
        print(
            f"  {model.__name__} {label} rows: {statistics.mean(counts):.1f} distinct spreads "
            f"(max {max(counts)}) over {samples:.0f} snapshots a row"
        )


def rows_per_subject_30_days(interval: int, raw_hours: int, minute_days: int) -> dict[str, float]:
    """Rows one order (or market) holds on day 30, sampled all along."""
    total_hours = 30 * 24
    return {
        "raw": raw_hours * 3600 / interval,
        "minute": (minute_days * 24 - raw_hours) * 60,
        "hour": total_hours - minute_days * 24,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--markets", type=int, default=50)
    parser.add_argument("--slots", type=int, default=30)
    parser.add_argument(
        "--batch",
        type=int,
        default=settings.REPORTS_SNAPSHOT_MARKETS_PER_TASK,
        help="markets per snapshot task (REPORTS_SNAPSHOT_MARKETS_PER_TASK)",
    )
    parser.add_argument(
        "--cost-only", action="store_true", help="the cost per slot, not the storage"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("benchmarks/snapshots.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    interval = settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS

    real_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        print(
            f"PostgreSQL {version}, database {test_name}, python {sys.version.split()[0]}, "
            f"{args.orders} orders over {args.markets} markets, {os.cpu_count()} CPUs, "
            f"interval {interval} s, {args.batch} markets per task"
        )
        venue = Venue(seed=11)
        pair_ids, gateways = setup(args.orders, args.markets, venue)
        start = slot_of(datetime.now(tz=UTC))
        tick_round(pair_ids, gateways, venue, start)  # every order's quotes on the books

        walls, cpus, backend = [], [], []
        for slot in range(args.slots):
            venue.agents_run_round()
            at = start + timedelta(seconds=interval * slot)
            wall, cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu_seconds()
            with connection.execute_wrapper(count_statement):
                for first in range(0, len(pair_ids), args.batch):
                    markets_snapshot_take(
                        pair_ids=pair_ids[first : first + args.batch],
                        at=at,
                        gateway_for=gateways.__getitem__,
                    )
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            backend.append(backend_cpu_seconds() - db_cpu)
        median, worst = statistics.median(walls), max(walls)
        cpu, db_cpu = statistics.mean(cpus), statistics.mean(backend)
        print(
            f"one slot ({args.markets} markets, {args.orders} orders), {args.slots} slots:\n"
            f"  wall median {median * 1000:.0f} ms (min {min(walls) * 1000:.0f}, max "
            f"{worst * 1000:.0f}) = {median / interval:.1%} of one worker at {interval} s "
            f"(max {worst / interval:.1%})\n"
            f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
            f"  database statements per slot: {statements[0] / args.slots:.0f} (and one COPY "
            f"per table and task)\n"
            f"  CPU mean: worker {cpu * 1000:.0f} ms + its PostgreSQL backend "
            f"{db_cpu * 1000:.0f} ms = {(cpu + db_cpu) / interval:.1%} of one CPU at {interval} s"
        )
        if args.cost_only:
            return

        sizes = {
            "market raw": bytes_per_row(MarketSnapshot),
            "order raw": bytes_per_row(OrderSnapshot),
        }
        # Minute rows first (hour roll-ups held back by a long minute retention), then hours.
        later = start + timedelta(days=2)
        settings.REPORTS_RAW_RETENTION_HOURS, settings.REPORTS_MINUTE_RETENTION_DAYS = 1, 30
        rolled = time.perf_counter()
        while sum(snapshots_roll_up(now=later).values()):
            pass
        print(f"roll-up of every raw row to 1-minute rows: {time.perf_counter() - rolled:.2f} s")
        sizes["market minute"] = bytes_per_row(MarketRollup)
        sizes["order minute"] = bytes_per_row(OrderRollup)
        spread_entries("minute")
        settings.REPORTS_MINUTE_RETENTION_DAYS = 1
        while sum(snapshots_roll_up(now=later).values()):
            pass
        sizes["market hour"] = bytes_per_row(MarketRollup)
        sizes["order hour"] = bytes_per_row(OrderRollup)
        spread_entries("hour")
        print("bytes per row (table + indexes + TOAST / rows):")
        for name, size in sizes.items():
            print(f"  {name:<14} {size:8.0f}")

        # The defaults, then other retentions for comparison.
        for raw_hours, minute_days in ((12, 3), (24, 3), (24, 7)):
            rows = rows_per_subject_30_days(interval, raw_hours, minute_days)
            per_kind = {
                kind: args.orders * sizes[f"order {kind}"] + args.markets * sizes[f"market {kind}"]
                for kind in rows
            }
            total = sum(count * per_kind[kind] for kind, count in rows.items())
            print(
                f"30 days, raw kept {raw_hours} h, 1-minute rows kept {minute_days} d: "
                f"{total / GIB:.2f} GiB for {args.orders} orders and {args.markets} markets "
                f"(per subject: {rows['raw']:.0f} raw, {rows['minute']:.0f} minute, "
                f"{rows['hour']:.0f} hour rows)"
            )
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)


if __name__ == "__main__":
    main()
