"""A fee the exchange charges in an asset of neither side of the pair (a venue token) is
booked in the ledger with the fill: the order's `fees` account in that asset records it,
the asset's external account the other side (the API key's own holding paid it, never the
order's funds). An asset the node knows no Mixin id for stays recorded on the fill only."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from demo.scenarios import AssetSpec, trading_pair_put
from exchanges.gateway import Fill
from executor.models import ExchangeFill
from executor.settlement import LedgerAccounts, fills_settle
from ledger.models import Account, Entry, Transaction
from ledger.selectors import ledger_violations, order_balances
from tests.executor.harness import MARKET, USDT, XIN, D, Market, tracked

pytestmark = pytest.mark.django_db(transaction=True)

BNB = uuid.UUID("1949e683-6a08-3863-9aec-9b7b6cd2a50c")


def settle_with_fee(market: Market, order, fee_asset: str):
    bid = next(t for t in tracked(order) if t.side == "buy")
    fill = Fill(
        trade_id=f"t-{fee_asset}",
        exchange_order_id=bid.exchange_order_id,
        symbol=bid.symbol,
        side="buy",
        price=bid.price,
        amount=D("0.5"),
        cost=bid.price * D("0.5"),
        fee=D("0.002"),
        fee_asset=fee_asset,
        is_maker=True,
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    accounts = LedgerAccounts(pair=market.pair, traces={str(order.pk): order.trace_id})
    settled = fills_settle(
        pair=market.pair,
        api_key_id=order.api_key_id,
        fills=[fill],
        tracked_by_exchange_id={bid.exchange_order_id: bid},
        accounts=accounts,
        trace_id="tick-trace-0001",
    )
    assert len(settled) == 1
    return bid, Transaction.objects.get(idempotency_key=f"{order.pk}:fill:{fill.trade_id}")


def test_a_fee_in_a_venue_token_is_booked_with_the_fill():
    market = Market.open()
    order = market.running_order(xin="10", usdt="2000")
    market.tick()
    # The exchange lists the token, so the node knows its Mixin asset id.
    trading_pair_put(
        exchange=market.exchange,
        market=replace(MARKET, symbol="BNB/USDT"),
        base=AssetSpec(symbol="BNB", asset_id=BNB, chain_id=uuid.uuid4()),
        quote=AssetSpec(symbol="USDT", asset_id=USDT, chain_id=uuid.uuid4()),
    )

    bid, posting = settle_with_fee(market, order, "BNB")

    legs = {
        (e.account.owner_kind, e.account.purpose, e.asset): e.amount
        for e in Entry.objects.filter(transaction=posting).select_related("account")
    }
    assert legs[("order", "fees", BNB)] == D("0.002")
    assert legs[("system", "external", BNB)] == D("-0.002")
    # The trade itself is untouched by the fee: all 0.5 XIN bought arrive.
    assert legs[("order", "on_exchange", XIN)] == D("0.5")
    assert legs[("order", "locked", USDT)] == -bid.price * D("0.5")
    figures = order_balances(order_id=str(order.pk))
    assert figures[BNB].fees_paid == D("0.002")
    assert figures[XIN].fees_paid == 0
    assert posting.trace_id == order.trace_id
    assert ExchangeFill.objects.get().fee_asset == "BNB"
    assert ledger_violations() == []


def test_a_fee_in_an_unknown_asset_stays_on_the_fill():
    market = Market.open()
    order = market.running_order(xin="10", usdt="2000")
    market.tick()

    _, posting = settle_with_fee(market, order, "ZZZ")

    assert not Account.objects.filter(purpose="fees", asset=BNB).exists()
    assert set(Entry.objects.filter(transaction=posting).values_list("asset", flat=True)) == {
        XIN,
        USDT,
    }
    assert ExchangeFill.objects.get().fee == D("0.002")
    assert ledger_violations() == []
