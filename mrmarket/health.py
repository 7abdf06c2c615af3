"""Health of what the product needs to work.

Down (503): the database or the broker does not answer. Degraded (200): they answer but
the work falls behind: messages wait in a broker queue, or the beat has stopped sending
the periodic jobs. Every check is bounded by HEALTH_CHECK_TIMEOUT_SECONDS.
"""

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from celery.beat import Scheduler
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from kombu import Connection

DEFAULT_QUEUE = "celery"  # Celery's own default when CELERY_TASK_DEFAULT_QUEUE is unset
Figures = dict[str, Any]


def _timeout() -> float:
    return float(settings.HEALTH_CHECK_TIMEOUT_SECONDS)


@contextmanager
def _bounded_statements() -> Iterator[None]:
    """PostgreSQL gives up on a statement after the check's timeout; SQLite in WAL mode
    never makes a reader wait, and its busy timeout bounds the rest."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [int(_timeout() * 1000)])
        yield


def database_health() -> tuple[bool, str]:
    try:
        with _bounded_statements(), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database does not answer
        return False, exc.__class__.__name__
    return True, "ok"


def _broker_connection() -> Connection:
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    # Read by the Redis transport; others ignore them.
    options.update(socket_timeout=_timeout(), socket_connect_timeout=_timeout())
    return Connection(
        settings.CELERY_BROKER_URL, transport_options=options, connect_timeout=_timeout()
    )


def broker_health() -> tuple[bool, str]:
    try:
        with _broker_connection() as conn:
            conn.ensure_connection(max_retries=1, timeout=_timeout())
    except Exception as exc:  # any failure means the broker does not answer
        return False, exc.__class__.__name__
    return True, "ok"


def queue_names() -> list[str]:
    """The queues the product sends to: the default one and every routed or declared one."""
    names = {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", None) or DEFAULT_QUEUE}
    routes = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    for table in routes if isinstance(routes, list | tuple) else [routes]:
        for route in table.values() if isinstance(table, dict) else []:
            queue = route.get("queue") if isinstance(route, dict) else route
            if queue:
                names.add(getattr(queue, "name", queue))
    for queue in getattr(settings, "CELERY_TASK_QUEUES", None) or []:
        names.add(getattr(queue, "name", queue))
    return sorted(str(name) for name in names)


def _filesystem_backlog(folder: str, queues: list[str]) -> dict[str, Figures]:
    """kombu's filesystem transport keeps one `<ms>_<uuid>.<queue>.msg` file per waiting
    message; a message's age is its file's. Queues nobody consumes (e.g. an event queue a
    stopped monitor left) show up too."""
    now = time.time()
    backlog: dict[str, Figures] = {q: {"messages": 0, "oldest_age_seconds": None} for q in queues}
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.endswith(".msg"):
                continue
            queue = entry.name.removesuffix(".msg").partition(".")[2]
            try:
                age = max(0.0, now - entry.stat().st_mtime)
            except FileNotFoundError:  # consumed while we looked
                continue
            figures = backlog.setdefault(queue, {"messages": 0, "oldest_age_seconds": None})
            figures["messages"] += 1
            figures["oldest_age_seconds"] = round(max(figures["oldest_age_seconds"] or 0, age), 1)
    return backlog


def _transport_backlog(queues: list[str]) -> dict[str, Figures]:
    """Redis: LLEN of each queue's lists (kombu keeps one per priority step); AMQP: the
    message count of a passive declare. Neither tells a message's age."""
    with _broker_connection() as conn:
        channel = conn.default_channel
        sizes = {}
        for queue in queues:
            if hasattr(channel, "_size"):  # kombu's virtual transports (Redis, SQS, ...)
                sizes[queue] = int(channel._size(queue))
            else:
                sizes[queue] = channel.queue_declare(queue=queue, passive=True).message_count
    return {queue: {"messages": size} for queue, size in sizes.items()}


def broker_backlog() -> dict[str, Figures]:
    """Waiting messages per queue, with the oldest one's age where the transport tells it."""
    queues = queue_names()
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ".")
        return _filesystem_backlog(str(folder), queues)
    return _transport_backlog(queues)


