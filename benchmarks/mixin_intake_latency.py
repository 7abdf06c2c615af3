"""How long from a payment on the Mixin simulator to its hand-over to the order flow.

The beat starts `poll_mixin_snapshots` every second; inside, the task polls every
MIXIN_POLL_INTERVAL_MS for MIXIN_POLL_WINDOW_MS. This script replays that schedule against
the simulator over HTTP with a throwaway SQLite database, pays at random moments and
prints latency percentiles for the configured inner loop and for the beat alone.

    DEBUG=true .venv/bin/python benchmarks/mixin_intake_latency.py [payments]
"""

import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DEBUG"] = "true"
os.environ["MRMARKET_VAR_DIR"] = tempfile.mkdtemp(prefix="mm-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.pop("MIXIN_KEYSTORE", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from mixin_kernel.invoice import PayRequest  # noqa: E402
from mrmarket.celery import app as celery_app  # noqa: E402
from simulators.mixin import BotIdentity, SimWorld, start_in_thread  # noqa: E402
from wallet.tasks import poll_mixin_snapshots  # noqa: E402

BEAT_SECONDS = 1.0


def measure(*, payments: int, window_ms: int, interval_ms: int) -> list[float]:
    settings.MIXIN_POLL_WINDOW_MS, settings.MIXIN_POLL_INTERVAL_MS = window_ms, interval_ms
    world = SimWorld(BotIdentity.from_keystore(settings.MIXIN_KEYSTORE))
    url, stop = start_in_thread(world)
    settings.MIXIN_API_BASE = url
    handed_over: dict[str, float] = {}
    celery_app.send_task = lambda name, kwargs=None, **_: handed_over.setdefault(
        kwargs["snapshot_id"], time.monotonic()
    )
    running = threading.Event()
    running.set()

    def beat() -> None:
        while running.is_set():
            threading.Thread(
                target=poll_mixin_snapshots.run, kwargs={"trace_id": "bench-beat"}
            ).start()
            time.sleep(BEAT_SECONDS)

    asset = str(uuid.uuid4())
    payer = world.user_create(full_name="Bench payer").user_id
    world.user_credit(user_id=payer, asset_id=asset, amount=str(payments))
    threading.Thread(target=beat, daemon=True).start()
    latencies = []
    try:
        for _ in range(payments):
            time.sleep(random.uniform(0, BEAT_SECONDS))
            pay = PayRequest(
                recipient_id=world.bot.app_id,
                asset_id=asset,
                amount=Decimal(1),
                trace_id=str(uuid.uuid4()),
            ).url()
            paid_at = time.monotonic()
            (snapshot_id,) = world.pay(payer_id=payer, url=pay)
            while snapshot_id not in handed_over:
                time.sleep(0.002)
            latencies.append(handed_over[snapshot_id] - paid_at)
    finally:
        running.clear()
        time.sleep(BEAT_SECONDS + window_ms / 1000)
        stop()
    return latencies


def report(label: str, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{label:<44} n={len(ordered):<4} p50={statistics.median(ordered) * 1000:7.1f} ms  "
        f"p95={p95 * 1000:7.1f} ms  max={ordered[-1] * 1000:7.1f} ms"
    )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    call_command("migrate", verbosity=0)
    configured = (settings.MIXIN_POLL_WINDOW_MS, settings.MIXIN_POLL_INTERVAL_MS)
    report(
        f"beat 1 s + inner loop {configured[1]} ms (window {configured[0]} ms)",
        measure(payments=count, window_ms=configured[0], interval_ms=configured[1]),
    )
    report("beat 1 s alone (no inner loop)", measure(payments=count, window_ms=0, interval_ms=1000))
