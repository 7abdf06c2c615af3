"""The worked example of docs/ledger.md, posted step by step: the doc's numbers are true."""

import uuid
from decimal import Decimal

import pytest

from ledger.models import Account, Transaction
from ledger.selectors import account_balance, ledger_violations, order_balances
from ledger.services import (
    Leg,
    account_get_or_create,
    ledger_post,
    ledger_reverse,
    order_account,
    reservation_lock,
    reservation_release,
    system_account,
)

pytestmark = pytest.mark.django_db

USDT, XIN, BTC = (uuid.uuid5(uuid.NAMESPACE_URL, name) for name in ("usdt", "xin", "btc"))
TRACE = "trace-ord-1"


def ext(asset):
    return ("system", "", asset, "external")


def rev(asset):
    return ("system", "", asset, "revenue")


def order(purpose, asset, order_id="ord-1"):
    return ("order", order_id, asset, purpose)


def post(code: str, key: str, ref: str, legs) -> Transaction:
    return ledger_post(
        idempotency_key=key,
        code=code,
        ref=ref,
        trace_id=TRACE,
        entries=[
            Leg(
                account_get_or_create(
                    owner_kind=kind, owner_id=owner, asset=asset, purpose=purpose
                ),
                Decimal(amount),
            )
            for (kind, owner, asset, purpose), amount in legs
        ],
    )


PAY_IN_AND_DEPOSIT = [
    ("payment_credit", "snapshot-credit:s-usdt", "snapshot:s-usdt",
     [(ext(USDT), "-1005"), (order("available", USDT), "1005")]),
    ("payment_credit", "snapshot-credit:s-xin", "snapshot:s-xin",
     [(ext(XIN), "-10"), (order("available", XIN), "10")]),
    ("fee", "ord-1:market_making_fee", "", [(order("available", USDT), "-5"), (rev(USDT), "5")]),
    ("withdraw_to_exchange", "ord-1:withdraw_to_exchange:quote", "withdrawal:w-q",
     [(order("available", USDT), "-1000"), (order("in_transit", USDT), "999"),
      (order("fees", USDT), "1")]),
    ("withdraw_to_exchange", "ord-1:withdraw_to_exchange:base", "withdrawal:w-b",
     [(order("available", XIN), "-10"), (order("in_transit", XIN), "10")]),
    ("deposit_confirmed", "ord-1:deposit:quote", "deposit:tx-q",
     [(order("in_transit", USDT), "-999"), (order("on_exchange", USDT), "999")]),
    ("deposit_confirmed", "ord-1:deposit:base", "deposit:tx-b",
     [(order("in_transit", XIN), "-10"), (order("on_exchange", XIN), "10")]),
]  # fmt: skip
FILL_AND_FEE = [
    ("fill_settle", "ord-1:fill:t-1", "trade:t-1",
     [(order("locked", USDT), "-60"), (ext(USDT), "60"),
      (ext(XIN), "-12"), (order("on_exchange", XIN), "11.988"), (order("fees", XIN), "0.012")]),
]  # fmt: skip
EXIT_AND_PAY_OUT = [
    ("withdraw_from_exchange", "ord-1:exit_withdraw:quote", "",
     [(order("on_exchange", USDT), "-939"), (order("in_transit", USDT), "938"),
      (order("fees", USDT), "1")]),
    ("withdraw_from_exchange", "ord-1:exit_withdraw:base", "",
     [(order("on_exchange", XIN), "-21.988"), (order("in_transit", XIN), "21.888"),
      (order("fees", XIN), "0.1")]),
    ("return_confirmed", "ord-1:return:quote", "",
     [(order("in_transit", USDT), "-938"), (order("available", USDT), "938")]),
    ("return_confirmed", "ord-1:return:base", "",
     [(order("in_transit", XIN), "-21.888"), (order("available", XIN), "21.888")]),
    ("reward_credit", "ord-1:reward:camp-1:2026-11-25", "campaign:camp-1",
     [(ext(USDT), "-3"), (order("available", USDT), "3")]),
    ("payout", "ord-1:payout:quote", "transfer:p-q",
     [(order("available", USDT), "-941"), (ext(USDT), "941")]),
    ("payout", "ord-1:payout:base", "transfer:p-b",
     [(order("available", XIN), "-21.888"), (ext(XIN), "21.888")]),
]  # fmt: skip


def test_one_order_through_the_funds_loop_as_documented():
    for step in PAY_IN_AND_DEPOSIT:
        post(*step)
    reservation_lock(
        order_id="ord-1", asset=USDT, amount=Decimal(100), idempotency_key="ord-1:lock:c1",
        trace_id=TRACE, ref="client-order:ord-1-1",
    )  # fmt: skip
    for step in FILL_AND_FEE:
        post(*step)
    reservation_release(
        order_id="ord-1", asset=USDT, amount=Decimal(40), idempotency_key="ord-1:release:c1",
        trace_id=TRACE, ref="client-order:ord-1-1",
    )  # fmt: skip
    for step in EXIT_AND_PAY_OUT:
        post(*step)

    balances = order_balances(order_id="ord-1")
    usdt, xin = balances[USDT], balances[XIN]
    assert (usdt.available, usdt.in_transit, usdt.on_exchange, usdt.locked) == (0, 0, 0, 0)
    assert (xin.available, xin.in_transit, xin.on_exchange, xin.locked) == (0, 0, 0, 0)
    assert (usdt.fees_paid, usdt.realized_change) == (2, -60)
    assert (xin.fees_paid, xin.realized_change) == (Decimal("0.112"), 12)
    assert account_balance(account=system_account(asset=USDT, purpose="external")) == -7
    assert account_balance(account=system_account(asset=USDT, purpose="revenue")) == 5
    assert account_balance(account=system_account(asset=XIN, purpose="external")) == Decimal(
        "-0.112"
    )
    assert ledger_violations() == []


def test_an_unmatched_payment_is_refunded_as_documented():
    user = ("user", "u-1", BTC, "available")
    post("payment_credit", "snapshot-credit:s-btc", "snapshot:s-btc",
         [(ext(BTC), "-0.001"), (user, "0.001")])  # fmt: skip
    post("refund", "snapshot-refund:s-btc", "snapshot:s-btc",
         [(user, "-0.001"), (ext(BTC), "0.001")])  # fmt: skip

    user_account = account_get_or_create(
        owner_kind="user", owner_id="u-1", asset=BTC, purpose="available"
    )
    assert account_balance(account=user_account) == 0
    assert account_balance(account=system_account(asset=BTC, purpose="external")) == 0


def test_a_rejected_withdrawal_is_compensated_as_documented():
    payment, _, _, withdraw_quote, *_ = PAY_IN_AND_DEPOSIT
    post(*payment)
    withdrawal = post(*withdraw_quote)

    reversal = ledger_reverse(
        transaction=withdrawal,
        idempotency_key="ord-1:withdraw_to_exchange:quote:compensation",
        reason="Mixin rejected the withdrawal: invalid address",
    )

    assert reversal.reverses == withdrawal
    moved = {e.account.purpose: e.amount for e in reversal.entries.select_related("account")}
    assert moved == {"in_transit": -999, "fees": -1, "available": 1000}
    assert order_balances(order_id="ord-1")[USDT].available == 1005
    fees = order_account(order_id="ord-1", asset=USDT, purpose=Account.Purpose.FEES)
    assert account_balance(account=fees) == 0
