"""A worker killed (SIGKILL) at a step boundary — after the key is persisted and before the
external call, or after the call and before its result is recorded — and replaced: the
order completes, and no withdrawal, deposit or payout happens twice.

The kill point is chosen with MRMARKET_CRASH_AT (core.faults.crash_point); the
replacement worker runs without it, and reconcile (as its beat job or an operator would)
re-runs the stalled step."""

import time
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from ledger.selectors import ledger_violations
from orders.models import MarketMakingOrder, Payout
from orders.services.reconcile import reconcile_run
from tests.conftest import requires_postgres, requires_redis
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_payment_to_exchange import create_order
from tests.orders.loop.workers import Processes, purge_broker, wait_for

FUNDING_POINTS = [
    "withdraw_to_exchange:base:after_key",
    "withdraw_to_exchange:quote:after_call",
]
EXIT_POINTS = [
    "exit_withdraw:base:after_key",
    "exit_withdraw:quote:after_call",
    "payout_send:payout:after_key",
    "payout_send:payout:after_call",
]


def state_of(order_id) -> str:
    return MarketMakingOrder.objects.values_list("state", flat=True).get(pk=order_id)


def reconcile_until(order_id, state: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while state_of(order_id) != state:
        assert time.monotonic() < deadline, f"stuck in {state_of(order_id)}"
        reconcile_run(older_than=timedelta(seconds=2))
        time.sleep(2)


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", FUNDING_POINTS + EXIT_POINTS)
def test_killed_worker_is_replaced_and_every_effect_happens_once(
    world, django_user_model, tmp_path, point
):
    purge_broker()
    processes = Processes(world, tmp_path)
    doomed = processes.worker(crash_at=point)
    processes.beat()
    try:
        user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
        body = create_order(world, user)
        order_id = body["id"]
        world.pay(user, body["payment"]["url"])
        if point in EXIT_POINTS:
            wait_for(lambda: state_of(order_id) == "running", timeout=60, what="running")
            api = APIClient()
            api.force_authenticate(user)
            answer = api.post(
                f"/api/v1/market-making/orders/{order_id}/exit/",
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            assert answer.status_code == 200
        wait_for(lambda: doomed.poll() is not None, timeout=90, what=f"the kill at {point}")
        assert doomed.returncode == -9, "killed by SIGKILL at the crash point"

        processes.worker()
        target = "exited" if point in EXIT_POINTS else "running"
        reconcile_until(order_id, target, timeout=120)
    except AssertionError:
        print(processes.logs()[-15000:])
        raise
    finally:
        processes.stop()

    order = MarketMakingOrder.objects.get(pk=order_id)
    venue = world.venue.state()
    mixin = world.mixin("GET", "/_sim/state")
    # One Mixin withdrawal reached the chain per funded leg; one deposit each on the exchange.
    assert len(mixin["chain_deliveries"]) == 2
    assert len(venue["deposits"]) == 2
    if target == "exited":
        exit_legs = [leg for leg in order.legs.all() if leg.exit_amount]
        assert len(venue["withdrawals"]) == len(exit_legs)
        payouts = list(Payout.objects.filter(order=order))
        assert len(payouts) == len({p.asset_id for p in payouts})
        back = {str(p.asset_id): p.amount for p in payouts}
        for asset, start in ((XIN, Decimal("10")), (USDT, Decimal("1000"))):
            paid = sum(
                Decimal(e["amount"]) for e in body["payment"]["entries"] if e["asset_id"] == asset
            )
            assert world.mixin_balance(user, asset) == start - paid + back.get(asset, 0)
    assert ledger_violations() == []
