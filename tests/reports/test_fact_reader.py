"""The fast fact reader gives each value exactly as Django's ordinary query and the fact
functions' decimal_text / time_text would, on awkward values: a whole-second time (SQLite
stores it without a fraction), decimals with float noise on SQLite, repeats, zero, nulls."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.money import decimal_text
from executor.models import ExchangeFill, TrackedOrder
from ledger.models import Transaction
from reports.fact_reader import text_rows
from reports.facts import FILL_FIELDS, time_text
from tests.conftest import requires_postgres
from tests.reports.world import traded_order

pytestmark = pytest.mark.django_db(transaction=True)

AWKWARD_PRICES = ["0.1", "0.30000000000000004", "123456.78901234", "100", "0", "0.00000001"]


def _reference(query, fields):
    """What the ORM gives, as the fact functions wrote it before the fast reader."""
    rows = []
    for row in query.values_list(*fields):
        rows.append(
            tuple(
                decimal_text(v)
                if isinstance(v, Decimal)
                else time_text(v)
                if isinstance(v, datetime)
                else v
                for v in row
            )
        )
    return rows


def test_fill_rows_read_fast_equal_the_orm_reading():
    _, order = traded_order()
    parent = TrackedOrder.objects.filter(order=order).first()
    whole_second = datetime(2026, 12, 1, 9, 30, 0, tzinfo=UTC)
    for n, price in enumerate(AWKWARD_PRICES * 2):
        ExchangeFill.objects.create(
            tracked_order=parent,
            exchange=order.pair.exchange,
            symbol=order.pair.symbol,
            trade_id=f"awkward-{n}",
            side="buy",
            price=Decimal(price),
            amount=Decimal("0.012345678"[: 3 + n % 8]),
            fee=Decimal(0),
            fee_asset="XIN",
            is_maker=n % 2 == 0,
            traded_at=whole_second + timedelta(microseconds=n * 250_001 if n % 3 else 0),
            ledger_key=f"awkward-{n}",
        )
    query = ExchangeFill.objects.filter(tracked_order__order_id=order.pk).order_by(
        "traded_at", "id"
    )
    fast = list(text_rows(query, FILL_FIELDS))
    assert fast == _reference(query, FILL_FIELDS)
    assert len(fast) == 3 + 2 * len(AWKWARD_PRICES)
    assert "2026-12-01T09:30:00.000000Z" in {row[8] for row in fast}
    assert {row[7] for row in fast} == {True, False}


def test_nullable_columns_and_times_of_transactions_equal_the_orm_reading():
    traded_order()
    fields = ("id", "idempotency_key", "reverses_id", "reason", "created_at")
    query = Transaction.objects.order_by("id")
    assert list(text_rows(query, fields)) == _reference(query, fields)
    assert query.count() > 0


@requires_postgres
def test_the_fast_reading_equals_the_orm_reading_on_postgres():
    test_fill_rows_read_fast_equal_the_orm_reading()