def backlog_degraded(backlog: dict[str, Figures]) -> list[Figures]:
    too_many = settings.HEALTH_BROKER_BACKLOG_MESSAGES
    too_old = settings.HEALTH_BROKER_OLDEST_MESSAGE_SECONDS
    return [
        {"source": "broker_backlog", "queue": queue, **figures}
        for queue, figures in sorted(backlog.items())
        if figures["messages"] >= too_many or (figures.get("oldest_age_seconds") or 0) >= too_old
    ]


def beat_silence() -> Figures:
    """How long the beat has been silent: the time since the periodic job it runs most
    often last ran, beyond that job's own interval. The beat writes `last_run_at` to
    django-celery-beat's table each CELERY_BEAT_SYNC_EVERY jobs; without that setting only
    every 3 minutes, which the check allows for."""
    from django_celery_beat.models import PeriodicTask

    with _bounded_statements():
        jobs = list(
            PeriodicTask.objects.filter(enabled=True, interval__isnull=False)
            .exclude(name__startswith="celery.")
            .select_related("interval")
        )
    if not jobs:
        return {"jobs": 0}
    now = timezone.now()
    overdue = [
        (now - _aware(job.last_run_at) - job.interval.schedule.run_every).total_seconds()
        for job in jobs
        if job.last_run_at is not None
    ]
    sync_allowance = 0 if getattr(settings, "CELERY_BEAT_SYNC_EVERY", 0) else Scheduler.sync_every
    limit = settings.HEALTH_BEAT_SILENT_SECONDS + sync_allowance
    silent = round(max(0.0, min(overdue)), 1) if overdue else None
    return {"jobs": len(jobs), "silent_seconds": silent, "limit_seconds": limit}


def _aware(moment: datetime) -> datetime:
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def beat_degraded(figures: Figures) -> list[Figures]:
    if not figures["jobs"]:
        return []  # no periodic job enabled: nothing for the beat to do
    silent = figures["silent_seconds"]
    if silent is None or silent >= figures["limit_seconds"]:
        return [{"source": "beat", **figures}]
    return []


def run_bounded(check: Callable[[], Figures]) -> Figures:
    """Run a check that does not touch the database in a thread, and stop waiting for it
    after the timeout (the thread finishes on its own)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")
    try:
        return pool.submit(check).result(timeout=_timeout())
    finally:
        pool.shutdown(wait=False)


def _degradation(
    name: str, measure: Callable[[], Figures], judge: Callable[[Figures], list[Figures]]
) -> tuple[dict[str, object], list[Figures]]:
    try:
        figures = measure()
    except FutureTimeout:
        failure = f"timed out after {_timeout():g} s"
        return {"ok": False, "detail": failure}, [{"source": name, "error": failure}]
    except Exception as exc:  # a check that cannot measure reads degraded, never 500
        failure = exc.__class__.__name__
        return {"ok": False, "detail": failure}, [{"source": name, "error": failure}]
    degraded = judge(figures)
    detail = "behind" if degraded else "ok"
    return {"ok": not degraded, "detail": detail, **figures}, degraded


def system_health() -> dict[str, object]:
    up = {"database": database_health(), "broker": broker_health()}
    checks: dict[str, dict[str, object]] = {
        name: {"ok": ok, "detail": detail} for name, (ok, detail) in up.items()
    }
    down = [name for name, (ok, _) in up.items() if not ok]
    degraded: list[Figures] = []
    if up["broker"][0]:
        checks["broker_backlog"], found = _degradation(
            "broker_backlog",
            lambda: {"queues": run_bounded(broker_backlog)},
            lambda figures: backlog_degraded(figures["queues"]),
        )
        degraded += found
    if up["database"][0]:
        checks["beat"], found = _degradation("beat", beat_silence, beat_degraded)
        degraded += found
    return {
        "status": "down" if down else "degraded" if degraded else "ok",
        "down": down,
        "degraded": degraded,
        "checks": checks,
        "version": settings.MRMARKET_VERSION,
    }
