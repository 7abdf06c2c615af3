"""A worker killed (SIGKILL) at a step boundary — after the key is persisted and before the
external call, or after the call and before its result is recorded — and replaced: the
order completes, and no withdrawal, deposit, payout, refund or exchange order happens twice.

The kill point is chosen with MRMARKET_CRASH_AT (core.faults.crash_point); the
replacement worker runs without it, and reconcile (as its beat job or an operator would)
re-runs the stalled step. Every point named in the code has a case here (CRASH_POINTS is
checked against a grep of the source), each with its own scenario:

- funding: pay, killed while moving the funds to the exchange, ends `running`;
- exit: run, exit, killed while withdrawing or paying out, ends `exited`;
- refund: pay part, expire, killed while refunding, ends `refunded`;
- quoting: killed while placing or cancelling a quote on the exchange, then exit, ends
  `exited` with no client order id placed twice and nothing left on the book."""

import json
import re
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from ledger.selectors import ledger_violations
from mixin_kernel.invoice import PayRequest
from orders.models import MarketMakingOrder, Payout
from orders.services.payments import payments_expire_due
from orders.services.reconcile import reconcile_run
from tests.campaigns.test_launch_crash_recovery import POINTS as CAMPAIGN_LAUNCH_POINTS
from tests.conftest import requires_postgres, requires_redis
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_payment_to_exchange import create_order
from tests.orders.loop.workers import ROOT, Processes, purge_broker, wait_for

FUNDING_POINTS = [
    f"withdraw_to_exchange:{leg}:{when}"
    for leg in ("base", "quote")
    for when in ("after_key", "after_call")
]
EXIT_POINTS = [
    *(
        f"exit_withdraw:{leg}:{when}"
        for leg in ("base", "quote")
        for when in ("after_key", "after_call")
    ),
    "payout_send:payout:after_key",
    "payout_send:payout:after_call",
]
REFUND_POINTS = ["payout_send:refund:after_key", "payout_send:refund:after_call"]
QUOTING_POINTS = [
    "executor_create:-:after_key",
    "executor_create:-:after_call",
    "executor_cancel:-:after_call",
]
CRASH_POINTS = FUNDING_POINTS + EXIT_POINTS + REFUND_POINTS + QUOTING_POINTS
START = {XIN: Decimal("10"), USDT: Decimal("1000")}


def state_of(order_id) -> str:
    return MarketMakingOrder.objects.values_list("state", flat=True).get(pk=order_id)


