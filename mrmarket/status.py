"""The system status page's report: every source the node depends on, each `healthy`,
`warning` or `critical` with the figure behind it.

It reuses /healthz's checks (mrmarket/health.py) and agrees with it: a source /healthz
calls down is critical here, one it calls degraded is at least a warning. Checks that call
out (broker queues, worker ping, Mixin, each exchange) run side by side in threads and are
waited for at most STATUS_CHECK_TIMEOUT_SECONDS each from the start, so a hanging source
reads critical ("timed out") instead of hanging the page; database checks run in the
request's connection under a statement timeout. Thresholds are settings (README table,
docs/operations.md).
"""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from mrmarket import health

HEALTHY, WARNING, CRITICAL = "healthy", "warning", "critical"
LEVELS = (HEALTHY, WARNING, CRITICAL)
Check = dict[str, Any]


def _check(source: str, level: str, figure: str, **figures: Any) -> Check:
    return {"source": source, "level": level, "figure": figure, **figures}


def _timeout() -> float:
    return float(settings.STATUS_CHECK_TIMEOUT_SECONDS)


def run_side_by_side(calls: dict[str, Callable[[], Any]]) -> dict[str, tuple[Any, str | None]]:
    """Run each call in its own thread; one that has not answered within the timeout (from
    the start) or raised is reported by its error, and left to finish on its own."""
    if not calls:
        return {}
    pool = ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="status")
    started = time.monotonic()
    futures = {name: pool.submit(call) for name, call in calls.items()}
    results: dict[str, tuple[Any, str | None]] = {}
    for name, future in futures.items():
        remaining = max(0.0, _timeout() - (time.monotonic() - started))
        try:
            results[name] = (future.result(timeout=remaining), None)
        except TimeoutError:
            results[name] = (None, f"timed out after {_timeout():g} s")
        except Exception as exc:  # a source that fails is reported, never raised
            results[name] = (None, exc.__class__.__name__)
    pool.shutdown(wait=False)
    return results


# --- sources read from the database -------------------------------------------------------


def database_check() -> Check:
    ok, detail = health.database_health()
    return _check("database", HEALTHY if ok else CRITICAL, "answers" if ok else detail)


def beat_check() -> Check:
    figures = health.beat_silence()
    if not figures["jobs"]:
        return _check("beat", CRITICAL, "no periodic job scheduled", **figures)
    silent = figures["silent_seconds"]
    if silent is None or silent >= settings.STATUS_BEAT_CRITICAL_SECONDS:
        level = CRITICAL
    elif health.beat_degraded(figures):
        level = WARNING
    else:
        level = HEALTHY
    shown = "never ran" if silent is None else f"{silent:g} s past the period"
    return _check("beat", level, shown, **figures)


def executor_checks() -> list[Check]:
    """Per market with quoting orders: how long since its last tick."""
    from executor.models import ExecutorState

    now = timezone.now()
    markets = (
        ExecutorState.objects.filter(quoting=True)
        .values("pair__symbol", "pair__exchange__name")
        .annotate(last_tick=Max("last_tick_at"))
    )
    checks = []
    for market in markets:
        name = f"{market['pair__symbol']} on {market['pair__exchange__name']}"
        last = market["last_tick"]
        lag = None if last is None else round((now - last).total_seconds(), 1)
        if lag is None or lag >= settings.STATUS_TICK_LAG_CRITICAL_SECONDS:
            level = CRITICAL
        elif lag >= settings.STATUS_TICK_LAG_WARNING_SECONDS:
            level = WARNING
        else:
            level = HEALTHY
        figure = "never ticked" if lag is None else f"last tick {lag:g} s ago"
        checks.append(_check(f"executor: {name}", level, figure, tick_lag_seconds=lag))
    return checks or [_check("executor", HEALTHY, "no market is quoting")]


