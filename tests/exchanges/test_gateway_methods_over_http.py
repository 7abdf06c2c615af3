"""Every CcxtGateway method against the simulator, through ccxt.binance over HTTP."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.errors import RemoteNotFoundError
from exchanges.gateway import ExchangeOrder, MarketInfo
from tests.exchanges.venue_fixtures import XIN_USDT


@pytest.fixture
def maker(xin_usdt, venue_trader, venue_control):
    # The venue names Ethereum "ETH"; the gateway speaks ccxt's unified "ERC20".
    venue_control.coin_configure(coin="USDT", network="ETH", withdraw_fee="1", withdraw_min="5")
    return venue_trader(XIN="10", USDT="1000")


@pytest.fixture
def taker(xin_usdt, venue_trader):
    return venue_trader(XIN="10", USDT="1000")


def test_markets_come_back_typed_with_decimal_filters(maker):
    assert maker.gateway.markets()[XIN_USDT] == MarketInfo(
        symbol=XIN_USDT,
        base="XIN",
        quote="USDT",
        tick_size=Decimal("0.01"),
        step_size=Decimal("0.001"),
        min_qty=Decimal("0.001"),
        max_qty=Decimal("10000000"),
        min_notional=Decimal("1"),
    )


def test_a_limit_order_is_quantized_before_it_is_sent(maker):
    order = maker.gateway.create_limit_order(
        symbol=XIN_USDT,
        side="sell",
        amount=Decimal("1.23456"),
        price=Decimal("101.004"),
        client_order_id="mm-1-s0",
        post_only=True,
    )
    assert isinstance(order, ExchangeOrder)
    assert (order.amount, order.price) == (Decimal("1.234"), Decimal("101.01"))  # sells round up
    assert order.client_order_id == "mm-1-s0" and order.status == "open"
    bid = maker.gateway.create_limit_order(
        symbol=XIN_USDT,
        side="buy",
        amount=Decimal("1"),
        price=Decimal("98.999"),
        client_order_id="mm-1-b0",
    )
    assert bid.price == Decimal("98.99")  # buys round down


def test_book_ticker_open_orders_fetch_and_cancel(maker, taker):
    maker.gateway.create_limit_order(
        symbol=XIN_USDT,
        side="buy",
        amount=Decimal("2"),
        price=Decimal("99"),
        client_order_id="b1",
    )
    ask = maker.gateway.create_limit_order(
        symbol=XIN_USDT,
        side="sell",
        amount=Decimal("1"),
        price=Decimal("101"),
        client_order_id="s1",
    )
    book = maker.gateway.order_book(symbol=XIN_USDT)
    assert (book.bids[0].price, book.bids[0].amount) == (Decimal(99), Decimal(2))
    assert (book.asks[0].price, book.asks[0].amount) == (Decimal(101), Decimal(1))

    taker.gateway.create_limit_order(
        symbol=XIN_USDT,
        side="buy",
        amount=Decimal("0.25"),
        price=Decimal("101"),
        client_order_id="t1",
    )
    ticker = maker.gateway.ticker(symbol=XIN_USDT)
    assert (ticker.last, ticker.bid, ticker.ask) == (Decimal(101), Decimal(99), Decimal(101))

    assert {o.client_order_id for o in maker.gateway.open_orders(symbol=XIN_USDT)} == {"b1", "s1"}
    by_id = maker.gateway.fetch_order(symbol=XIN_USDT, exchange_order_id=ask.exchange_order_id)
    assert by_id.filled == Decimal("0.25") and by_id.remaining == Decimal("0.75")
    assert by_id.cost == Decimal("25.25")

    canceled = maker.gateway.cancel_order(symbol=XIN_USDT, client_order_id="b1")
    assert canceled.status == "canceled"
    with pytest.raises(RemoteNotFoundError):
        maker.gateway.cancel_order(symbol=XIN_USDT, client_order_id="b1")
    with pytest.raises(RemoteNotFoundError):
        maker.gateway.fetch_order(symbol=XIN_USDT, client_order_id="never-sent")


def test_my_trades_page_forward_from_a_cursor(maker, taker):
    maker.gateway.create_limit_order(
        symbol=XIN_USDT,
        side="sell",
        amount=Decimal("3"),
        price=Decimal("101"),
        client_order_id="s1",
    )
    for n in range(3):
        taker.gateway.create_limit_order(
            symbol=XIN_USDT,
            side="buy",
            amount=Decimal("1"),
            price=Decimal("101"),
            client_order_id=f"t{n}",
        )
    fills = maker.gateway.my_trades(symbol=XIN_USDT)
    assert [f.amount for f in fills] == [Decimal(1)] * 3
    assert all(f.is_maker and f.side == "sell" and f.fee_asset == "USDT" for f in fills)
    assert fills[0].fee == Decimal("0.101")
    later = maker.gateway.my_trades(symbol=XIN_USDT, after_trade_id=fills[0].trade_id)
    assert [f.trade_id for f in later] == [f.trade_id for f in fills[1:]]
    assert not taker.gateway.my_trades(symbol=XIN_USDT)[0].is_maker


def test_deposit_address_deposits_withdraw_and_withdrawals(maker, venue_control):
    since = datetime.now(tz=UTC) - timedelta(seconds=5)
    address = maker.gateway.deposit_address(asset="USDT", network="ERC20")
    venue_control.chain_incoming(
        address=address.address, tag="", amount="12.5", tx_hash="0xdep", network="ETH"
    )
    [deposit] = maker.gateway.deposits(asset="USDT", since=since)
    assert (deposit.amount, deposit.tx_hash, deposit.status) == (Decimal("12.5"), "0xdep", "ok")
    assert deposit.network == "ERC20"

    withdrawal_id = maker.gateway.withdraw(
        asset="USDT",
        network="ERC20",
        address="0xdestination000000000000000000000000000000",
        amount=Decimal("10"),
        client_id="o1:exit_withdraw:quote",
    )
    [withdrawal] = maker.gateway.withdrawals(asset="USDT", since=since)
    assert withdrawal.withdrawal_id == withdrawal_id
    assert (withdrawal.amount, withdrawal.fee) == (Decimal(9), Decimal(1))
    assert withdrawal.network == "ERC20" and withdrawal.status == "ok"
    assert maker.gateway.balances().free("USDT") == Decimal("1002.5")
    with pytest.raises(RemoteNotFoundError):
        maker.gateway.withdrawal_by_client_id(asset="USDT", client_id="unknown")


def test_a_market_listed_after_the_first_load_is_found_by_reloading(maker, venue_control):
    assert "BTC/USDT" not in maker.gateway.markets()
    venue_control.market_create(
        symbol="BTC/USDT", mid="60000", tick_size="0.1", step_size="0.0001", agents=False
    )
    order = maker.gateway.create_limit_order(
        symbol="BTC/USDT",
        side="buy",
        amount=Decimal("0.01"),
        price=Decimal("59000"),
        client_order_id="btc-1",
    )
    assert order.is_open and maker.gateway.market("BTC/USDT").tick_size == Decimal("0.1")
