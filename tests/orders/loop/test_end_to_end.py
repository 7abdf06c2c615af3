"""The whole loop on real processes: a Celery worker and beat on Redis and PostgreSQL, the
Mixin and venue simulators over HTTP, the real clients. Create → pay → running → quotes on
the book → a taker trades with them → exit → the user is paid back; the ledger balances and
every external effect happened once."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from exchanges.gateway import ccxt_client
from ledger.selectors import ledger_violations
from orders.models import MarketMakingOrder, Payout
from tests.conftest import requires_postgres, requires_redis
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_payment_to_exchange import create_order
from tests.orders.loop.workers import Processes, purge_broker, wait_for


def state_of(order_id) -> str:
    return MarketMakingOrder.objects.values_list("state", flat=True).get(pk=order_id)


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_create_pay_run_exit_on_real_workers(world, django_user_model, tmp_path):
    purge_broker()
    processes = Processes(world, tmp_path)
    processes.worker()
    processes.beat()
    try:
        user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
        body = create_order(world, user)
        order_id = body["id"]
        world.pay(user, body["payment"]["url"])

        wait_for(lambda: state_of(order_id) == "running", timeout=60, what="running")
        wait_for(lambda: world.our_open_orders(), timeout=30, what="quotes on the book")
        quotes = world.our_open_orders()
        assert {o["side"].lower() for o in quotes} == {"buy", "sell"}

        # Another trader takes our best ask.
        taker = world.venue.account_create(label="taker", permissions=["read", "trade"])
        world.venue.credit(api_key=taker["api_key"], asset="USDT", amount="10000")
        client = ccxt_client(
            ccxt_id="binance",
            api_key=taker["api_key"],
            secret=taker["secret"],
            api_base_url=world.venue_url,
            timeout_ms=5000,
            rate_limit=False,
        )
        client.create_order("XIN/USDT", "market", "buy", 0.05)
        wait_for(
            lambda: (
                MarketMakingOrder.objects.get(pk=order_id).events.filter(kind="fill").exists()
                or _ledger_has_fill(order_id)
            ),
            timeout=30,
            what="the fill in the ledger",
        )

        api = APIClient()
        api.force_authenticate(user)
        exit_answer = api.post(
            f"/api/v1/market-making/orders/{order_id}/exit/", headers={"Idempotency-Key": "exit-1"}
        )
        assert exit_answer.status_code == 200, exit_answer.content
        wait_for(lambda: state_of(order_id) == "exited", timeout=120, what="exited")
    except AssertionError:
        print(processes.logs()[-20000:])
        raise
    finally:
        processes.stop()

    order = MarketMakingOrder.objects.get(pk=order_id)
    payouts = {p.asset_id: p.amount for p in Payout.objects.filter(order=order)}
    assert all(p.status == "sent" for p in Payout.objects.filter(order=order))
    # The user has what they kept, plus what came back.
    paid = {
        XIN: sum(Decimal(e["amount"]) for e in body["payment"]["entries"] if e["asset_id"] == XIN),
        USDT: sum(
            Decimal(e["amount"]) for e in body["payment"]["entries"] if e["asset_id"] == USDT
        ),
    }
    for asset, start in ((XIN, Decimal("10")), (USDT, Decimal("1000"))):
        back = payouts.get(__import__("uuid").UUID(asset), Decimal(0))
        assert world.mixin_balance(user, asset) == start - paid[asset] + back
    assert payouts, "something was paid back"
    # Every external effect once: one Mixin withdrawal and one exchange deposit per funded
    # leg, one exchange withdrawal per asset held at exit, one payout per asset.
    venue = world.venue.state()
    assert len(venue["deposits"]) == 2
    exit_legs = [leg for leg in order.legs.all() if leg.exit_amount]
    assert len([w for w in venue["withdrawals"]]) == len(exit_legs)
    assert len(payouts) == Payout.objects.filter(order=order).count()
    assert ledger_violations() == []
    assert not world.our_open_orders()


def _ledger_has_fill(order_id) -> bool:
    from ledger.models import Transaction

    return Transaction.objects.filter(code="fill_settle", ref__contains=str(order_id)).exists() or (
        Transaction.objects.filter(code="fill_settle").exists()
    )
