# ruff: noqa: F811 - the simulator fixtures are imported by name
"""A worker killed (SIGKILL) while funding a Mixin-paid campaign's escrow — after the
transfer id is persisted and before the transfer is sent, or after it is sent and before
its answer is recorded — and replaced: reconcile restarts the step, the escrow is funded,
and the chain (counted on the HuFi simulator) executed one transfer from the node."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings

from campaigns.hufi import hufi_client
from campaigns.models import CampaignLaunch
from campaigns.services.launch_funding import launches_reconcile
from ledger.models import Transaction
from ledger.selectors import ledger_violations
from tests.campaigns.launch_world import (
    CHAIN,
    chain_state,
    create,
    hufi_chain,  # noqa: F401 - fixture
    stock_launch_wallet,
    transfers_from,
)
from tests.conftest import requires_postgres, requires_redis
from tests.orders.loop.harness import USDT, world  # noqa: F401 - fixture
from tests.orders.loop.workers import Processes, purge_broker, wait_for

POINTS = ["campaign_escrow_fund:-:after_key", "campaign_escrow_fund:-:after_call"]


def state_of(launch_id) -> str:
    return CampaignLaunch.objects.values_list("state", flat=True).get(pk=launch_id)


@requires_postgres
@requires_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", POINTS)
def test_a_killed_funding_worker_funds_the_escrow_once(
    world, hufi_chain, django_user_model, tmp_path, point
):
    purge_broker()
    processes = Processes(world, tmp_path)
    processes.env |= {
        "HUFI_LAUNCHER_URL": settings.HUFI_LAUNCHER_URL,
        "HUFI_ORACLE_URL": settings.HUFI_ORACLE_URL,
        "HUFI_CHAIN_URL": settings.HUFI_CHAIN_URL,
        "HUFI_REWARD_ASSETS": f'{{"{CHAIN}:USDT": "{USDT}"}}',
    }
    try:
        doomed = processes.worker(crash_at=point)
        processes.beat()
        wallet = stock_launch_wallet(hufi_chain, "100")
        user = world.mixin_user(django_user_model, **{USDT: "100"})
        body = create(user).json()
        launch_id = body["id"]
        wait_for(lambda: state_of(launch_id) == "awaiting_funding", timeout=60, what="the escrow")
        world.pay(user, body["payment"]["url"])
        wait_for(lambda: doomed.poll() is not None, timeout=120, what=f"the kill at {point}")
        assert doomed.returncode == -9, "killed by SIGKILL at the crash point"
        assert state_of(launch_id) == "funding"
        expected = 1 if point.endswith("after_call") else 0
        assert transfers_from(hufi_chain, wallet) == expected

        processes.worker()
        deadline = time.monotonic() + 120
        while state_of(launch_id) != "funded":
            assert time.monotonic() < deadline, f"stuck in {state_of(launch_id)}"
            with hufi_client() as client:  # what the beat's reconcile job does
                launches_reconcile(client=client, stalled_after=timedelta(seconds=1))
            time.sleep(1)
    except AssertionError:
        print(processes.logs()[-15000:])
        raise
    finally:
        processes.stop()

    assert transfers_from(hufi_chain, wallet) == 1
    launch = CampaignLaunch.objects.get(pk=launch_id)
    escrow = next(
        e for e in chain_state(hufi_chain)["escrows"] if e["address"] == launch.escrow_address
    )
    assert (escrow["status"], Decimal(escrow["balance"])) == ("funded", Decimal("30"))
    assert Transaction.objects.filter(code="campaign_fund").count() == 1
    assert world.mixin_balance(user, USDT) == Decimal("70")
    assert ledger_violations() == []
