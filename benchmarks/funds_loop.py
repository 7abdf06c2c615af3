"""Payment to running: how long from the payment snapshot appearing on Mixin to the order
quoting? Real worker and beat processes on PostgreSQL and Redis, the Mixin and venue
simulators over HTTP with their chain delays at zero, the real clients.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/mm_bench_loop \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/10 .venv/bin/python benchmarks/funds_loop.py [N]

The database named in DATABASE_URL is dropped and created afresh. Prints the median and
p95 over N orders (default 20), paid one after another, and the share of each stage.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")
os.environ.setdefault("DEBUG", "true")


def recreate_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("Set DATABASE_URL=postgres://... : the benchmark measures the PostgreSQL setup.")
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def main(count: int) -> None:
    import django

    django.setup()
    recreate_database()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from orders.models import MarketMakingOrder, OrderEvent
    from orders.services.intents import order_intent_create
    from tests.orders.loop.harness import USDT, XIN, world_build
    from tests.orders.loop.workers import Processes, purge_broker

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        sys.exit("Set CELERY_BROKER_URL=redis://... : the benchmark runs real workers on Redis.")
    world, stop_simulators = world_build(settings)
    purge_broker()
    processes = Processes(world, Path(tempfile.mkdtemp(prefix="funds-loop-bench-")))
    processes.worker(pool="threads", concurrency=4)
    processes.beat()
    user = world.mixin_user(get_user_model(), **{XIN: "100000", USDT: "10000000"})
    latencies, stages = [], []
    try:
        time.sleep(3)  # worker and beat up
        for _ in range(count):
            order = order_intent_create(
                user=user,
                pair_id=world.pair.pk,
                preset_name="stable-depth",
                overrides={"order_amount": "0.1"},
                base_amount="1",
                quote_amount="100",
            )
            url = _payment_url(order)
            world.pay(user, url)
            paid_at = time.time()
            deadline = time.monotonic() + 60
            while MarketMakingOrder.objects.get(pk=order.pk).state != "running":
                if time.monotonic() > deadline:
                    sys.exit(f"order {order.pk} did not reach running:\n{processes.logs()[-5000:]}")
                time.sleep(0.02)
            latencies.append(time.time() - paid_at)
            events = {
                e.to_state: e.created_at.timestamp()
                for e in OrderEvent.objects.filter(order=order, kind="transition")
            }
            stages.append(
                {
                    "intake→paid": events["payment_complete"] - paid_at,
                    "paid→withdrawn": events["withdrawal_confirmed"] - events["payment_complete"],
                    "withdrawn→deposit matched": events["deposit_confirmed"]
                    - events["withdrawal_confirmed"],
                    "deposit→running": events["running"] - events["deposit_confirmed"],
                }
            )
    finally:
        processes.stop()
        stop_simulators()
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    print(f"orders: {len(latencies)}")
    print(
        f"payment snapshot → running: median {statistics.median(latencies):.2f} s, "
        f"p95 {p95:.2f} s, min {latencies[0]:.2f} s, max {latencies[-1]:.2f} s"
    )
    for stage in stages[0]:
        values = [s[stage] for s in stages]
        print(f"  {stage:28} median {statistics.median(values):.3f} s")


def _payment_url(order) -> str:
    from orders.selectors import order_payment

    return order_payment(order=order)["url"]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
