"""Build and verify the execution report bundle of an order with 100,000 fills.

    DEBUG=true .venv/bin/python benchmarks/report.py [--fills 100000] [--runs 3]
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/mm_bundle \
        .venv/bin/python benchmarks/report.py

Runs on a throwaway database (`test_<name>`, created and dropped here). One running order
on the in-process venue gets --fills fills written in bulk, each as the executor writes it:
its tracked order (ten fills each), the fill with its trade id and fee (buys pay in base,
sells in quote), and its balanced `fill_settle` posting with its entries. Then, --runs
times: build (read every fact, compute the figures, canonical JSON, sha256, ed25519),
verify (parse, hash, signature, fact checks, every figure recomputed), and the CSV zip.
Prints each run, then the median, min and max of each phase, in wall time and in CPU time
of this process (on a shared machine the wall time includes waiting for a core; the
database server's own time counts only in the wall time on PostgreSQL).
"""

import argparse
import hashlib
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402

# DEBUG would keep every query in memory; the JSON log lines are not what is measured.
settings.DEBUG = False
logging.getLogger("ledger").setLevel(logging.WARNING)
logging.getLogger("executor").setLevel(logging.WARNING)

from django.db import connection, transaction  # noqa: E402

from executor.models import ExchangeFill, TrackedOrder, client_order_id_for  # noqa: E402
from ledger.models import Entry, Transaction  # noqa: E402
from ledger.services import order_account, system_account  # noqa: E402
from reports.bundle.build import bundle_sign, report_document  # noqa: E402
from reports.bundle.csv_export import bundle_csv_zip  # noqa: E402
from reports.bundle.verify import bundle_problems  # noqa: E402
from reports.keys import report_public_key  # noqa: E402

D = Decimal
FILLS_PER_ORDER = 10
BATCH = 5000


