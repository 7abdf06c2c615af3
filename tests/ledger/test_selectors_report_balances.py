import uuid
from decimal import Decimal

import pytest

from ledger.models import Transaction
from ledger.selectors import account_statement, order_balances, reconcile_report
from ledger.services import (
    Leg,
    ledger_post,
    ledger_reverse,
    order_account,
    reservation_lock,
    system_account,
)
from tests.ledger.factories import TRACE_ID, funded

pytestmark = pytest.mark.django_db

ORDER = "9f0c"
BASE, QUOTE = uuid.uuid4(), uuid.uuid4()


def account(purpose: str, asset=QUOTE):
    return order_account(order_id=ORDER, asset=asset, purpose=purpose)


def external(asset=QUOTE):
    return system_account(asset=asset, purpose="external")


def post(key: str, code: str, *legs: tuple) -> Transaction:
    return ledger_post(
        idempotency_key=key,
        code=code,
        entries=[Leg(acc, Decimal(amount)) for acc, amount in legs],
        trace_id=TRACE_ID,
    )


def buy_fill(key: str, quote_spent: str, base_got: str) -> Transaction:
    return post(
        key,
        "fill_settle",
        (account("locked"), f"-{quote_spent}"),
        (external(), quote_spent),
        (external(BASE), f"-{base_got}"),
        (account("on_exchange", BASE), base_got),
    )


def test_order_balances_show_where_each_asset_is_and_what_fills_and_fees_did():
    funded(account("available"), "1000")
    post(
        "w", "withdraw_to_exchange", (account("available"), "-900"), (account("in_transit"), "900")
    )
    post("d", "deposit_confirmed", (account("in_transit"), "-900"), (account("on_exchange"), "900"))
    reservation_lock(
        order_id=ORDER, asset=QUOTE, amount=Decimal("300"), idempotency_key="l", trace_id=TRACE_ID
    )
    buy_fill("f1", "100", "2")
    first_undone = buy_fill("f2", "50", "1")
    ledger_reverse(transaction=first_undone, idempotency_key="f2:undo", reason="trade busted")
    post("fee", "fee", (account("on_exchange", BASE), "-0.002"), (account("fees", BASE), "0.002"))

    balances = order_balances(order_id=ORDER)

    quote, base = balances[QUOTE], balances[BASE]
    assert (quote.available, quote.in_transit, quote.on_exchange, quote.locked) == (
        100,
        0,
        600,
        200,
    )
    assert quote.realized_change == -100
    assert (base.on_exchange, base.fees_paid, base.realized_change) == (
        Decimal("1.998"),
        Decimal("0.002"),
        2,
    )
    assert order_balances(order_id="another order") == {}


def test_a_statement_lists_entries_oldest_first_with_the_running_balance():
    wallet = account("available")
    funded(wallet, "10", key="k1")
    post("k2", "withdraw_to_exchange", (wallet, "-4"), (account("in_transit"), "4"))
    funded(wallet, "1.5", key="k3")

    lines = account_statement(account=wallet)

    assert [(line.idempotency_key, line.amount, line.balance_after) for line in lines] == [
        ("k1", 10, 10),
        ("k2", -4, 6),
        ("k3", Decimal("1.5"), Decimal("7.5")),
    ]
    assert lines[1].code == "withdraw_to_exchange"
    latest = account_statement(account=wallet, limit=2)
    assert [(line.idempotency_key, line.balance_after) for line in latest] == [
        ("k2", 6),
        ("k3", Decimal("7.5")),
    ]


def test_reconcile_lists_differences_with_the_outside_and_adjusts_nothing():
    funded(account("available"), "50")
    funded(account("on_exchange"), "70")
    funded(account("on_exchange", BASE), "3")
    post(
        "w", "withdraw_to_exchange", (account("on_exchange"), "-20"), (account("in_transit"), "20")
    )
    funded(system_account(asset=QUOTE, purpose="revenue"), "5")
    funded(order_account(order_id="elsewhere", asset=QUOTE, purpose="on_exchange"), "999")
    other_asset = uuid.uuid4()

    report = reconcile_report(
        wallet_balances={str(QUOTE): Decimal("55")},
        exchange_balances={QUOTE: Decimal("50"), BASE: Decimal("3"), other_asset: Decimal("1")},
        exchange_order_ids=[ORDER],
    )

    lines = {(line.place, line.asset): line for line in report.lines}
    assert lines[("mixin_wallet", QUOTE)].difference == 0
    assert lines[("exchange", BASE)].difference == 0
    assert lines[("exchange", QUOTE)].ledger == 50
    assert lines[("exchange", QUOTE)].in_transit == 20
    assert {(d.place, d.asset, d.difference) for d in report.differences} == {
        ("exchange", other_asset, 1)
    }
    assert order_balances(order_id=ORDER)[QUOTE].on_exchange == 50  # nothing adjusted


def test_reconcile_reports_what_the_outside_is_missing():
    funded(account("on_exchange"), "70")

    report = reconcile_report(
        wallet_balances={}, exchange_balances={QUOTE: Decimal("69.5")}, exchange_order_ids=[ORDER]
    )

    assert [(d.place, d.ledger, d.external, d.difference) for d in report.differences] == [
        ("exchange", 70, Decimal("69.5"), Decimal("-0.5"))
    ]
