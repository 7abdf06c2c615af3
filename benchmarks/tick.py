"""Executor ticks: N running orders over M markets, in-process venue, PostgreSQL.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/mm_tick \
        .venv/bin/python benchmarks/tick.py [--orders 1000] [--markets 50] [--rounds 20] \
        [--workers 2] [--churn-rounds 10] [--scale-out-rounds 10]

Runs on a throwaway database (`test_<name>`, created and dropped here). Each market has its
own simulated venue account (one API key per market) whose makers and takers move the price
and trade every round. One round = one simulated second: every market's agents take a step,
then every market is ticked once. With --workers W, W processes (as W Celery workers would
be) each take the markets of their queue (W queues by pair id) and call the venue in one
server process (benchmarks/scale_out.py), from the first round on. The first round places
every quote (reservations, tracked rows, create calls) and is reported on its own; the
later rounds are the steady state: fills to settle, refreshes when the price left the
tolerance, and otherwise quiet ticks.

Two more phases follow the steady state:
- churn: each round the mid of a tenth of the markets (a different tenth each round) jumps
  by 0.5 %, beyond the 0.3 % refresh tolerance, so about 10 % of the quotes are replaced
  every round (and the jump crosses some of them: fills);
- scale-out: the venue moves into one server process that every worker calls (as workers
  on several hosts call one exchange); the markets go to 2 queues (by pair id) and the
  rounds run first with 2 worker processes (one per queue), then with 4 (two per queue,
  competing for the queue's jobs). Each worker ticks through the real market lease; the
  phase prints how the markets split between the workers and checks that no market's
  ticks overlapped in time.

Prints order-ticks per second (all workers together), the p50/p99 time of one market's tick, and
the share of tick time spent in the strategy, the gateway and the database (everything else
in the tick: the ORM, the ledger, Python glue).
"""

import argparse
import logging
import os
import statistics
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# DEBUG (needed for the demo secrets) would keep every query in memory, and JSON log lines
# per tick would flood the terminal; neither is part of what is measured.
settings.DEBUG = False
logging.disable(logging.INFO)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from scale_out import scale_out_phase, shared_rounds, split_report, venue_serve  # noqa: E402

from demo.inprocess_gateway import InProcessGateway  # noqa: E402
from demo.scenarios import (  # noqa: E402
    XIN_USDT,
    AssetSpec,
    api_key_store,
    trading_pair_put,
    venue_account_open,
    venue_market_open,
)
from exchanges.models import Exchange  # noqa: E402
from executor.models import ExchangeFill  # noqa: E402
from executor.services import executor_order_register, executor_tick_market  # noqa: E402
from executor.timing import TickReport  # noqa: E402
from ledger.models import Transaction  # noqa: E402
from ledger.services import Leg, ledger_post, order_account, system_account  # noqa: E402
from orders.models import MarketMakingOrder, StrategyPreset  # noqa: E402
from orders.states import OrderState  # noqa: E402
from simulators.venue.engine import BUY, IOC, SELL  # noqa: E402
from simulators.venue.venue import Venue  # noqa: E402
from strategy import freeze_config, validate_params  # noqa: E402

D = Decimal
USDT = uuid.UUID("4d8c508b-91c5-375b-92b0-ee702ed2dac5")
PARAMS = {
    "bid_spread": "0.002",
    "ask_spread": "0.002",
    "order_amount": "1",
    "order_levels": 1,
    "order_refresh_time": 1,
    "order_refresh_tolerance_pct": "0.003",
    "filled_order_delay": 1,
}