def order_with_fills(count: int):
    from tests.executor.harness import USDT, XIN, Market

    market = Market.open()
    order = market.running_order(xin="1000", usdt="200000")
    start = order.created_at
    accounts = {
        (asset, purpose): order_account(order_id=str(order.pk), asset=asset, purpose=purpose)
        for asset in (XIN, USDT)
        for purpose in ("on_exchange", "fees")
    }
    external = {asset: system_account(asset=asset, purpose="external") for asset in (XIN, USDT)}
    amount = D("0.01")
    for first in range(0, count, BATCH):
        with transaction.atomic():
            numbers = range(first, min(first + BATCH, count))
            tracked = TrackedOrder.objects.bulk_create(
                [
                    TrackedOrder(
                        order=order,
                        api_key=order.api_key,
                        symbol=market.pair.symbol,
                        sequence=1000 + n // FILLS_PER_ORDER,
                        client_order_id=client_order_id_for(
                            order_id=order.pk, sequence=1000 + n // FILLS_PER_ORDER
                        ),
                        exchange_order_id=f"bench-{n // FILLS_PER_ORDER}",
                        side="buy" if (n // FILLS_PER_ORDER) % 2 == 0 else "sell",
                        price=D("100"),
                        amount=amount * FILLS_PER_ORDER,
                        filled_amount=amount * FILLS_PER_ORDER,
                        settled_amount=amount * FILLS_PER_ORDER,
                        reserved_amount=amount * FILLS_PER_ORDER * 100,
                        consumed_amount=0,
                        released=True,
                        status="filled",
                        trace_id=order.trace_id,
                        created_at=start + timedelta(milliseconds=n),
                        updated_at=start + timedelta(milliseconds=n + FILLS_PER_ORDER),
                    )
                    for n in numbers
                    if n % FILLS_PER_ORDER == 0
                ]
            )
            by_sequence = {t.sequence: t for t in tracked}
            fills, postings = [], []
            for n in numbers:
                parent = by_sequence[1000 + n // FILLS_PER_ORDER]
                price = D("100") + D(n % 7) / 100
                buying = parent.side == "buy"
                fee_asset, fee = (
                    ("XIN", amount / 1000) if buying else ("USDT", price * amount / 1000)
                )
                key = f"{order.pk}:fill:bench-{n}"
                fills.append(
                    ExchangeFill(
                        tracked_order=parent,
                        exchange=market.exchange,
                        symbol=market.pair.symbol,
                        trade_id=f"bench-{n}",
                        side=parent.side,
                        price=price,
                        amount=amount,
                        fee=fee,
                        fee_asset=fee_asset,
                        is_maker=n % 3 != 0,
                        traded_at=start + timedelta(milliseconds=n + 1),
                        ledger_key=key,
                    )
                )
                cost = price * amount
                got, given = (XIN, USDT) if buying else (USDT, XIN)
                got_amount, given_amount = (amount, cost) if buying else (cost, amount)
                entries = [
                    (external[given], given_amount),
                    (accounts[(given, "on_exchange")], -given_amount),
                    (external[got], -got_amount),
                    (accounts[(got, "on_exchange")], got_amount - fee),
                    (accounts[(got, "fees")], fee),
                ]
                postings.append(
                    (
                        Transaction(
                            idempotency_key=key,
                            content_hash=hashlib.sha256(key.encode()).hexdigest(),
                            code="fill_settle",
                            trace_id=order.trace_id,
                            ref=f"trade:bench-{n}",
                        ),
                        entries,
                    )
                )
            ExchangeFill.objects.bulk_create(fills)
            created = Transaction.objects.bulk_create([tx for tx, _ in postings])
            Entry.objects.bulk_create(
                Entry(transaction=tx, account=account, asset=account.asset, amount=value)
                for tx, (_, entries) in zip(created, postings, strict=True)
                for account, value in entries
            )
    return order, start + timedelta(milliseconds=count + 60_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fills", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    real_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        # Not the test suite's file: a test run beside the benchmark must not clobber it.
        test = connection.settings_dict.setdefault("TEST", {})
        test["NAME"] = str(Path(settings.VAR_DIR) / "test-report-benchmark.sqlite3")
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"{connection.vendor} database {test_name}, python {sys.version.split()[0]}")
        started = time.perf_counter()
        order, until = order_with_fills(args.fills)
        print(
            f"wrote {args.fills} fills with their postings in {time.perf_counter() - started:.1f} s"
        )
        since = order.created_at - timedelta(seconds=1)
        phases: dict[str, list[float]] = {"build": [], "verify": [], "csv zip": []}
        cpu: dict[str, list[float]] = {"build": [], "verify": [], "csv zip": []}
        for run in range(1, args.runs + 1):
            c0, t0 = time.process_time(), time.perf_counter()
            report = report_document(order=order, since=since, until=until)
            bundle = bundle_sign(report)
            c1, t1 = time.process_time(), time.perf_counter()
            problems = bundle_problems(bundle.content, public_key=report_public_key())
            c2, t2 = time.process_time(), time.perf_counter()
            bundle_csv_zip(report, sha256=bundle.sha256)
            c3, t3 = time.process_time(), time.perf_counter()
            if problems:
                sys.exit(f"the bundle does not verify: {problems[:3]}")
            fills = report["figures"]["pnl"]["activity"]["fills"]["count"]
            phases["build"].append(t1 - t0)
            phases["verify"].append(t2 - t1)
            phases["csv zip"].append(t3 - t2)
            cpu["build"].append(c1 - c0)
            cpu["verify"].append(c2 - c1)
            cpu["csv zip"].append(c3 - c2)
            postings = len(report["facts"]["ledger"]["transactions"])
            print(
                f"run {run}: {fills} fills, {postings} ledger transactions, "
                f"{len(bundle.content) / 1e6:.1f} MB: build {t1 - t0:.2f} s "
                f"(CPU {c1 - c0:.2f} s), verify {t2 - t1:.2f} s (CPU {c2 - c1:.2f} s), "
                f"csv zip {t3 - t2:.2f} s (CPU {c3 - c2:.2f} s)"
            )
        load = os.getloadavg()
        print(f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
        for phase, seconds in phases.items():
            print(
                f"{phase}: wall median {statistics.median(seconds):.2f} s, "
                f"min {min(seconds):.2f} s, max {max(seconds):.2f} s; "
                f"CPU of this process median {statistics.median(cpu[phase]):.2f} s"
            )
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)


if __name__ == "__main__":
    main()
