"""The system status page goes warning or critical when a source fails — the broker down,
the beat stopped, an exchange unreachable or hanging, an order stuck, the ledger check
failing — each within its timeout, and agrees with /healthz."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from exchanges.models import Exchange
from ledger.models import LedgerCheckRun
from orders.models import MarketMakingOrder
from tests.ledger.factories import AccountFactory, funded
from tests.ledger.test_ledger_check_finds_violations import sql
from tests.orders.factories import MarketMakingOrderFactory

pytestmark = pytest.mark.django_db
TIMEOUT = 1


@pytest.fixture
def hanging_url():
    """A server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def status(client, admin_client_user, settings, hanging_url):
    """Read the JSON as monitoring does; Mixin hangs throughout (no simulator here), so
    every test also shows a hanging source does not hang the page."""
    settings.STATUS_CHECK_TIMEOUT_SECONDS = TIMEOUT
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = TIMEOUT
    settings.MIXIN_API_BASE = hanging_url
    client.force_login(admin_client_user)

    def read() -> tuple[dict, dict[str, dict], float]:
        started = time.monotonic()
        report = client.get(reverse("admin-status-json")).json()
        took = time.monotonic() - started
        return report, {c["source"]: c for c in report["checks"]}, took

    return read


def bounded(took: float) -> None:
    # Each source waits at most TIMEOUT from the start, side by side; the rest is the
    # database reads and a worker ping's own half-timeout, on a shared machine.
    assert took < TIMEOUT * 3 + 1, took


def test_a_hanging_mixin_reads_critical_within_the_timeout(status):
    report, checks, took = status()
    assert checks["mixin"]["level"] == "critical"
    assert "did not answer" in checks["mixin"]["figure"] or "timed out" in checks["mixin"]["figure"]
    assert report["status"] == "critical"
    bounded(took)


def test_broker_down_is_critical_and_healthz_says_down(status, settings, client):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    report, checks, took = status()

    assert checks["broker"]["level"] == "critical"
    assert checks["workers"]["level"] == "critical"
    assert report["status"] == "critical"
    bounded(took)
    healthz = client.get(reverse("healthz"))
    assert healthz.status_code == 503 and "broker" in healthz.json()["down"]


def _job(last_run_ago: float) -> None:
    every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="tick",
        task="executor.tasks.executor_tick_all",
        interval=every,
        last_run_at=timezone.now() - timedelta(seconds=last_run_ago),
    )


def test_a_beat_silent_past_its_limit_is_a_warning_as_healthz_degraded(status, client):
    _job(last_run_ago=45)

    _report, checks, _took = status()

    assert checks["beat"]["level"] == "warning"
    # Other tests may have left messages on the shared broker: only the beat is asked here.
    assert "beat" in [d["source"] for d in client.get(reverse("healthz")).json()["degraded"]]


def test_a_stopped_beat_is_critical(status):
    _job(last_run_ago=3600)
    _report, checks, _took = status()
    assert checks["beat"]["level"] == "critical"


def test_an_unreachable_exchange_is_critical(status, presets_seeded):
    Exchange.objects.create(
        name="Gone", ccxt_id="binance", api_base_url=f"http://127.0.0.1:{closed_port()}"
    )
    _report, checks, took = status()
    assert checks["exchange: Gone"]["level"] == "critical"
    bounded(took)


def test_a_hanging_exchange_times_out_without_hanging_the_page(status, hanging_url):
    Exchange.objects.create(name="Hangs", ccxt_id="binance", api_base_url=hanging_url)
    _report, checks, took = status()
    assert checks["exchange: Hangs"]["level"] == "critical"
    bounded(took)


def test_a_stuck_order_is_a_warning_and_a_flagged_one_critical(status, presets_seeded):
    order = MarketMakingOrderFactory()
    MarketMakingOrder.objects.filter(pk=order.pk).update(
        state="withdrawing", state_changed_at=timezone.now() - timedelta(hours=3)
    )
    _report, checks, _took = status()
    assert checks["orders"]["level"] == "warning"
    assert checks["orders"]["stuck"] == [str(order.pk)]

    MarketMakingOrder.objects.filter(pk=order.pk).update(attention="exchange lost the deposit")
    _report, checks, _took = status()
    assert checks["orders"]["level"] == "critical"


def test_a_failing_ledger_check_is_critical(status):
    account = AccountFactory()
    funded(account, "5")
    call_command("ledger_check", stdout=None)
    _report, checks, _took = status()
    assert checks["ledger_check"]["level"] == "healthy"

    sql("UPDATE ledger_balance SET amount = amount + 1 WHERE account_id = %s", [account.pk])
    with pytest.raises(CommandError):
        call_command("ledger_check", stdout=None)

    _report, checks, _took = status()
    assert checks["ledger_check"]["level"] == "critical"
    assert LedgerCheckRun.objects.order_by("-ran_at").first().violations >= 1


def test_monitoring_reads_the_json_with_its_token_and_strangers_cannot(settings):
    from django.test import Client

    settings.MONITORING_TOKEN = "monitor-secret-token"
    assert Client().get(reverse("admin-status-json")).status_code == 401
    wrong = Client(HTTP_AUTHORIZATION="Bearer nope").get(reverse("admin-status-json"))
    assert wrong.status_code == 401
    settings.MIXIN_API_BASE = f"http://127.0.0.1:{closed_port()}"
    right = Client(HTTP_AUTHORIZATION="Bearer monitor-secret-token")
    assert right.get(reverse("admin-status-json")).json()["status"] in {"warning", "critical"}


def test_the_page_shows_each_source_with_its_level(status, client):
    page = client.get(reverse("admin-status")).content.decode()
    assert 'data-source="database"' in page and "not attested: no TEE" in page
