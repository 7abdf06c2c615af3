"""Orders for the page tests, created the way a user creates them (the real service,
against the demo's simulators) and, where a test needs a later state, moved there directly."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from demo.services import DEMO_USERNAME
from orders.models import MarketMakingOrder
from orders.services.intents import order_intent_create

XIN_OVERRIDES = {"order_amount": "0.2"}


def demo_user():
    return get_user_model().objects.get(username=DEMO_USERNAME)


def xin_order(world, *, user=None, base: str = "2", quote: str = "300") -> MarketMakingOrder:
    return order_intent_create(
        user=user or demo_user(),
        pair_id=world.pair("XIN/USDT").pk,
        preset_name="stable-depth",
        overrides=XIN_OVERRIDES,
        base_amount=Decimal(base),
        quote_amount=Decimal(quote),
    )


def order_put_in_state(order: MarketMakingOrder, state: str) -> MarketMakingOrder:
    """Skip the funds loop (its own tests drive it): the state field is protected, so
    the test writes it with an update, as a migration or an operator fix would."""
    MarketMakingOrder.objects.filter(pk=order.pk).update(state=state)
    return MarketMakingOrder.objects.get(pk=order.pk)
