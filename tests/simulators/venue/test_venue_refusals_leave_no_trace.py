"""Refused requests get the exchange's own error, and the simulator's state is unchanged."""

from decimal import Decimal

import ccxt
import pytest

from core.errors import AuthFailedError, RejectedError, RetryableError
from exchanges.gateway import ccxt_client
from tests.exchanges.venue_fixtures import XIN_USDT


@pytest.fixture
def trader(xin_usdt, venue_trader):
    trader = venue_trader(permissions=("read", "trade"), XIN="1", USDT="50")
    trader.ccxt.load_markets()
    return trader


def order(symbol="XINUSDT", **fields):
    return {"symbol": symbol, "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", **fields}


@pytest.mark.parametrize(
    ("fields", "exception", "message"),
    [
        (order(quantity="0.0005", price="100"), ccxt.InvalidOrder, "Filter failure: LOT_SIZE"),
        (order(quantity="0.0015", price="100"), ccxt.InvalidOrder, "Filter failure: LOT_SIZE"),
        (order(quantity="1", price="100.005"), ccxt.InvalidOrder, "Filter failure: PRICE_FILTER"),
        (order(quantity="0.005", price="100"), ccxt.BadRequest, "Filter failure: NOTIONAL"),
        (order(symbol="NOPEUSDT", quantity="1", price="1"), ccxt.BadSymbol, "Invalid symbol."),
        (
            order(quantity="1", price="100"),
            ccxt.InsufficientFunds,
            "Account has insufficient balance for requested action.",
        ),
    ],
)
def test_orders_outside_the_rules_are_refused(trader, venue_control, fields, exception, message):
    before = venue_control.state()
    with pytest.raises(exception, match=message):
        trader.ccxt.privatePostOrder(fields)
    assert venue_control.state() == before


def test_a_wrong_signature_is_refused(trader, venue_url, venue_control):
    before = venue_control.state()
    forger = ccxt_client(
        ccxt_id="binance", api_key=trader.api_key, secret="0" * 64, api_base_url=venue_url
    )
    with pytest.raises(ccxt.AuthenticationError, match="Signature for this request is not valid"):
        forger.create_order(XIN_USDT, "limit", "buy", "0.1", "99")
    assert venue_control.state() == before


def test_an_unknown_api_key_is_refused(trader, venue_url):
    stranger = ccxt_client(
        ccxt_id="binance", api_key="nobody", secret=trader.secret, api_base_url=venue_url
    )
    with pytest.raises(ccxt.AuthenticationError, match="API-key format invalid"):
        stranger.fetch_balance()


def test_a_key_without_the_permission_is_refused(xin_usdt, venue_trader, venue_control):
    reader = venue_trader(permissions=("read",), XIN="5", USDT="500")
    before = venue_control.state()
    with pytest.raises(ccxt.AuthenticationError, match="not authorized"):
        reader.ccxt.create_order(XIN_USDT, "limit", "buy", "1", "99")
    with pytest.raises(AuthFailedError):
        reader.gateway.withdraw(
            asset="XIN",
            network="MIXIN",
            address="mixin-destination",
            amount=Decimal(1),
            client_id="w",
        )
    assert venue_control.state() == before
    assert reader.gateway.balances().can_trade is False


def test_a_timestamp_outside_the_recv_window_is_refused(trader, venue_control):
    trader.ccxt.options["timeDifference"] = 120_000  # our clock two minutes behind
    with pytest.raises(ccxt.InvalidNonce):
        trader.ccxt.fetch_balance()
    with pytest.raises(RetryableError) as raised:
        trader.gateway.balances()
    assert raised.value.detail["reason"] == "clock_skew"


def test_the_gateway_refuses_below_the_minimums_without_calling(trader, venue_control):
    trader.gateway.markets()
    before = venue_control.state()
    with pytest.raises(RejectedError) as raised:
        trader.gateway.create_limit_order(
            symbol=XIN_USDT,
            side="buy",
            amount=Decimal("0.0099"),
            price=Decimal("100"),
            client_order_id="x-1",
        )
    assert raised.value.detail["reason"] == "below_min"
    assert venue_control.state() == before


@pytest.mark.parametrize("client_order_id", ["x" * 37, "has space", "ünïcode"])
def test_a_client_order_id_outside_the_dialects_rule_is_refused(
    trader, venue_control, client_order_id
):
    before = venue_control.state()
    with pytest.raises(RejectedError) as raised:
        trader.gateway.create_limit_order(
            symbol=XIN_USDT,
            side="sell",
            amount=Decimal("0.1"),
            price=Decimal("101"),
            client_order_id=client_order_id,
        )
    assert raised.value.detail["reason"] == "bad_request"
    assert venue_control.state() == before
