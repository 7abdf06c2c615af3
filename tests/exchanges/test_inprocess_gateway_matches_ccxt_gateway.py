"""The in-process gateway answers exactly as the ccxt gateway does over HTTP."""

import dataclasses
from decimal import Decimal

import pytest

from core.errors import AuthFailedError, RejectedError, RemoteNotFoundError
from demo.inprocess_gateway import InProcessGateway
from exchanges.gateway import CcxtGateway
from simulators.venue.server import start_in_thread
from simulators.venue.venue import Venue
from tests.exchanges.venue_fixtures import XIN_USDT, binance_client

TIMES = {"created_at", "updated_at", "at"}


def untimed(value):
    if isinstance(value, list):
        return [untimed(v) for v in value]
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return {
            f.name: untimed(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in TIMES
        }
    return value


def scenario(make_gateway) -> list:
    """A quote, a partial fill, a cancel, and the refusals a strategy meets."""
    maker, taker, reader = make_gateway(), make_gateway(), make_gateway(("read",))
    seen = [maker.markets()]
    seen.append(
        maker.create_limit_order(
            symbol=XIN_USDT,
            side="buy",
            amount=Decimal("2"),
            price=Decimal("99.5"),
            client_order_id="mm-1",
            post_only=True,
        )
    )
    seen.append(maker.order_book(symbol=XIN_USDT))
    seen.append(
        taker.create_limit_order(
            symbol=XIN_USDT,
            side="sell",
            amount=Decimal("0.5"),
            price=Decimal("99"),
            client_order_id="tk-1",
        )
    )
    seen.append(maker.fetch_order(symbol=XIN_USDT, client_order_id="mm-1"))
    seen.append(maker.ticker(symbol=XIN_USDT))
    seen.append(maker.my_trades(symbol=XIN_USDT))
    seen.append(taker.my_trades(symbol=XIN_USDT))
    seen.append(maker.cancel_order(symbol=XIN_USDT, client_order_id="mm-1"))
    seen.append(maker.open_orders(symbol=XIN_USDT))
    seen.append(maker.balances())
    seen.append(taker.balances())
    for refused in (
        lambda: taker.create_limit_order(
            symbol=XIN_USDT,
            side="sell",
            amount=Decimal("50"),
            price=Decimal("99"),
            client_order_id="tk-2",
        ),
        lambda: maker.cancel_order(symbol=XIN_USDT, client_order_id="mm-1"),
        lambda: reader.create_limit_order(
            symbol=XIN_USDT,
            side="buy",
            amount=Decimal("1"),
            price=Decimal("99"),
            client_order_id="rd-1",
        ),
    ):
        with pytest.raises((RejectedError, RemoteNotFoundError, AuthFailedError)) as raised:
            refused()
        seen.append((type(raised.value).__name__, raised.value.detail.get("reason")))
    return seen


def venue_with_market() -> Venue:
    venue = Venue(seed=5)
    venue.market_create(
        symbol=XIN_USDT,
        mid=Decimal(100),
        tick_size=Decimal("0.01"),
        step_size=Decimal("0.001"),
        min_notional=Decimal(1),
        agents=False,
    )
    return venue


def funded_account(venue: Venue, permissions: tuple[str, ...]):
    account = venue.account_create(label="t", permissions=list(permissions))
    venue.account_credit(api_key=account.api_key, asset="USDT", amount=Decimal(1000))
    venue.account_credit(api_key=account.api_key, asset="XIN", amount=Decimal(10))
    return account


def test_both_gateways_see_the_same_trading_day():
    in_process_venue = venue_with_market()

    def in_process(permissions=("read", "trade")):
        account = funded_account(in_process_venue, permissions)
        return InProcessGateway(venue=in_process_venue, api_key=account.api_key)

    http_venue = venue_with_market()
    url, stop = start_in_thread(venue=http_venue, agent_interval_s=0)

    def over_http(permissions=("read", "trade")):
        account = funded_account(http_venue, permissions)
        return CcxtGateway(binance_client(url, account.api_key, account.secret))

    try:
        through_ccxt = scenario(over_http)
    finally:
        stop()
    direct = scenario(in_process)

    assert untimed(direct) == untimed(through_ccxt)
    ticker = direct[5]
    assert (ticker.last, ticker.bid, ticker.ask) == (Decimal("99.5"), Decimal("99.5"), None)
    assert (ticker.base_volume, ticker.quote_volume) == (Decimal("0.5"), Decimal("49.75"))
    assert direct[-3:] == [
        ("RejectedError", "insufficient_funds"),
        ("RemoteNotFoundError", "not_found"),
        ("AuthFailedError", "auth"),
    ]
