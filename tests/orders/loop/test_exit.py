"""Exit: every quote cancelled, what the ledger says the order holds on the exchange comes
back to the wallet, and the user is paid every asset once."""

import uuid
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from executor.models import ExchangeFill
from ledger.selectors import ledger_violations, order_balances
from orders.models import MarketMakingOrder, Payout
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_payment_to_exchange import create_order

pytestmark = pytest.mark.django_db


def running_order(world, user, **amounts: str) -> tuple[MarketMakingOrder, dict]:
    body = create_order(world, user, **amounts)
    world.pay(user, body["payment"]["url"])
    order = world.drive(MarketMakingOrder.objects.get(pk=body["id"]), until="running")
    world.step(order)  # one tick: quotes go on the book
    return order, body


def paid_in(body, asset) -> Decimal:
    return sum(
        (Decimal(e["amount"]) for e in body["payment"]["entries"] if e["asset_id"] == asset),
        Decimal(0),
    )


def request_exit(user, order) -> None:
    api = APIClient()
    api.force_authenticate(user)
    answer = api.post(
        f"/api/v1/market-making/orders/{order.pk}/exit/",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code == 200, answer.content


def assert_paid_back(world, user, order, body) -> None:
    payouts = {str(p.asset_id): p.amount for p in Payout.objects.filter(order=order)}
    assert all(p.status == "sent" for p in Payout.objects.filter(order=order))
    for asset, start in ((XIN, Decimal("10")), (USDT, Decimal("1000"))):
        assert world.mixin_balance(user, asset) == start - paid_in(body, asset) + payouts.get(
            asset, Decimal(0)
        )
    for balances in order_balances(order_id=order.pk).values():
        assert balances.available == balances.in_transit == 0
        assert balances.on_exchange == balances.locked == 0
    assert ledger_violations() == []


def test_exit_after_trading_pays_everything_back(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    order, body = running_order(world, user)
    quotes = world.our_open_orders()
    assert {q["side"].lower() for q in quotes} == {"buy", "sell"}

    price = world.take_our_best_ask()
    world.step(order)  # the tick settles the fill
    fill = ExchangeFill.objects.get(tracked_order__order_id=order.pk)
    assert fill.side == "sell" and fill.price == price and fill.is_maker
    usdt = order_balances(order_id=order.pk)[uuid.UUID(USDT)]
    assert usdt.on_exchange + usdt.locked == Decimal("100") + fill.price * fill.amount - fill.fee

    request_exit(user, order)
    order = world.drive(order, until="exited", timeout=30)
    assert world.our_open_orders() == []
    assert_paid_back(world, user, order, body)
    # The ledger's view of the trade: the order sold some XIN and holds more USDT.
    payouts = {str(p.asset_id): p.amount for p in Payout.objects.filter(order=order)}
    assert payouts[XIN] < Decimal("1") and payouts[USDT] > Decimal("100") - Decimal("1")
    transitions = list(order.events.filter(kind="transition").values_list("to_state", flat=True))
    assert transitions[-5:] == [
        "exit_requested",
        "exit_cancelling",
        "exit_withdrawing",
        "exit_confirming",
        "exited",
    ]


def test_unanswered_exit_withdrawal_is_looked_up(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    order, body = running_order(world, user)
    world.venue.fault(
        path="/sapi/v1/capital/withdraw/apply", method="POST", kind="timeout", count=1
    )
    request_exit(user, order)
    order = world.drive(order, until="exited", timeout=60)
    assert world.venue.state()["faults"] == []  # the unanswered request did happen
    withdrawals = world.venue.state()["withdrawals"]
    assert len(withdrawals) == len([leg for leg in order.legs.all() if leg.exit_amount])
    assert_paid_back(world, user, order, body)


def test_a_quote_only_order_brings_back_the_base_it_bought(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    order, body = running_order(world, user, base="0", quote="100")
    assert {e["purpose"] for e in body["payment"]["entries"]} == {"quote", "quote_withdrawal_fee"}
    assert {leg.leg: leg.amount for leg in order.legs.all()} == {
        "base": Decimal(0),
        "quote": Decimal(100),
    }
    price = world.take_our_best_bid()
    world.step(order)
    fill = ExchangeFill.objects.get(tracked_order__order_id=order.pk)
    assert fill.side == "buy" and fill.price == price

    request_exit(user, order)
    order = world.drive(order, until="exited", timeout=30)
    payouts = {str(p.asset_id): p.amount for p in Payout.objects.filter(order=order)}
    assert payouts[XIN] > 0  # the base bought comes back too
    assert_paid_back(world, user, order, body)


def test_a_refused_exit_withdrawal_stays_booked_on_the_exchange(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    order, body = running_order(world, user)
    world.venue.fault(
        path="/sapi/v1/capital/withdraw/apply",
        method="POST",
        kind="reject",
        code=-4026,
        msg="The withdrawal amount is below the minimum.",
        count=1,
    )
    request_exit(user, order)
    order = world.drive(order, until="exited", timeout=30)
    base = order.legs.get(leg="base")
    event = order.events.get(kind="exit_left_on_exchange")
    assert event.data["leg"] == "base" and Decimal(event.data["amount"]) == Decimal("1")
    assert order_balances(order_id=order.pk)[base.asset_id].on_exchange == Decimal("1")
    payouts = {str(p.asset_id) for p in Payout.objects.filter(order=order)}
    assert USDT in payouts and XIN not in payouts
    assert ledger_violations() == []
