"""Postings per second through `ledger_post` against raw SQL inserts of the same rows.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/mm_ledger \
        .venv/bin/python benchmarks/ledger.py [--postings 3000] [--threads 8] [--batch 200] \
        [--block 300]

Runs on a throwaway database (`test_<name>`, created and dropped here), one database
transaction per posting except in phase 3:

1. `ledger_post`, one thread (validation, idempotency lookup, balance locks, inserts),
   against raw SQL, one thread: the same transaction and entry rows, inserted with the
   database rules on (entry trigger moves the balance, deferred checks at commit). Both
   sides are bound by the commit's fsync, which drifts with whatever else the machine
   does, so they run interleaved: alternating blocks of --block postings, the side that
   goes first swapped from one pair of blocks to the next. Each pair of blocks gives a
   ratio measured under the same conditions; the ratio reported is their median, with the
   smallest and the largest.
2. `ledger_post` from several threads: on distinct accounts, then as payments that all
   move the asset's one external account (its balance row is the queue); then
   `ledger_violations()` over everything posted so far.
3. `ledger_post_batch`, --batch postings per call and per commit (a tick's reservations and
   fills), every rule still held, then `ledger_violations()` again; beside it, in the same
   run, raw SQL of the same rows --batch per commit (one INSERT of transactions, one of
   entries, the rules on): what the batch is measured against;
4. raw SQL with the rules off (session_replication_role = replica): the bare insert cost,
   so the price of the database-held invariants is visible on its own.
"""

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402

# DEBUG (needed for the demo secrets) would record every query in memory, and a JSON log
# line per posting would flood the terminal; neither is part of what is measured.
settings.DEBUG = False
logging.getLogger("ledger").setLevel(logging.WARNING)

from django.db import connection, transaction  # noqa: E402

from ledger.models import Account  # noqa: E402
from ledger.selectors import ledger_violations  # noqa: E402
from ledger.services import (  # noqa: E402
    Leg,
    Posting,
    ledger_post,
    ledger_post_batch,
    order_account,
    system_account,
)

ASSET = uuid.UUID("4d8c508b-91c5-375b-92b0-ee702ed2dac5")  # USDT (ERC-20) on Mixin
TRACE_ID = "benchmark-ledger"
AMOUNT = Decimal("0.01")
ORDERS = 200


def prepare_orders(count: int, prefix: str) -> list[tuple[Account, Account]]:
    """Orders with funds in the wallet, each ready to move money to in_transit."""
    external = system_account(asset=ASSET, purpose=Account.Purpose.EXTERNAL)
    pairs = []
    for n in range(count):
        wallet = order_account(order_id=f"{prefix}{n}", asset=ASSET, purpose="available")
        transit = order_account(order_id=f"{prefix}{n}", asset=ASSET, purpose="in_transit")
        ledger_post(
            idempotency_key=f"{prefix}{n}:fund",
            code="payment_credit",
            entries=[Leg(external, Decimal(-1_000_000)), Leg(wallet, Decimal(1_000_000))],
            trace_id=TRACE_ID,
        )
        pairs.append((wallet, transit))
    return pairs


def post_through_service(pairs, numbers: range, prefix: str) -> None:
    for n in numbers:
        wallet, transit = pairs[n % len(pairs)]
        ledger_post(
            idempotency_key=f"{prefix}:{n}",
            code="withdraw_to_exchange",
            entries=[Leg(wallet, -AMOUNT), Leg(transit, AMOUNT)],
            trace_id=TRACE_ID,
        )


def post_in_batches(pairs, postings: int, prefix: str, batch: int) -> None:
    """The same withdrawals as post_through_service, `batch` of them per call and commit."""
    for start in range(0, postings, batch):
        outcomes = ledger_post_batch(
            postings=[
                Posting(
                    idempotency_key=f"{prefix}:{n}",
                    code="withdraw_to_exchange",
                    entries=[
                        Leg(pairs[n % len(pairs)][0], -AMOUNT),
                        Leg(pairs[n % len(pairs)][1], AMOUNT),
                    ],
                    trace_id=TRACE_ID,
                )
                for n in range(start, min(postings, start + batch))
            ]
        )
        refused = [o for o in outcomes if isinstance(o, Exception)]
        if refused:
            raise SystemExit(f"a benchmark posting was refused: {refused[0]}")


