"""Reading a report's window from a request or a command line."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from core.errors import ApplicationError
from orders.models import MarketMakingOrder


def moment_read(value: str | None, *, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ApplicationError(
            f"{name} is an ISO 8601 time with its offset, e.g. 2026-12-01T00:00:00Z.",
            code="invalid",
            detail={name: ["An ISO 8601 time with a UTC offset."]},
        )
    return moment


def report_window(
    *, order: MarketMakingOrder, since: str | None, until: str | None
) -> tuple[datetime, datetime]:
    """[from, to): from the order's creation to now unless given; `to` must follow `from`."""
    start = moment_read(since, name="from") or order.created_at
    end = moment_read(until, name="to") or timezone.now()
    if end <= start:
        raise ApplicationError(
            "The report's window must end after it starts.",
            code="invalid",
            detail={"to": ["Must be after from."]},
        )
    return start, end
