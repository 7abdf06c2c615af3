"""The whole loop on real processes: a Celery worker and beat on Redis and PostgreSQL, the
Mixin and venue simulators over HTTP, the real clients. Create → pay → running → quotes on
the book → a taker trades with them → exit → the user is paid back; the ledger balances and
every external effect happened once."""

import uuid
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from ledger.selectors import ledger_violations
from orders.models import MarketMakingOrder, Payout
from tests.conftest import requires_postgres, requires_redis
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.workers import (
    Processes,
    order_running_with_a_fill,
    purge_broker,
    state_of,
    wait_for,
)


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_create_pay_run_exit_on_real_workers(world, django_user_model, tmp_path):
    purge_broker()
    processes = Processes(world, tmp_path)
    processes.worker()
    processes.beat()
    try:
        user, body = order_running_with_a_fill(world, django_user_model)
        order_id = body["id"]

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
        back = payouts.get(uuid.UUID(asset), Decimal(0))
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