def credit_through_service(pairs, numbers: range, prefix: str) -> None:
    """Payments: every posting also moves the asset's one external account."""
    external = system_account(asset=ASSET, purpose=Account.Purpose.EXTERNAL)
    for n in numbers:
        wallet, _ = pairs[n % len(pairs)]
        ledger_post(
            idempotency_key=f"{prefix}:{n}",
            code="payment_credit",
            entries=[Leg(external, -AMOUNT), Leg(wallet, AMOUNT)],
            trace_id=TRACE_ID,
        )


def insert_raw(pairs, numbers: range, prefix: str, rules_off: bool = False) -> None:
    with connection.cursor() as cursor:
        for n in numbers:
            wallet, transit = pairs[n % len(pairs)]
            with transaction.atomic():
                if rules_off:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute(
                    "INSERT INTO ledger_transaction (idempotency_key, content_hash, code, "
                    "trace_id, ref, reason, created_at) "
                    "VALUES (%s, %s, 'withdraw_to_exchange', %s, '', '', now()) RETURNING id",
                    [f"{prefix}:{n}", "0" * 64, TRACE_ID],
                )
                (tx_id,) = cursor.fetchone()
                cursor.execute(
                    "INSERT INTO ledger_entry (transaction_id, account_id, asset, amount) "
                    "VALUES (%s, %s, %s, %s), (%s, %s, %s, %s)",
                    [tx_id, wallet.pk, ASSET, -AMOUNT, tx_id, transit.pk, ASSET, AMOUNT],
                )


