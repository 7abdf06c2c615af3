import uuid
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from exchanges.services import api_key_create
from orders.models import MarketMakingOrder, StrategyPreset
from tests.exchanges.factories import TradingPairFactory


class StrategyPresetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyPreset

    name = factory.Sequence(lambda n: f"preset-{n}")
    title = factory.Sequence(lambda n: f"Preset {n}")
    rationale = "Two levels a side, 1% apart, for tests."
    params = factory.LazyFunction(
        lambda: {"bid_spread": "0.01", "ask_spread": "0.01", "order_levels": 2}
    )
    required_overrides = factory.LazyFunction(lambda: ["order_amount"])
    position = 100


class MarketMakingOrderFactory(factory.django.DjangoModelFactory):
    """An order as the intent service leaves it: waiting for its payment."""

    class Meta:
        model = MarketMakingOrder

    user = factory.LazyFunction(
        lambda: get_user_model().objects.create_user(username=f"user-{uuid.uuid4().hex[:8]}")
    )
    pair = factory.SubFactory(TradingPairFactory)
    api_key = factory.LazyAttribute(
        lambda o: api_key_create(
            exchange=o.pair.exchange,
            label=f"key-{uuid.uuid4().hex[:6]}",
            api_key=uuid.uuid4().hex,
            secret="factory-secret",
        )
    )
    strategy_preset = factory.LazyFunction(lambda: StrategyPreset.objects.get(name="stable-depth"))
    strategy_overrides = factory.LazyFunction(lambda: {"order_amount": "0.1"})
    base_amount = Decimal("1")
    quote_amount = Decimal("100")
    memo = factory.LazyFunction(lambda: uuid.uuid4().hex)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=15))
    trace_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
