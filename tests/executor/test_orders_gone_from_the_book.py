"""A quote that left the book without us (cancelled on the exchange by hand, or a closed
order the exchange no longer knows) is recorded as ended and its reservation comes back."""

import pytest

from core.errors import RemoteNotFoundError
from executor.models import ExchangeOrderStatus
from tests.executor.harness import SYMBOL, USDT, Market, balances, tracked

pytestmark = pytest.mark.django_db(transaction=True)


class Forgetful:
    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def fetch_order(self, **kwargs):
        raise RemoteNotFoundError("Order does not exist.", detail={"reason": "not_found"})


@pytest.mark.parametrize("exchange_forgets", [False, True])
def test_a_quote_cancelled_outside_is_released(exchange_forgets):
    market = Market.open()
    order = market.running_order()
    market.tick()
    bid = next(r for r in tracked(order) if r.side == "buy")
    market.gateway_for(order.api_key_id).cancel_order(
        symbol=SYMBOL, exchange_order_id=bid.exchange_order_id
    )
    if exchange_forgets:
        real = market.gateway_for
        market.gateway_for = lambda key_id: Forgetful(real(key_id))

    market.tick(seconds=1)

    bid.refresh_from_db()
    assert bid.status == ExchangeOrderStatus.CANCELLED and bid.released
    assert balances(order, USDT).locked == 0