def insert_raw_batches(pairs, postings: int, prefix: str, batch: int) -> None:
    """The rows of post_in_batches, `batch` postings per commit as two multi-row INSERTs
    (the database rules on): the least raw SQL can send for them."""
    with connection.cursor() as cursor:
        for start in range(0, postings, batch):
            numbers = range(start, min(postings, start + batch))
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO ledger_transaction (idempotency_key, content_hash, code, "
                    "trace_id, ref, reason, created_at) "
                    "SELECT k, %s, 'withdraw_to_exchange', %s, '', '', now() "
                    "FROM unnest(%s::text[]) WITH ORDINALITY AS u(k, i) ORDER BY i RETURNING id",
                    ["0" * 64, TRACE_ID, [f"{prefix}:{n}" for n in numbers]],
                )
                ids = [row[0] for row in cursor.fetchall()]
                rows = []
                for tx_id, n in zip(ids, numbers, strict=True):
                    wallet, transit = pairs[n % len(pairs)]
                    rows += [(tx_id, wallet.pk, -AMOUNT), (tx_id, transit.pk, AMOUNT)]
                cursor.execute(
                    "INSERT INTO ledger_entry (transaction_id, account_id, asset, amount) "
                    "SELECT t, a, %s, x FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[]) "
                    "AS u(t, a, x)",
                    [ASSET, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
                )


def interleaved(pairs, postings: int, block: int) -> tuple[float, float, list[float]]:
    """`ledger_post` and raw INSERTs (rules on) of the same rows, one per commit, in
    alternating blocks; the rate of each side over all its blocks and each pair's ratio."""
    sides = {
        "ledger_post": lambda numbers: post_through_service(pairs, numbers, "svc"),
        "raw": lambda numbers: insert_raw(pairs, numbers, "raw"),
    }
    elapsed = {"ledger_post": 0.0, "raw": 0.0}
    ratios = []
    for pair, start in enumerate(range(0, postings, block)):
        numbers = range(start, min(postings, start + block))
        order = ["ledger_post", "raw"] if pair % 2 == 0 else ["raw", "ledger_post"]
        per_second = {}
        for side in order:
            started = time.perf_counter()
            sides[side](numbers)
            took = time.perf_counter() - started
            elapsed[side] += took
            per_second[side] = len(numbers) / took
        ratios.append(per_second["ledger_post"] / per_second["raw"])
        print(
            f"  block {pair + 1:>2} ({order[0]} first): "
            f"ledger_post {per_second['ledger_post']:7.1f} /s, "
            f"raw {per_second['raw']:7.1f} /s, ratio {ratios[-1]:.2f}"
        )
    return postings / elapsed["ledger_post"], postings / elapsed["raw"], ratios


def rate(label: str, postings: int, run) -> float:
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    per_second = postings / elapsed
    print(f"{label:<44} {postings:>6} postings {elapsed:7.2f} s {per_second:9.1f} /s")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--block", type=int, default=300)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("benchmarks/ledger.py measures PostgreSQL: set DATABASE_URL=postgres://...")

    real_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        print(f"PostgreSQL {version}, database {test_name}, python {sys.version.split()[0]}")
        pairs = prepare_orders(ORDERS, "bench-")
        postings = args.postings
        print(
            f"ledger_post against raw INSERTs (rules on), one per commit, blocks of {args.block}:"
        )
        service, raw, ratios = interleaved(pairs, postings, args.block)
        for label, per_second in [
            ("ledger_post (1 thread, interleaved)", service),
            ("raw INSERTs, rules on (1 thread, interleaved)", raw),
        ]:
            print(f"{label:<46} {postings:>6} postings {per_second:17.1f} /s")
        threads = args.threads
        thread_pairs = [prepare_orders(ORDERS // threads, f"t{t}-") for t in range(threads)]
        per_thread = postings // threads

        def in_threads(post, prefix: str) -> Callable[[], None]:
            def run() -> None:
                def work(t: int) -> None:
                    try:
                        post(thread_pairs[t], range(per_thread), f"{prefix}{t}")
                    finally:
                        connection.close()

                workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
                for worker in workers:
                    worker.start()
                for worker in workers:
                    worker.join()

            return run

        rate(
            f"ledger_post ({threads} threads, distinct accounts)",
            per_thread * threads,
            in_threads(post_through_service, "thr"),
        )
        rate(
            f"ledger_post ({threads} threads, one shared external)",
            per_thread * threads,
            in_threads(credit_through_service, "pay"),
        )

        violations = ledger_violations()
        print(f"ledger_check after these phases: {len(violations)} violations")
        batched = rate(
            f"ledger_post_batch ({args.batch} per commit, 1 thread)",
            postings * 2,
            lambda: post_in_batches(pairs, postings * 2, "batch", args.batch),
        )
        raw_batched = rate(
            f"raw INSERTs, rules on, {args.batch} per commit",
            postings * 2,
            lambda: insert_raw_batches(pairs, postings * 2, "rawbatch", args.batch),
        )
        violations = ledger_violations()
        print(f"ledger_check after the batches: {len(violations)} violations")
        # Last, because with the rules off the balances are no longer kept.
        bare = rate(
            "raw INSERTs, database rules off (1 thread)",
            postings,
            lambda: insert_raw(pairs, range(postings), "bare", rules_off=True),
        )

        print(
            f"ratio ledger_post / raw INSERTs with rules on:  {statistics.median(ratios):.2f}"
            f" (median of {len(ratios)} block pairs; {min(ratios):.2f} to {max(ratios):.2f})"
        )
        print(f"ratio raw INSERTs with rules on / rules off:    {raw / bare:.2f}")
        print(
            f"ledger_post_batch: {batched:.0f} postings/s ({batched / service:.1f} x ledger_post)"
        )
        print(f"ratio ledger_post_batch / raw batched INSERTs:   {batched / raw_batched:.2f}")
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)


if __name__ == "__main__":
    main()