def reconcile_until(order_id, state: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while state_of(order_id) != state:
        assert time.monotonic() < deadline, f"stuck in {state_of(order_id)}"
        reconcile_run(older_than=timedelta(seconds=2))
        time.sleep(2)


def exit_request(user, order_id) -> None:
    api = APIClient()
    api.force_authenticate(user)
    answer = api.post(
        f"/api/v1/market-making/orders/{order_id}/exit/",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert answer.status_code == 200, answer.content


@contextmanager
def killed_once(world, tmp_path, point: str):
    """A worker that dies at `point` and the beat; the logs on a failure; all stopped."""
    purge_broker()
    processes = Processes(world, tmp_path)
    doomed = processes.worker(crash_at=point)
    processes.beat()
    try:
        yield processes, doomed
    except AssertionError:
        print(processes.logs()[-15000:])
        raise
    finally:
        processes.stop()


def killed_at(doomed, point: str) -> None:
    wait_for(lambda: doomed.poll() is not None, timeout=120, what=f"the kill at {point}")
    assert doomed.returncode == -9, "killed by SIGKILL at the crash point"


def test_every_crash_point_in_the_code_has_a_kill_test():
    named = set()
    # Every package of the project, so a crash point added anywhere (campaigns, reports…)
    # needs its kill test too.
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"]
    assert {"orders", "executor", "wallet", "campaigns", "core"} <= {p.name for p in packages}
    for package in packages:
        for source in package.rglob("*.py"):
            for call in re.findall(r'crash_point\(f?"([^"]+)"\)', source.read_text()):
                named.add(call)
    expanded = {
        point.replace("{leg.leg}", leg).replace("{payout.kind}", kind)
        for point in named
        for leg in ("base", "quote")
        for kind in ("payout", "refund")
    }
    # The campaign launch's points have their kill tests beside the launch's own tests.
    assert expanded == {*CRASH_POINTS, *CAMPAIGN_LAUNCH_POINTS}


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", FUNDING_POINTS + EXIT_POINTS)
def test_killed_worker_is_replaced_and_every_effect_happens_once(
    world, django_user_model, tmp_path, point
):
    with killed_once(world, tmp_path, point) as (processes, doomed):
        user = world.mixin_user(django_user_model, **{a: str(v) for a, v in START.items()})
        body = create_order(world, user)
        order_id = body["id"]
        world.pay(user, body["payment"]["url"])
        if point in EXIT_POINTS:
            wait_for(lambda: state_of(order_id) == "running", timeout=60, what="running")
            exit_request(user, order_id)
        killed_at(doomed, point)

        processes.worker()
        target = "exited" if point in EXIT_POINTS else "running"
        reconcile_until(order_id, target, timeout=120)

    funded_once(world)
    if target == "exited":
        exited_once(world, user, body)
    assert ledger_violations() == []


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", REFUND_POINTS)
def test_killed_while_refunding_an_expired_order_refunds_once(
    world, django_user_model, tmp_path, point
):
    with killed_once(world, tmp_path, point) as (processes, doomed):
        user = world.mixin_user(django_user_model, **{a: str(v) for a, v in START.items()})
        order = MarketMakingOrder.objects.get(pk=create_order(world, user)["id"])
        base_entry = order.payment_entries.get(purpose="base")
        world.pay(
            user,
            PayRequest(
                recipient_id=settings.MIXIN_KEYSTORE.app_id,
                asset_id=XIN,
                amount=base_entry.amount_due,
                trace_id=str(base_entry.trace_id),
                memo=order.memo,
            ).url(),
        )
        wait_for(lambda: state_of(order.pk) == "payment_incomplete", timeout=60, what="the payment")
        # Closed longer ago than intake's grace, so nothing made in time can still arrive.
        closed = timezone.now() - timedelta(seconds=settings.PAYMENT_EXPIRY_GRACE_SECONDS + 1)
        MarketMakingOrder.objects.filter(pk=order.pk).update(expires_at=closed)
        assert payments_expire_due() == 1
        killed_at(doomed, point)

        processes.worker()
        reconcile_until(order.pk, "refunded", timeout=120)

    refund = Payout.objects.get(order=order)
    assert (refund.kind, refund.status, refund.amount) == ("refund", "sent", base_entry.amount_due)
    # Paid once, refunded once: back where the user started, one transfer on Mixin.
    assert world.mixin_balance(user, XIN) == START[XIN]
    mixin = world.mixin("GET", "/_sim/state")
    assert len(mixin_transfers_to(mixin, user)) == 1
    assert mixin["chain_deliveries"] == []
    assert ledger_violations() == []


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", QUOTING_POINTS)
def test_killed_while_quoting_places_each_quote_once(world, django_user_model, tmp_path, point):
    with killed_once(world, tmp_path, point) as (processes, doomed):
        user = world.mixin_user(django_user_model, **{a: str(v) for a, v in START.items()})
        body = create_order(world, user)
        order_id = body["id"]
        world.pay(user, body["payment"]["url"])
        wait_for(lambda: state_of(order_id) == "running", timeout=90, what="running")
        exit_asked = point.startswith("executor_cancel")
        if exit_asked:
            # A cancel comes with a refresh or with the exit, whichever is first.
            wait_for(lambda: world.our_open_orders(), timeout=60, what="quotes on the book")
            exit_request(user, order_id)
        killed_at(doomed, point)

        processes.worker()
        if not exit_asked:
            # Quoting goes on after the kill: the in-doubt create is looked up, new quotes
            # are placed; then the user leaves.
            wait_for(lambda: world.our_open_orders(), timeout=90, what="quotes after the kill")
            exit_request(user, order_id)
        reconcile_until(order_id, "exited", timeout=150)

    venue = world.venue.state()
    assert venue["client_order_ids_placed_twice"] == []
    assert world.our_open_orders() == []
    funded_once(world)
    exited_once(world, user, body)
    assert ledger_violations() == []


def mixin_transfers_to(mixin_state: dict, user) -> list[dict]:
    """The bot's transactions on the Mixin simulator with an output to this user."""
    return [
        request
        for request in mixin_state["transaction_requests"]
        if str(user.mixin.mixin_user_id) in json.dumps(request["receivers"])
    ]


def funded_once(world) -> None:
    # One Mixin withdrawal reached the chain per funded leg; one deposit each on the exchange.
    assert len(world.mixin("GET", "/_sim/state")["chain_deliveries"]) == 2
    assert len(world.venue.state()["deposits"]) == 2


def exited_once(world, user, body) -> None:
    order = MarketMakingOrder.objects.get(pk=body["id"])
    exit_legs = [leg for leg in order.legs.all() if leg.exit_amount]
    assert len(world.venue.state()["withdrawals"]) == len(exit_legs)
    payouts = list(Payout.objects.filter(order=order))
    assert len(payouts) == len({p.asset_id for p in payouts})
    back = {str(p.asset_id): p.amount for p in payouts}
    for asset, start in START.items():
        paid = sum(
            Decimal(e["amount"]) for e in body["payment"]["entries"] if e["asset_id"] == asset
        )
        assert world.mixin_balance(user, asset) == start - paid + back.get(asset, 0)
