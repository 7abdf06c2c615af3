import factory

from orders.models import StrategyPreset


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
