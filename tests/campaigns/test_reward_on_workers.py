"""The reward pipeline on real processes (issue 13's "done when"): a Celery worker and beat
on PostgreSQL and Redis, the venue, Mixin and HuFi simulators over HTTP. An order running
in a campaign's pair is joined by the beat's join job, trades, HuFi scores the cycle and
pays the node's Mixin deposit address; the worker's intake records the deposit, the
rewards job matches, allocates, books and pays it to the order's owner. Replaying the
snapshot on the worker and re-running the allocation change nothing.

This process plays the user, the taker, the operator (a read-only key for HuFi) and HuFi's
own clock (the simulator's cycle is advanced over its control API); the launcher sync
(every 60 s on the beat) is sent to the worker by name when the test needs it at once."""

import json
from decimal import Decimal

import pytest

from campaigns.models import Campaign, CampaignParticipation, RewardAllocation, RewardReceipt
from campaigns.services.rewards import reward_allocate
from executor.models import ExchangeFill
from ledger.models import Transaction
from ledger.selectors import ledger_violations
from mrmarket.celery import app as celery_app
from orders.models import MarketMakingOrder, Payout
from tests.campaigns.reward_world import (  # noqa: F401 - the fixture hufi_sim
    campaign_create,
    cycle_paid,
    hufi_env,
    hufi_sim,
    read_only_key,
)
from tests.conftest import requires_postgres, requires_redis
from tests.orders.loop.harness import USDT, XIN, world  # noqa: F401 - fixture
from tests.orders.loop.test_payment_to_exchange import create_order
from tests.orders.loop.workers import Processes, purge_broker, wait_for
from wallet.models import MixinSnapshot
from wallet.services.intake import PAYMENT_SNAPSHOT_TASK


def send(task: str, **kwargs: object) -> str:
    """A job sent to the workers by name, as the beat sends it; its id."""
    return celery_app.send_task(task, kwargs=kwargs).id


def ran(processes: Processes, task: str, job_id: str) -> bool:
    """The worker logged the job's end (Celery's "Task name[id] succeeded" line)."""
    return f"{task}[{job_id}] succeeded" in processes.logs()


def state_of(order_id) -> str:
    return MarketMakingOrder.objects.values_list("state", flat=True).get(pk=order_id)


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_a_campaign_reward_reaches_the_user_on_real_workers(
    world,  # noqa: F811 - the fixture imported above
    hufi_sim,  # noqa: F811 - the fixture imported above
    django_user_model,
    settings,
    tmp_path,
):
    purge_broker()
    processes = Processes(world, tmp_path, env=hufi_env(settings))
    try:
        processes.worker()
        processes.beat()
        reward = _run(world, hufi_sim, django_user_model, processes)
    except AssertionError:
        print(processes.logs()[-20000:])
        raise
    finally:
        processes.stop()
    assert reward > 0


def _run(world, hufi_sim, django_user_model, processes: Processes) -> Decimal:  # noqa: F811
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    order_id = body["id"]
    world.pay(user, body["payment"]["url"])
    wait_for(lambda: state_of(order_id) == "running", timeout=90, what="running")

    # A campaign on the order's exchange and pair, brought in by the launcher sync. The
    # beat's join job finds the order in it and waits, shown, for a read-only key to the
    # account (the order trades on meanwhile); once the operator sets one, it joins.
    created = campaign_create(hufi_sim)
    send("campaigns.tasks.campaigns_sync")
    wait_for(lambda: Campaign.objects.exists(), timeout=30, what="the campaign synced")
    blocked = CampaignParticipation.objects.filter(last_error__contains="read-only key")
    wait_for(blocked.exists, timeout=60, what="the join job waiting for a read-only key")
    identity = blocked.get().identity
    identity.read_key = read_only_key(world)
    identity.save()
    joined = CampaignParticipation.objects.filter(state=CampaignParticipation.State.JOINED)
    wait_for(joined.exists, timeout=60, what="the beat's join job joining the campaign")
    participation = joined.get()
    assert [str(o.pk) for o in participation.orders.all()] == [order_id]
    assert participation.last_error == ""

    # Our quotes trade with another trader; the worker's tick settles the fill.
    wait_for(
        lambda: {o["side"].lower() for o in world.our_open_orders()} == {"buy", "sell"},
        timeout=30,
        what="quotes on both sides of the book",
    )
    world.take_our_best_ask()
    fills = ExchangeFill.objects.filter(tracked_order__order_id=order_id)
    wait_for(fills.exists, timeout=30, what="the fill settled")

    # HuFi scores the cycle and pays the node's identity at its Mixin deposit address.
    before = world.mixin_balance(user, USDT)
    reward = cycle_paid(hufi_sim, campaign=created, identity_address=identity.address)
    send("campaigns.tasks.campaigns_sync")  # the cycle's results file, as the next sync

    # The worker's intake records the deposit; the rewards job matches, allocates, books
    # and pays it; the payout job sends it to the order's owner.
    wait_for(
        lambda: RewardReceipt.objects.filter(state="allocated").exists(),
        timeout=90,
        what="the reward matched and allocated by the beat's rewards job",
    )
    receipt = RewardReceipt.objects.get()
    assert receipt.amount == reward
    (allocation,) = receipt.allocations.all()
    assert (str(allocation.order_id), allocation.amount) == (order_id, reward)
    manifest = json.loads(receipt.manifest_json)
    assert [f["trade_id"] for f in manifest["inputs"]["fills"]] == sorted(
        fills.values_list("trade_id", flat=True)
    )
    payout = Payout.objects.filter(idempotency_key=allocation.payout_key)
    wait_for(
        lambda: payout.filter(status=Payout.Status.SENT).exists(),
        timeout=60,
        what="the reward's payout sent",
    )
    assert world.mixin_balance(user, USDT) == before + reward
    assert ledger_violations() == []
    # The reward's deposit is routed (reconcile hands over any it finds unrouted again).
    snapshot = MixinSnapshot.objects.get(snapshot_id=receipt.snapshot_id)
    assert snapshot.processing_state == MixinSnapshot.ProcessingState.PROCESSED
    assert not Payout.objects.exclude(status=Payout.Status.SENT).exists()

    # Replays change nothing: the reward's snapshot handed to the worker again, the
    # rewards job run again, the allocation run again here.
    counts = _counts()
    replays = [
        (task, send(task, **kwargs))
        for task, kwargs in (
            (PAYMENT_SNAPSHOT_TASK, {"snapshot_id": str(snapshot.snapshot_id), "trace_id": "r"}),
            ("campaigns.tasks.rewards_collect", {}),
        )
    ]
    reward_allocate(receipt_id=receipt.pk)
    for task, job_id in replays:
        wait_for(lambda t=task, j=job_id: ran(processes, t, j), timeout=30, what=f"{task} replayed")
    assert _counts() == counts
    assert world.mixin_balance(user, USDT) == before + reward
    assert Campaign.objects.get().amount_paid == reward
    assert ledger_violations() == []
    return reward


# The order keeps quoting on the real workers while the replays run; what its ticks post
# (reservations, fills, releases) is not the replays' doing.
TICK_CODES = (
    Transaction.Code.RESERVE_LOCK,
    Transaction.Code.RESERVE_RELEASE,
    Transaction.Code.FILL_SETTLE,
)


def _counts() -> tuple[int, ...]:
    return (
        Transaction.objects.exclude(code__in=TICK_CODES).count(),
        Payout.objects.count(),
        RewardReceipt.objects.count(),
        RewardAllocation.objects.count(),
    )
