"""The chaos soak, long: 30 orders through create → pay → running → exit on PostgreSQL and
Redis while ~10 % of the venue's and Mixin's API calls fail (timeouts, 5xx, 429, dropped
connections; POST /_sim/chaos) and a worker is SIGKILLed at random every few seconds.
Every order must end `exited` or `refunded`, each external effect once on the simulators,
the ledger and the loop clean (tests/orders/loop/chaos.py; its short version runs in the
suite as tests/orders/loop/test_chaos_soak.py).

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/mm_bench_chaos \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/11 .venv/bin/python benchmarks/chaos_soak.py \\
        [--orders 30] [--fault-rate 0.1] [--kill-every 3 8] [--seed 1] [--timeout 1200]

The database named in DATABASE_URL is dropped and created afresh. Prints the outcome of
every order, the time until each was final (median, p95, max), the kills and the faults
injected on each simulator. Exits non-zero when a check fails.
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")
os.environ.setdefault("DEBUG", "true")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=30)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--kill-every", type=float, nargs=2, default=(3, 8))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args()

    import django

    django.setup()
    from benchmarks.funds_loop import recreate_database

    recreate_database()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        sys.exit("Set CELERY_BROKER_URL=redis://... : the soak runs real workers on Redis.")
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS.append("testserver")  # the user's API calls go through APIClient
    from tests.orders.loop.chaos import chaos_checks, chaos_run
    from tests.orders.loop.harness import world_build
    from tests.orders.loop.workers import Processes, purge_broker

    world, stop_simulators = world_build(settings)
    purge_broker()
    logs = Path(tempfile.mkdtemp(prefix="chaos-soak-"))
    processes = Processes(world, logs)
    try:
        report = chaos_run(
            world,
            processes,
            get_user_model(),
            orders=args.orders,
            fault_rate=args.fault_rate,
            kill_every=tuple(args.kill_every),
            timeout=args.timeout,
            seed=args.seed,
        )
    finally:
        processes.stop()
    try:
        chaos_checks(world, report)
        verdict = "every check passed"
    except AssertionError as failure:
        verdict = f"CHECK FAILED: {failure}"
    finally:
        stop_simulators()
    finals = report.order_seconds()
    p95 = finals[max(0, round(0.95 * len(finals)) - 1)]
    database = settings.DATABASES["default"]["NAME"]
    print(f"configuration: PostgreSQL {database}, {settings.CELERY_BROKER_URL}")
    print(
        f"command: benchmarks/chaos_soak.py --orders {args.orders} --fault-rate {args.fault_rate} "
        f"--kill-every {args.kill_every[0]:g} {args.kill_every[1]:g} --seed {args.seed}"
    )
    print(f"orders: {len(report.orders)}, final states {dict(report.states)}")
    print(
        f"create → final: median {statistics.median(finals):.0f} s, p95 {p95:.0f} s, "
        f"max {finals[-1]:.0f} s; whole run {report.seconds:.0f} s"
    )
    print(f"workers SIGKILLed: {report.kills}; API calls retried by the user: {report.api_retries}")
    for name, chaos in report.injected.items():
        print(f"{name}: {chaos['calls']} API calls, injected {chaos['injected']}")
    print(f"logs: {logs}")
    print(verdict)
    if verdict != "every check passed":
        sys.exit(1)


if __name__ == "__main__":
    main()
