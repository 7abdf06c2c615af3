"""How long one strategy decision takes: the pure part of an order's tick, without I/O.

    .venv/bin/python benchmarks/strategy_decide.py [--ticks N]

Runs `decide` for the seeded presets' shapes (5 levels with skew; 2 adaptive levels) over a
drifting book with open orders and balances, feeding each decision's state into the next,
and prints decisions per second and the p50/p99 time of one decision.
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from strategy import (  # noqa: E402
    Balances,
    Book,
    MarketSnapshot,
    OpenOrder,
    StrategyState,
    decide,
    validate_params,
)

CONFIGS = {
    "stable depth (5 levels, skew)": {
        "bid_spread": "0.003",
        "ask_spread": "0.003",
        "order_amount": "10",
        "order_levels": 5,
        "order_level_spread": "0.002",
        "order_refresh_tolerance_pct": "0.002",
        "minimum_spread": "0.001",
        "inventory_skew_enabled": True,
    },
    "high volatility (2 levels, adaptive)": {
        "adaptive_spreads_enabled": True,
        "bid_spread": "0.01",
        "ask_spread": "0.01",
        "order_amount": "10",
        "order_levels": 2,
        "risk_factor": "50",
        "order_book_depth_factor": "50",
        "volatility_window": 30,
        "order_amount_shape_factor": "1",
    },
}


def run(name: str, raw: dict, ticks: int) -> None:
    params = validate_params(raw)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    state = StrategyState()
    open_orders: list[OpenOrder] = []
    durations = []
    for index in range(ticks):
        mid = Decimal("1.2") + Decimal(index % 50 - 25) / Decimal(10_000)
        snapshot = MarketSnapshot(
            book=Book(
                bids=tuple((mid - Decimal(k + 1) / 1000, Decimal(500)) for k in range(20)),
                asks=tuple((mid + Decimal(k + 1) / 1000, Decimal(500)) for k in range(20)),
                last_price=mid,
            ),
            tick_size=Decimal("0.0001"),
            step_size=Decimal("0.1"),
            min_notional=Decimal("1"),
        )
        now = start + timedelta(seconds=index * params.order_refresh_time)
        began = time.perf_counter()
        decision = decide(
            snapshot=snapshot,
            params=params,
            balances=Balances(base=Decimal(400), quote=Decimal(500)),
            open_orders=open_orders,
            now=now,
            state=state,
        )
        durations.append(time.perf_counter() - began)
        state = decision.state
        cancelled = {c.order_id for c in decision.cancel}
        open_orders = [o for o in open_orders if o.id not in cancelled] + [
            OpenOrder(f"{index}-{n}", q.side, q.price, q.amount, now, q.level)
            for n, q in enumerate(decision.create)
        ]
    durations.sort()
    p50 = durations[len(durations) // 2] * 1e6
    p99 = durations[int(len(durations) * 0.99)] * 1e6
    rate = len(durations) / sum(durations)
    print(
        f"{name}: {ticks} decisions, {rate:,.0f} decisions/s, "
        f"p50 {p50:,.0f} µs, p99 {p99:,.0f} µs, mean {statistics.fmean(durations) * 1e6:,.0f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=5000)
    args = parser.parse_args()
    for name, raw in CONFIGS.items():
        run(name, raw, args.ticks)


if __name__ == "__main__":
    main()