def orders_check() -> Check:
    """Orders an operator must look at (reconcile flagged them), and orders held in a
    moving state well past the time reconcile gives it."""
    from orders.models import MarketMakingOrder
    from orders.states import STUCK_AFTER_SECONDS, TERMINAL_STATES

    now = timezone.now()
    live = MarketMakingOrder.objects.exclude(state__in=TERMINAL_STATES)
    flagged = list(live.exclude(attention="").values_list("id", flat=True)[:20])
    grace = timedelta(seconds=settings.STATUS_ORDER_STUCK_GRACE_SECONDS)
    stuck = []
    for state, seconds in STUCK_AFTER_SECONDS.items():
        too_old = now - timedelta(seconds=seconds) - grace
        stuck += live.filter(state=state, state_changed_at__lt=too_old).values_list(
            "id", flat=True
        )[:20]
    level = CRITICAL if flagged else WARNING if stuck else HEALTHY
    figure = f"{len(flagged)} flagged for attention, {len(stuck)} stuck"
    return _check(
        "orders",
        level,
        figure,
        flagged=[str(i) for i in flagged],
        stuck=[str(i) for i in stuck[:20]],
    )


def api_keys_check() -> Check:
    from exchanges.models import ExchangeAPIKey

    keys = list(ExchangeAPIKey.objects.filter(enabled=True, exchange__enabled=True))
    invalid = [str(k) for k in keys if k.validation_status == k.ValidationStatus.INVALID]
    lacking = [
        f"{k} {k.use_permissions().shortfall}"
        for k in keys
        if k.validation_status != k.ValidationStatus.INVALID and not k.use_permissions().usable
    ]
    level = CRITICAL if invalid or not keys else WARNING if lacking else HEALTHY
    if not keys:
        figure = "no enabled key"
    else:
        figure = f"{len(keys) - len(invalid) - len(lacking)} of {len(keys)} usable"
    return _check("api_keys", level, figure, invalid=invalid, lacking=lacking)


def ledger_check_check() -> Check:
    from ledger.models import LedgerCheckRun

    run = LedgerCheckRun.objects.order_by("-ran_at").first()
    if run is None:
        return _check("ledger_check", WARNING, "never run")
    age = round((timezone.now() - run.ran_at).total_seconds())
    if not run.ok:
        level = CRITICAL
    elif age >= settings.STATUS_LEDGER_CHECK_MAX_AGE_SECONDS:
        level = WARNING
    else:
        level = HEALTHY
    result = "ok" if run.ok else f"{run.violations} violation(s)"
    return _check(
        "ledger_check",
        level,
        f"{result}, {age} s ago",
        ok=run.ok,
        ran_at=run.ran_at.isoformat(),
        violations=run.violations,
    )


def intake_cursor_age() -> float | None:
    from wallet.models import SnapshotCursor

    cursor = SnapshotCursor.objects.order_by("-updated_at").first()
    return None if cursor is None else round((timezone.now() - cursor.updated_at).total_seconds())


def attestation_check() -> Check:
    # Reported, never alerted on: there is no TEE to attest this node yet.
    return _check("attestation", WARNING, "not attested: no TEE", counts=False)


# --- sources called over the network, side by side --------------------------------------


def _exchange_probe(gateway: Any, symbol: str | None) -> float:
    started = time.monotonic()
    if symbol:
        gateway.ticker(symbol=symbol)
    else:
        gateway.markets(reload=True)
    return round((time.monotonic() - started) * 1000)


def _network_calls() -> tuple[dict[str, Callable[[], Any]], dict[str, str]]:
    """The calls to make, built here (the database is read in the request's thread)."""
    from exchanges.gateway.registry import public_gateway_for_exchange
    from exchanges.models import Exchange
    from mrmarket.setup_guide import workers_answering
    from orders.setup import mixin_bot_reachable

    calls: dict[str, Callable[[], Any]] = {
        "broker_queues": health.broker_backlog,
        "workers": workers_answering,
        "mixin": lambda: mixin_bot_reachable(cached=False),
    }
    names = {}
    for exchange in Exchange.objects.filter(enabled=True):
        pair = exchange.pairs.filter(enabled=True).order_by("pk").first()
        gateway = public_gateway_for_exchange(exchange=exchange, timeout_ms=int(_timeout() * 1000))
        key = f"exchange:{exchange.pk}"
        names[key] = exchange.name
        calls[key] = lambda g=gateway, s=(pair.symbol if pair else None): _exchange_probe(g, s)
    hufi = getattr(settings, "HUFI_API_BASE", "")
    if hufi:
        calls["hufi"] = lambda: _http_reachable(hufi)
    return calls, names


