"""The tick's batch statements (core.batch_sql) send every column as one array literal that
our own code writes, not the driver: whatever a field may hold must read back unchanged —
quotes, backslashes, braces, commas, the text NULL, empty text, non-ASCII, NULL itself,
JSON with all of those, Decimals in any form, times in any zone — and the statement's text
must not depend on the number of rows (it is written once per model and set of fields)."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.batch_sql import insert_names, insert_statement, update_statement
from executor.models import ExecutorState, TrackedOrder
from executor.settlement import TRACKED_SAVED_FIELDS
from executor.state_store import COLD_FIELDS, HOT_FIELDS, rows_insert, rows_update
from tests.conftest import requires_postgres
from tests.executor.harness import Market

pytestmark = [pytest.mark.django_db, requires_postgres]

AWKWARD = [
    'a "quoted" text',
    "back\\slash\\",
    "{braces},commas",
    "NULL",
    "",
    "ünïcode ✓ 中文",
    "line\nbreak\ttab",
    "'single' quotes",
]
ZONE = timezone(timedelta(hours=-3, minutes=-30))


def market_with_quotes(orders: int) -> tuple[Market, list[ExecutorState], list[TrackedOrder]]:
    market = Market.open()
    for _ in range(orders):
        market.running_order()
    market.tick()
    states = list(ExecutorState.objects.filter(pair=market.pair).order_by("order_id"))
    tracked = list(TrackedOrder.objects.filter(symbol=market.pair.symbol).order_by("id"))
    return market, states, tracked


def test_every_kind_of_value_of_the_states_reads_back_from_one_update():
    _, states, _ = market_with_quotes(3)
    for n, state in enumerate(states):
        text = AWKWARD[n % len(AWKWARD)]
        state.strategy_state = {
            "text": text,
            "all": AWKWARD,
            "nested": {"list": [1, "2", None, True], text: text},
            "none": None,
        }
        state.last_reference_price = None if n == 0 else Decimal("1E+3") / (n + 7)
        state.peak_equity = Decimal("0.000000000000000001") * (n + 1)
        state.last_tick_at = datetime(2026, 3, 1, 12, 0, 0, 123456 + n, tzinfo=ZONE)
        state.kill_switch_reason = AWKWARD[(n + 3) % len(AWKWARD)]
        state.kill_switch_tripped = n % 2 == 0
        state.market_data_stale = n == 1
        state.halted_sides = {"buy": "2026-03-01T12:00:00+00:00"} if n else {}
        state.repeating_events = {"risk_x": n} if n else {}
        state.consecutive_rejects = n
    rows_update(ExecutorState, states, HOT_FIELDS + COLD_FIELDS)

    names = HOT_FIELDS + COLD_FIELDS
    for state in states:
        stored = ExecutorState.objects.get(pk=state.pk)
        for name in names:
            held, read = getattr(state, name), getattr(stored, name)
            if isinstance(held, Decimal):
                assert read == held.quantize(Decimal("1E-18")), name
            else:
                assert read == held, name


def test_every_kind_of_value_of_the_tracked_orders_reads_back_from_one_update():
    _, _, tracked = market_with_quotes(2)
    for n, row in enumerate(tracked):
        row.exchange_order_id = AWKWARD[n % len(AWKWARD)][:64]
        row.last_error = AWKWARD[(n + 1) % len(AWKWARD)]
        row.filled_amount = Decimal("0.5") / (n + 3)
        row.released = n % 2 == 1
        row.updated_at = datetime(2026, 3, 1, 12, 0, n, tzinfo=UTC)
    rows_update(TrackedOrder, tracked, TRACKED_SAVED_FIELDS)

    for row in tracked:
        stored = TrackedOrder.objects.get(pk=row.pk)
        assert stored.exchange_order_id == row.exchange_order_id
        assert stored.last_error == row.last_error
        assert stored.filled_amount == row.filled_amount.quantize(Decimal("1E-18"))
        assert stored.released == row.released
        assert stored.updated_at == row.updated_at


def test_inserted_rows_get_their_own_keys_in_order_and_read_back():
    market, _, tracked = market_with_quotes(1)
    template = tracked[0]
    new = []
    for n, text in enumerate(AWKWARD):
        row = TrackedOrder(
            order_id=template.order_id,
            api_key_id=template.api_key_id,
            symbol=market.pair.symbol,
            sequence=1000 + n,
            client_order_id=f"test.{n}",
            side="buy" if n % 2 else "sell",
            price=Decimal("99.5"),
            amount=Decimal("1E-3") * (n + 1),
            reserved_amount=Decimal("0.0995") * (n + 1),
            last_error=text,
            trace_id=template.trace_id,
            created_at=datetime(2026, 3, 1, tzinfo=ZONE),
            updated_at=datetime(2026, 3, 1, tzinfo=ZONE),
        )
        new.append(row)
    rows_insert(TrackedOrder, new)

    assert all(row.pk is not None and not row._state.adding for row in new)
    for row in new:
        stored = TrackedOrder.objects.get(pk=row.pk)
        assert stored.client_order_id == row.client_order_id  # each key is its own row's
        assert stored.last_error == row.last_error
        assert stored.amount == row.amount
        assert stored.created_at == row.created_at


def test_the_statement_text_is_the_same_for_any_number_of_rows():
    _, states, tracked = market_with_quotes(3)
    assert (
        update_statement(ExecutorState, states[:1], HOT_FIELDS)[0]
        == update_statement(ExecutorState, states, HOT_FIELDS)[0]
    )
    one, many = insert_statement(TrackedOrder, tracked[:1]), insert_statement(TrackedOrder, tracked)
    assert one[0] == many[0]
    assert len(one[1]) == len(many[1]) == len(insert_names(TrackedOrder))  # one per column
