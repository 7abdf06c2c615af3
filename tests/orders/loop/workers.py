"""Real Celery worker (and beat) processes for the end-to-end and crash tests: they share
the test's PostgreSQL database and Redis broker and reach the simulators over HTTP."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from executor.models import ExchangeFill
from mrmarket.celery import app as celery_app
from orders.models import MarketMakingOrder
from tests.conftest import database_env_for_subprocess
from tests.orders.loop.harness import USDT, XIN

ROOT = Path(__file__).resolve().parents[3]
# A test runs one worker, so it consumes every queue the routes use (mrmarket/settings.py)
# where the Procfile splits them between workers.
EVERY_QUEUE = ",".join(celery_app.amqp.queues)


class Processes:
    def __init__(self, world, log_dir: Path, *, env: dict[str, str] | None = None) -> None:
        self.world = world
        self.log_dir = log_dir
        self.running: list[subprocess.Popen] = []
        self.env = (
            database_env_for_subprocess()
            | {
                "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                "MIXIN_KEYSTORE": world.keystore_json,
                "MIXIN_API_BASE": world.mixin_url,
                "MIXIN_OAUTH_BASE": world.mixin_url,
                "MIXIN_HTTP_TIMEOUT_MS": "3000",
                "DEBUG": "true",
                "LOG_LEVEL": "INFO",
            }
            | (env or {})
        )

    def _start(self, name: str, args: list[str], extra_env: dict[str, str]) -> subprocess.Popen:
        path = self.log_dir / f"{name}-{len(self.running)}.log"
        log = open(path, "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mrmarket", *args],
            cwd=ROOT,
            env=self.env | extra_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = path  # type: ignore[attr-defined]
        self.running.append(process)
        return process

    @staticmethod
    def ready(process: subprocess.Popen) -> bool:
        """The worker says it is ready (Celery's "celery@host ready." line)."""
        return " ready." in process.log_path.read_text(errors="replace")  # type: ignore[attr-defined]

    def worker(
        self,
        *,
        crash_at: str | None = None,
        pool: str = "solo",
        concurrency: int = 1,
        queues: str = EVERY_QUEUE,
    ) -> subprocess.Popen:
        # The solo pool runs tasks in the worker process itself, so a crash point kills the
        # whole worker, as a machine losing power would.
        return self._start(
            "worker",
            [
                "worker",
                "--queues",
                queues,
                "--pool",
                pool,
                "--concurrency",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
                "-l",
                "INFO",
            ],
            {"MRMARKET_CRASH_AT": crash_at} if crash_at else {},
        )

    def beat(self) -> subprocess.Popen:
        call_command("setup_periodic_tasks", verbosity=0)
        return self._start(
            "beat",
            ["beat", "-l", "INFO", "-S", "django_celery_beat.schedulers:DatabaseScheduler"],
            {},
        )

    def stop(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.log_dir.glob("*.log")))


def purge_broker() -> None:
    celery_app.control.purge()


def wait_for(predicate, *, timeout: float, interval: float = 0.1, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def state_of(order_id) -> str:
    return MarketMakingOrder.objects.values_list("state", flat=True).get(pk=order_id)


def fills_of(order_id) -> int:
    return ExchangeFill.objects.filter(tracked_order__order_id=order_id).count()


def order_running_with_a_fill(world, django_user_model):
    """Through the running workers: a user creates and pays an order, it quotes both sides
    of the book, another trader takes its best ask and the fill is settled.
    Returns the user and the order API's answer to the create."""
    from tests.orders.loop.test_payment_to_exchange import create_order

    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    order_id = body["id"]
    world.pay(user, body["payment"]["url"])
    wait_for(lambda: state_of(order_id) == "running", timeout=60, what="running")
    wait_for(
        lambda: {o["side"].lower() for o in world.our_open_orders()} == {"buy", "sell"},
        timeout=30,
        what="quotes on both sides of the book",
    )
    world.take_our_best_ask()
    wait_for(lambda: fills_of(order_id) >= 1, timeout=30, what="the first fill settled")
    return user, body
