import uuid

import factory

from exchanges.models import Exchange, TradingPair


class ExchangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exchange
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Venue {n}")
    ccxt_id = "binance"
    maker_fee_rate = "0.001"
    taker_fee_rate = "0.001"


class TradingPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TradingPair

    exchange = factory.SubFactory(ExchangeFactory)
    symbol = factory.Sequence(lambda n: f"TK{n}/USDT")
    base_symbol = factory.LazyAttribute(lambda o: o.symbol.split("/")[0])
    quote_symbol = "USDT"
    base_asset_id = factory.LazyFunction(uuid.uuid4)
    quote_asset_id = factory.LazyFunction(uuid.uuid4)
    base_chain_id = factory.LazyFunction(uuid.uuid4)
    quote_chain_id = factory.LazyFunction(uuid.uuid4)
    min_order_amount = "1"
    price_precision = 4
    amount_precision = 2
