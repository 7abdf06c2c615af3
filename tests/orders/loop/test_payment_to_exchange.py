"""A paid order's funds reach the exchange: intent → invoice → payment → withdrawal →
deposit matched on the exchange's own record, every step booked in the ledger once."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from ledger.selectors import ledger_violations, order_balances
from orders.models import MarketMakingOrder
from tests.orders.loop.harness import USDT, XIN

pytestmark = pytest.mark.django_db


def create_order(world, user, *, base="1", quote="100", django_capture_on_commit_callbacks=None):
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/market-making/orders/",
        {
            "pair_id": world.pair.pk,
            "strategy": {"preset": "stable-depth", "overrides": {"order_amount": "0.1"}},
            "base_amount": base,
            "quote_amount": quote,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_intent_lists_every_amount_the_user_pays(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    assert body["state"] == "payment_pending"
    assert body["payment"]["url"].startswith("https://mixin.one/pay/MIN")
    entries = {
        e["purpose"]: (e["asset_id"], Decimal(e["amount"])) for e in body["payment"]["entries"]
    }
    assert entries["base"] == (XIN, Decimal("1"))
    assert entries["quote"] == (USDT, Decimal("100"))
    # Mixin's withdrawal fees of both legs, as the simulator quotes them.
    assert entries["base_withdrawal_fee"] == (XIN, Decimal("0.01"))
    assert entries["quote_withdrawal_fee"] == (USDT, Decimal("1"))


def test_paid_order_is_funded_on_the_exchange(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    snapshots = world.pay(user, body["payment"]["url"])
    assert len(snapshots) == len(body["payment"]["entries"])

    order = MarketMakingOrder.objects.get(pk=body["id"])
    order = world.drive(order, until="deposit_confirmed")

    legs = {leg.leg: leg for leg in order.legs.all()}
    assert legs["base"].withdrawal_hash and legs["quote"].withdrawal_hash
    assert legs["base"].deposited_amount == Decimal("1")
    assert legs["quote"].deposited_amount == Decimal("100")
    balances = order_balances(order_id=order.pk)
    assert balances[legs["base"].asset_id].on_exchange == Decimal("1")
    assert balances[legs["quote"].asset_id].on_exchange == Decimal("100")
    assert balances[legs["quote"].asset_id].fees_paid == Decimal("1")
    # The exchange holds exactly what the ledger says the order has there.
    venue_balances = world.venue.state()["accounts"]
    mine = next(a for a in venue_balances if a["api_key"] == world.venue_api_key)
    assert Decimal(mine["balances"]["XIN"]["free"]) == Decimal("1")
    assert Decimal(mine["balances"]["USDT"]["free"]) == Decimal("100")
    assert ledger_violations() == []
    # The user paid principal + fees; nothing else left their Mixin account.
    assert world.mixin_balance(user, XIN) == Decimal("10") - Decimal("1.01")
    assert world.mixin_balance(user, USDT) == Decimal("1000") - Decimal("101")
    states = [e.to_state for e in order.events.filter(kind="transition")]
    # The invoice's entries arrive as separate transfers: the first makes it incomplete.
    assert states == [
        "payment_incomplete",
        "payment_complete",
        "withdrawing",
        "withdrawal_confirmed",
        "deposit_confirming",
        "deposit_confirmed",
    ]
