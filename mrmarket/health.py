"""Health of what the product needs to work: the database and the broker."""

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_health() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database does not answer
        return False, exc.__class__.__name__
    return True, "ok"


def broker_health() -> tuple[bool, str]:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any failure means the broker does not answer
        return False, exc.__class__.__name__
    return True, "ok"


def system_health() -> dict[str, object]:
    checks = {"database": database_health(), "broker": broker_health()}
    down = [name for name, (ok, _) in checks.items() if not ok]
    return {
        "status": "ok" if not down else "down",
        "down": down,
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
        "version": settings.MRMARKET_VERSION,
    }
