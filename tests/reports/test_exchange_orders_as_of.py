"""Figures as of a past moment count an exchange order as it stood then: a cancel or a
rejection that came later is not counted yet, so the order's activity as of that moment
does not change when the order ends afterwards."""

from reports.facts import exchange_orders_as_of
from reports.pnl import exchange_order_counts

AT = "2026-12-01T10:00:00.000000+00:00"
BEFORE = "2026-12-01T09:59:00.000000+00:00"
AFTER = "2026-12-01T10:01:00.000000+00:00"


def row(status, *, updated_at, exchange_order_id="x1", reason="", error=""):
    return {
        "status": status,
        "exchange_order_id": exchange_order_id,
        "cancel_reason": reason,
        "error_class": error,
        "created_at": BEFORE,
        "updated_at": updated_at,
    }


def test_a_cancel_after_the_moment_is_not_counted_as_of_it():
    rows = [
        row("cancelled", updated_at=BEFORE, reason="refresh"),
        row("cancelled", updated_at=AFTER, reason="exit"),
        row("failed", updated_at=AFTER, exchange_order_id="", error="InsufficientFunds"),
        row("filled", updated_at=AFTER),
    ]
    assert exchange_order_counts(exchange_orders_as_of(rows, at=AT)) == {
        "placed": 3,
        "cancelled": {"refresh": 1},
        "rejected": {},
    }
    # Now, every end counts.
    assert exchange_order_counts(rows) == {
        "placed": 3,
        "cancelled": {"exit": 1, "refresh": 1},
        "rejected": {"InsufficientFunds": 1},
    }


def test_rows_that_ended_before_the_moment_are_untouched():
    rows = [row("cancelled", updated_at=BEFORE, reason="risk"), row("open", updated_at=AFTER)]
    assert exchange_orders_as_of(rows, at=AT) == rows