def setup(orders: int, markets: int, venue: Venue) -> tuple[list[int], dict[int, InProcessGateway]]:
    frozen = freeze_config(validate_params(PARAMS))
    exchange = Exchange.objects.create(name="bench venue", ccxt_id="binance")
    user = get_user_model().objects.create(username="bench")
    preset = StrategyPreset.objects.create(name="bench", title="Bench", rationale="-", params={})
    gateways: dict[int, InProcessGateway] = {}
    pair_ids = []
    for m in range(markets):
        base = f"B{m}"
        market = replace(XIN_USDT, symbol=f"{base}/USDT", min_order_amount=D("0.001"))
        venue_market_open(venue, market, agents=True)
        account = venue_account_open(
            venue,
            label=f"mm{m}",
            permissions=["read", "trade"],
            credits={base: D(1_000_000), "USDT": D(100_000_000)},
        )
        key = api_key_store(
            exchange=exchange, label=f"mm{m}", api_key=account.api_key, secret=account.secret
        )
        gateways[key.pk] = InProcessGateway(venue=venue, api_key=account.api_key)
        pair = trading_pair_put(
            exchange=exchange,
            market=market,
            base=AssetSpec(symbol=base, asset_id=uuid.uuid4(), chain_id=uuid.uuid4()),
            quote=AssetSpec(symbol="USDT", asset_id=USDT, chain_id=uuid.uuid4()),
        )
        pair_ids.append(pair.pk)
        for n in range(orders // markets):
            order = MarketMakingOrder.objects.create(
                user=user,
                pair=pair,
                api_key=key,
                strategy_preset=preset,
                frozen_config=frozen.config,
                config_hash=frozen.sha256,
                base_amount=D(100),
                quote_amount=D(10_000),
                state=OrderState.RUNNING,
                memo=f"bench-{m}-{n}",
                expires_at=timezone.now(),
                trace_id=uuid.uuid4().hex,
            )
            for asset, amount in ((pair.base_asset_id, D(100)), (pair.quote_asset_id, D(10_000))):
                ledger_post(
                    idempotency_key=f"{order.pk}:deposit:{asset}",
                    code=Transaction.Code.DEPOSIT_CONFIRMED,
                    entries=[
                        Leg(system_account(asset=asset, purpose="external"), -amount),
                        Leg(
                            order_account(
                                order_id=str(order.pk), asset=asset, purpose="on_exchange"
                            ),
                            amount,
                        ),
                    ],
                    trace_id="benchmark-tick",
                )
            executor_order_register(
                order_id=order.pk,
                pair_id=pair.pk,
                api_key_id=key.pk,
                config=frozen.config,
                config_hash=frozen.sha256,
                trace_id=order.trace_id,
            )
    return pair_ids, gateways


ORDERS_PER_MARKET = [20]  # set by main()
CHURN_SHARE = 10  # one market in ten jumps per round
CHURN_JUMP = D("0.005")  # beyond the 0.3 % refresh tolerance of PARAMS


def churn_jump(venue: Venue, markets: int, number: int, orders_per_market: int) -> None:
    """Move the price of every tenth market (a different tenth each round) by 0.5 %, up on
    even rounds and down on odd ones: the agents' mid jumps, and a taker sweeps the side the
    price moves through, our quotes on it included, as a real move would. Without the sweep
    the book's mid would stay pinned between our own quotes, which outweigh the agents'."""
    up = number % 2 == 0
    factor = 1 + CHURN_JUMP if up else 1 - CHURN_JUMP
    for m in range(number % CHURN_SHARE, markets, CHURN_SHARE):
        agents = venue.market_agents(f"B{m}/USDT")
        agents.mid = agents._price(agents.mid * factor)
        size = D(2 * orders_per_market)  # more than all our quotes of one side (1 each)
        market = agents.market
        venue.engine.credit(account=agents.taker, asset=market.quote, amount=size * agents.mid)
        venue.engine.credit(account=agents.taker, asset=market.base, amount=size)
        agents._submit(agents.taker, BUY if up else SELL, agents.mid, size, IOC)


def tick_round(
    pair_ids: list[int],
    gateways: dict[int, InProcessGateway],
    venue: Venue,
    now: datetime,
    churn: int = 0,
    number: int = 0,
) -> list[TickReport]:
    """One round: the venue's agents step (after a churn jump), then every market ticks.
    `churn` is the number of markets of the churn phase (0: no churn)."""
    if churn:
        churn_jump(venue, churn, number, ORDERS_PER_MARKET[0])
    venue.agents_run_round()
    return [
        executor_tick_market(pair_id=pair_id, now=now, gateway_for=gateways.__getitem__)
        for pair_id in pair_ids
    ]


def run_rounds(
    pair_ids: list[int],
    gateways: dict[int, InProcessGateway],
    venue: Venue,
    rounds: range,
    start: datetime,
    workers: int,
    churn: int = 0,
    manager: object = None,
) -> tuple[list[TickReport], float]:
    """Tick `rounds` rounds: in this process with one worker, else with `workers` processes
    on as many queues, calling the venue in its server process (benchmarks/scale_out.py).
    Returns the reports and the seconds the rounds took (from when the workers were up)."""
    if workers == 1:
        reports = []
        started = time.perf_counter()
        for number in rounds:
            at = start + timedelta(seconds=number)
            reports += tick_round(pair_ids, gateways, venue, at, churn, number)
        return reports, time.perf_counter() - started
    done, elapsed = shared_rounds(
        pair_ids,
        queues=workers,
        workers=workers,
        rounds=rounds,
        start=start,
        manager=manager,  # type: ignore[arg-type]
        keys=list(gateways),
        churn=(churn, ORDERS_PER_MARKET[0]) if churn else None,
    )
    print(split_report(done, workers))
    return [report for *_, report in done], elapsed


def load() -> str:
    return "load average " + " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def summary(label: str, reports: list[TickReport], elapsed: float) -> None:
    order_ticks = sum(r.orders for r in reports)
    durations = sorted(r.seconds * 1000 for r in reports)
    p50 = statistics.median(durations)
    p99 = durations[min(len(durations) - 1, int(len(durations) * 0.99))]
    total = sum(r.seconds for r in reports) or 1.0
    strategy = sum(r.strategy_seconds for r in reports) / total
    gateway = sum(r.gateway_seconds for r in reports) / total
    database = sum(r.database_seconds for r in reports) / total
    print(
        f"{label:<34} {order_ticks:>7} order-ticks in {elapsed:6.2f} s = "
        f"{order_ticks / elapsed:7.0f} order-ticks/s | market tick p50 {p50:6.1f} ms "
        f"p99 {p99:6.1f} ms | strategy {strategy:4.0%} gateway {gateway:4.0%} "
        f"database {database:4.0%} | created {sum(r.created for r in reports)} "
        f"cancelled {sum(r.cancelled for r in reports)} fills {sum(r.fills for r in reports)}"
        f" | {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--markets", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--churn-rounds", type=int, default=10)
    parser.add_argument("--scale-out-rounds", type=int, default=10)
    args = parser.parse_args()
    ORDERS_PER_MARKET[0] = args.orders // args.markets
    if connection.vendor != "postgresql":
        sys.exit("benchmarks/tick.py measures PostgreSQL: set DATABASE_URL=postgres://...")

    real_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        print(
            f"PostgreSQL {version}, database {test_name}, python {sys.version.split()[0]}, "
            f"{args.orders} orders over {args.markets} markets, {os.cpu_count()} CPUs"
        )
        venue = Venue(seed=11)
        pair_ids, gateways = setup(args.orders, args.markets, venue)
        now = datetime(2026, 1, 1, tzinfo=UTC)

        # With several workers, the venue lives in a server process that they all call
        # (this process's copy is no longer used), from the first round on: a thousand
        # orders starting together are ticked by every worker of the node.
        manager = venue_serve(venue, gateways, churn_jump) if args.workers > 1 else None
        first, elapsed = run_rounds(
            pair_ids, gateways, venue, range(0, 1), now, args.workers, manager=manager
        )
        summary(f"first round (placing, {args.workers} worker(s))", first, elapsed)

        steady, elapsed = run_rounds(
            pair_ids, gateways, venue, range(1, args.rounds), now, args.workers, manager=manager
        )
        summary(f"steady ({args.rounds - 1} rounds, {args.workers} worker(s))", steady, elapsed)

        if args.churn_rounds:
            churn_from = args.rounds
            churned, elapsed = run_rounds(
                pair_ids,
                gateways,
                venue,
                range(churn_from, churn_from + args.churn_rounds),
                now,
                args.workers,
                churn=args.markets,
                manager=manager,
            )
            label = f"churn ({args.churn_rounds} rounds, {args.workers} worker(s))"
            summary(label, churned, elapsed)
            quotes = 2 * args.orders * args.churn_rounds
            replaced = sum(r.created for r in churned)
            print(
                f"churn: {replaced} quotes replaced of {quotes} = {replaced / quotes:.1%} per round"
            )
        if args.scale_out_rounds:
            manager = manager or venue_serve(venue, gateways, churn_jump)
            first_round = args.rounds + args.churn_rounds
            scale_out_phase(
                pair_ids, manager, list(gateways), now, first_round, args.scale_out_rounds, summary
            )
        print(f"fills recorded: {ExchangeFill.objects.count()}")
        if manager is not None:
            manager.shutdown()
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)


if __name__ == "__main__":
    main()