def _http_reachable(url: str) -> float:
    import httpx

    started = time.monotonic()
    httpx.get(url, timeout=_timeout())
    return round((time.monotonic() - started) * 1000)


def _broker_queue_checks(backlog: dict | None, error: str | None) -> list[Check]:
    if error:
        return [_check("broker_queues", CRITICAL, f"could not read: {error}")]
    checks = []
    for queue, figures in sorted((backlog or {}).items()):
        messages, oldest = figures["messages"], figures.get("oldest_age_seconds") or 0
        if (
            messages >= settings.STATUS_BROKER_BACKLOG_CRITICAL_MESSAGES
            or oldest >= settings.STATUS_BROKER_OLDEST_CRITICAL_SECONDS
        ):
            level = CRITICAL
        elif health.backlog_degraded({queue: figures}):
            level = WARNING
        else:
            level = HEALTHY
        age = f", oldest {oldest:g} s" if figures.get("oldest_age_seconds") is not None else ""
        checks.append(_check(f"queue: {queue}", level, f"{messages} waiting{age}", **figures))
    return checks


def _network_checks(broker_up: bool) -> list[Check]:
    calls, exchange_names = _network_calls()
    if not broker_up:
        calls.pop("broker_queues")
        calls.pop("workers")
    results = run_side_by_side(calls)
    checks: list[Check] = []
    if broker_up:
        checks += _broker_queue_checks(*results["broker_queues"])
        workers, error = results["workers"]
        checks.append(
            _check("workers", HEALTHY, f"{len(workers)} answered: {', '.join(workers)}")
            if workers
            else _check("workers", CRITICAL, error or "no worker answered the ping")
        )
    else:
        checks.append(_check("workers", CRITICAL, "broker down: cannot ping"))
    reached, error = results["mixin"]
    cursor_age = intake_cursor_age()
    ok, detail = reached if reached else (False, error)
    checks.append(
        _check("mixin", HEALTHY if ok else CRITICAL, detail, intake_cursor_age_seconds=cursor_age)
    )
    for key, name in exchange_names.items():
        latency, error = results[key]
        if error:
            checks.append(_check(f"exchange: {name}", CRITICAL, error))
        else:
            level = WARNING if latency >= settings.STATUS_EXCHANGE_SLOW_MS else HEALTHY
            checks.append(_check(f"exchange: {name}", level, f"{latency:g} ms", latency_ms=latency))
    if "hufi" in results:
        latency, error = results["hufi"]
        checks.append(
            _check("hufi", CRITICAL, error)
            if error
            else _check("hufi", HEALTHY, f"{latency:g} ms", latency_ms=latency)
        )
    else:
        checks.append(_check("hufi", HEALTHY, "not configured: campaigns are off"))
    return checks


def system_status() -> dict[str, Any]:
    database = database_check()
    broker_up, broker_detail = health.broker_health()
    checks = [
        database,
        _check(
            "broker", HEALTHY if broker_up else CRITICAL, "answers" if broker_up else broker_detail
        ),
    ]
    checks += _network_checks(broker_up)
    if database["level"] == HEALTHY:
        for read in (beat_check, orders_check, api_keys_check, ledger_check_check):
            try:
                checks.append(read())
            except Exception as exc:  # one unreadable source does not take the page down
                checks.append(
                    _check(read.__name__.removesuffix("_check"), CRITICAL, exc.__class__.__name__)
                )
        checks += executor_checks()
    checks.append(attestation_check())
    counted = [c["level"] for c in checks if c.pop("counts", True)]
    worst = max(counted, key=LEVELS.index)
    return {"status": worst, "checked_at": timezone.now().isoformat(), "checks": checks}
