"""start_mm registers an order with the executor; a repeat changes nothing."""

import pytest

from executor.models import ExecutorState, MarketTickSchedule
from executor.services import executor_order_register
from tests.executor.harness import Market, events, order_register

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_second_registration_returns_the_same_state():
    market = Market.open()
    order = market.running_order()  # registered once already
    state = ExecutorState.objects.get(order=order)
    state.next_sequence = 7
    state.save()

    order_register(order)

    again = ExecutorState.objects.get(order=order)
    assert again.pk == state.pk and again.next_sequence == 7
    assert len(events(order, "executor_registered")) == 1
    assert MarketTickSchedule.objects.filter(pair=market.pair).count() == 1


def test_an_order_without_a_frozen_config_is_refused():
    market = Market.open()
    order = market.running_order()
    with pytest.raises(ValueError, match="frozen"):
        executor_order_register(
            order_id=order.pk,
            pair_id=order.pair_id,
            api_key_id=order.api_key_id,
            config=None,
            config_hash="",
            trace_id=order.trace_id,
        )
