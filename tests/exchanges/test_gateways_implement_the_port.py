"""Both gateways are the ExchangeGateway port: every method, with the port's signature."""

import inspect
from decimal import Decimal

import pytest

from demo.inprocess_gateway import InProcessGateway
from exchanges.gateway import CcxtGateway, ExchangeGateway
from simulators.venue.venue import Venue
from tests.exchanges.venue_fixtures import binance_client

PORT_METHODS = sorted(
    name
    for name, member in vars(ExchangeGateway).items()
    if inspect.isfunction(member) and not name.startswith("_")
)


def test_the_port_names_every_call_the_product_makes():
    assert PORT_METHODS == [
        "balances",
        "cancel_order",
        "create_limit_order",
        "deposit_address",
        "deposits",
        "fetch_order",
        "market",
        "markets",
        "my_trades",
        "open_orders",
        "order_book",
        "ticker",
        "withdraw",
        "withdrawal_by_client_id",
        "withdrawals",
    ]


@pytest.mark.parametrize("gateway_class", [CcxtGateway, InProcessGateway])
@pytest.mark.parametrize("name", PORT_METHODS)
def test_each_method_has_the_ports_signature(gateway_class, name):
    port = inspect.signature(getattr(ExchangeGateway, name), eval_str=True)
    implemented = inspect.signature(getattr(gateway_class, name), eval_str=True)
    assert implemented == port


def gateways() -> list[ExchangeGateway]:
    """One of each, on a key that may only read; the ccxt one points where nothing listens."""
    venue = Venue(seed=3)
    account = venue.account_create(label="t", permissions=["read"])
    in_process: ExchangeGateway = InProcessGateway(venue=venue, api_key=account.api_key)
    over_ccxt: ExchangeGateway = CcxtGateway(
        binance_client("http://127.0.0.1:9", account.api_key, account.secret, timeout_ms=500)
    )
    return [in_process, over_ccxt]


def test_both_gateways_pass_for_the_port():
    assert all(isinstance(gateway, ExchangeGateway) for gateway in gateways())
    assert not isinstance(object(), ExchangeGateway)


@pytest.mark.parametrize(
    "bad_request",
    [
        lambda g: g.create_limit_order(
            symbol="XIN/USDT", side="buy", amount=Decimal(1), price=Decimal(1), client_order_id=""
        ),
        lambda g: g.cancel_order(symbol="XIN/USDT"),
        lambda g: g.fetch_order(symbol="XIN/USDT", exchange_order_id="", client_order_id=""),
        lambda g: g.withdraw(
            asset="XIN", network="MIXIN", address="a", amount=Decimal(1), client_id=""
        ),
        lambda g: g.withdraw(
            asset="XIN", network="MIXIN", address="a", amount=Decimal(0), client_id="w-1"
        ),
    ],
    ids=["order-without-id", "cancel-without-id", "lookup-without-id", "no-client-id", "zero"],
)
def test_the_shared_guards_refuse_a_bad_request_before_any_call(bad_request):
    """A call would fail otherwise: the in-process key may not trade, no ccxt venue listens."""
    for gateway in gateways():
        with pytest.raises(ValueError):
            bad_request(gateway)
