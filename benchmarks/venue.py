"""Venue simulator speed: orders matched per second in-process, the InProcessGateway's
create + cancel, and the round trip of a ccxt create + cancel over HTTP against the
simulator on loopback.

The HTTP figures come from a simulator in its own process (`manage.py
run_venue_simulator`), as the demo and CI run it: a server thread inside the measuring
process would share its GIL and add scheduling stalls to the tail.

    DEBUG=true .venv/bin/python benchmarks/venue.py [--orders 20000] [--round-trips 500]
"""

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")

import django  # noqa: E402

django.setup()

from demo.inprocess_gateway import InProcessGateway  # noqa: E402
from demo.scenarios import (  # noqa: E402
    ENGINE_XIN_USDT,
    XIN_USDT,
    binance_client,
    control_account_open,
    venue_account_open,
    venue_market_open,
)
from exchanges.gateway import CcxtGateway  # noqa: E402
from simulators.venue.control import SimulatorControl  # noqa: E402
from simulators.venue.engine import (  # noqa: E402
    BUY,
    IOC,
    LIMIT,
    SELL,
    Engine,
    OrderRequest,
)
from simulators.venue.venue import Venue  # noqa: E402


def matched_orders_per_second(orders: int) -> tuple[float, int]:
    """A ladder of 50 resting asks per round, swept by IOC buys from another account."""
    clock = itertools.count()
    engine = Engine(clock_ms=lambda: next(clock))
    engine.add_market(ENGINE_XIN_USDT)
    for account in ("maker", "taker"):
        engine.credit(account=account, asset="XIN", amount=Decimal(10**9))
        engine.credit(account=account, asset="USDT", amount=Decimal(10**12))
    resting_per_round = 50
    matched = 0
    started = time.perf_counter()
    for _ in range(orders // resting_per_round):
        for level in range(resting_per_round):
            engine.submit(
                OrderRequest(
                    account="maker",
                    symbol="XINUSDT",
                    side=SELL,
                    type=LIMIT,
                    quantity=Decimal("1.5"),
                    price=Decimal(100) + Decimal(level % 10) / 100,
                )
            )
        for _ in range(resting_per_round):
            taker = engine.submit(
                OrderRequest(
                    account="taker",
                    symbol="XINUSDT",
                    side=BUY,
                    type=LIMIT,
                    quantity=Decimal("1.5"),
                    price=Decimal("100.09"),
                    time_in_force=IOC,
                )
            )
            matched += taker.executed_qty > 0
    elapsed = time.perf_counter() - started
    return matched / elapsed, sum(len(t) for t in engine.trades.values())


ROOT = Path(__file__).resolve().parent.parent


def ccxt_round_trips(count: int) -> dict[str, list[float]]:
    simulator = subprocess.Popen(
        [sys.executable, "manage.py", "run_venue_simulator", "--port", "0"]
        + ["--agent-interval", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = simulator.stdout.readline().split()[-1]
        control = SimulatorControl(url)
        venue_market_open(control, XIN_USDT, agents=False)
        account = control_account_open(
            control, label="bench", permissions=["read", "trade"], credits={"USDT": "1000000"}
        )
        client = binance_client(url, account["api_key"], account["secret"])
        client.load_markets()
        gateway = CcxtGateway(client)
        timings: dict[str, list[float]] = {"ccxt.binance": [], "CcxtGateway": []}
        for n in range(count + 20):  # the first 20 warm the connection up
            started = time.perf_counter()
            order = client.create_order("XIN/USDT", "limit", "buy", "1", "90")
            client.cancel_order(order["id"], "XIN/USDT")
            raw = time.perf_counter() - started
            wrapped = gateway_round_trip_ms(gateway, n)
            if n >= 20:
                timings["ccxt.binance"].append(raw * 1000)
                timings["CcxtGateway"].append(wrapped)
        return timings
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)


def in_process_gateway_round_trips(count: int) -> list[float]:
    """What the other apps' benchmarks pay per create + cancel through InProcessGateway."""
    venue = Venue()
    venue_market_open(venue, XIN_USDT, agents=False)
    account = venue_account_open(
        venue, label="bench", permissions=["read", "trade"], credits={"USDT": Decimal(10**9)}
    )
    gateway = InProcessGateway(venue=venue, api_key=account.api_key)
    return [gateway_round_trip_ms(gateway, n) for n in range(count)]


def gateway_round_trip_ms(gateway: CcxtGateway | InProcessGateway, n: int) -> float:
    """One create + cancel of a resting buy far below the book, in milliseconds."""
    started = time.perf_counter()
    placed = gateway.create_limit_order(
        symbol="XIN/USDT",
        side="buy",
        amount=Decimal(1),
        price=Decimal(90),
        client_order_id=f"bench-{n}",
    )
    gateway.cancel_order(symbol="XIN/USDT", exchange_order_id=placed.exchange_order_id)
    return (time.perf_counter() - started) * 1000


def report(name: str, samples: list[float]) -> None:
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(
        f"{name} create+cancel ({len(samples)} runs): "
        f"median {statistics.median(samples):.3f} ms, p99 {p99:.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--round-trips", type=int, default=500)
    args = parser.parse_args()

    rate, trades = matched_orders_per_second(args.orders)
    print(f"in-process engine: {rate:,.0f} orders matched/s ({trades:,} trades)")
    report("InProcessGateway", in_process_gateway_round_trips(args.round_trips))
    for name, samples in ccxt_round_trips(args.round_trips).items():
        report(f"{name} over HTTP, rate limiter off,", samples)


if __name__ == "__main__":
    main()
