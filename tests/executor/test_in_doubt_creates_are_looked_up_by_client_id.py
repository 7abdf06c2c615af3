"""A create that got no answer is looked up by its client id before anything else, and a
worker killed between the call and the write leaves nothing placed twice."""

import pytest

from core.errors import InDoubtError
from executor.models import ExchangeOrderStatus
from tests.executor.harness import USDT, Market, balances, events, tracked

pytestmark = pytest.mark.django_db(transaction=True)


class NoAnswer:
    """The venue carries the create out (or not), and the answer never comes back."""

    def __init__(self, inner, *, reaches_the_venue: bool) -> None:
        self.inner, self.reaches = inner, reaches_the_venue

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def create_limit_order(self, **kwargs):
        if self.reaches:
            self.inner.create_limit_order(**kwargs)
        raise InDoubtError("read timed out", detail={"reason": "no_answer"})


class WorkerKilled(BaseException):
    pass


class KilledAfterTheCall(NoAnswer):
    def create_limit_order(self, **kwargs):
        self.inner.create_limit_order(**kwargs)
        raise WorkerKilled


def with_gateway(market, wrapper, **kwargs):
    real = market.gateway_for
    market.gateway_for = lambda key_id: wrapper(real(key_id), **kwargs)
    return real


def test_a_create_that_landed_is_adopted_not_repeated():
    market = Market.open()
    order = market.running_order()
    real = with_gateway(market, NoAnswer, reaches_the_venue=True)

    market.tick()
    market.gateway_for = real
    market.tick(seconds=1)

    rows = tracked(order)
    assert len(rows) == 2 and {r.status for r in rows} == {ExchangeOrderStatus.OPEN}
    assert all(r.exchange_order_id for r in rows)
    assert len(market.venue_open_orders(order.api_key)) == 2


def test_a_create_that_never_landed_is_given_up_and_its_reservation_released():
    market = Market.open()
    order = market.running_order()
    with_gateway(market, NoAnswer, reaches_the_venue=False)

    market.tick()
    assert {r.status for r in tracked(order)} == {ExchangeOrderStatus.PENDING_CREATE}
    assert balances(order, USDT).locked > 0
    first = {r.client_order_id for r in tracked(order)}
    market.tick(seconds=61)

    given_up = [r for r in tracked(order) if r.client_order_id in first]
    assert {r.status for r in given_up} == {ExchangeOrderStatus.FAILED}
    assert all(r.released for r in given_up)
    retried_buy = next(r for r in tracked(order) if r.side == "buy" and r not in given_up)
    assert balances(order, USDT).locked == retried_buy.reserved_amount  # only the new try
    assert len(events(order, "create_given_up")) == 2


def test_after_a_restart_open_orders_are_recovered_before_quoting_again():
    market = Market.open()
    order = market.running_order()
    real = with_gateway(market, KilledAfterTheCall, reaches_the_venue=True)
    with pytest.raises(WorkerKilled):
        market.tick()
    # Both quotes were reserved and persisted; the first reached the venue, then the worker died.
    pending = ExchangeOrderStatus.PENDING_CREATE
    assert [r.status for r in tracked(order)] == [pending, pending]

    market.gateway_for = real  # the worker comes back
    market.tick(seconds=1)

    first, second = tracked(order)
    assert (first.status, second.status) == (ExchangeOrderStatus.OPEN, pending)
    resting = market.venue_open_orders(order.api_key)
    assert [o.client_order_id for o in resting] == [first.client_order_id]
