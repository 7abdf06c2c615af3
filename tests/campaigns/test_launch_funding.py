# ruff: noqa: F811 - the simulator fixtures are imported by name
"""Funding a created campaign against the simulators. Mixin: the invoice is paid, the
payment is booked (trace id, snapshot key), the node's EVM wallet funds the escrow once and
the outflow is booked; replays change nothing. EVM: the user's own transfer fills the
escrow and the node sees it. A funding that cannot happen is refunded."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.hufi import hufi_client
from campaigns.models import Campaign, CampaignLaunch
from campaigns.services.discovery import campaigns_sync
from campaigns.services.launch_funding import (
    launch_account,
    launch_escrow_fund,
    launch_escrow_watch,
    launch_payment_process,
    launches_reconcile,
)
from core.errors import RetryableError
from ledger.models import Transaction
from ledger.selectors import ledger_violations
from mixin_kernel.invoice import PayRequest
from orders.models import Payout
from orders.services import payouts
from tests.campaigns.launch_world import (
    CHAIN,
    chain_state,
    create,
    escrow_step,
    fund_step,
    hufi_chain,  # noqa: F401 - fixture
    stock_launch_wallet,
    transfers_from,
)
from tests.orders.loop.harness import USDT, world  # noqa: F401 - fixture
from tests.simulators.hufi.conftest import control
from wallet.memo import CampaignFundingMemo, campaign_funding_memo_encode
from wallet.models import MixinSnapshot

pytestmark = pytest.mark.django_db


def paid_launch(world, hufi_chain, django_user_model):
    user = world.mixin_user(django_user_model, **{USDT: "100"})
    body = create(user, key="launch-1").json()
    assert escrow_step(body["id"]) == "awaiting_funding"
    world.pay(user, body["payment"]["url"])
    assert world.intake() == ["handed to campaigns"]  # the order flow hands it over
    (snapshot,) = MixinSnapshot.objects.filter(direction="incoming")
    assert launch_payment_process(snapshot_id=snapshot.snapshot_id) == "booked: paid"
    return user, CampaignLaunch.objects.get(pk=body["id"]), snapshot


def test_mixin_payment_is_booked_and_the_escrow_funded_once(world, hufi_chain, django_user_model):
    user, launch, snapshot = paid_launch(world, hufi_chain, django_user_model)
    assert launch.state == "paid" and launch.amount_paid == Decimal("30")
    credit = Transaction.objects.get(idempotency_key=f"snapshot-credit:{snapshot.snapshot_id}")
    assert credit.trace_id == launch.trace_id and credit.ref == f"snapshot:{snapshot.snapshot_id}"
    assert launch_account(launch).balance.amount == Decimal("30")
    assert world.mixin_balance(user, USDT) == Decimal("70")

    wallet = stock_launch_wallet(hufi_chain, "100")
    assert fund_step(launch.pk) == "funded"
    launch.refresh_from_db()
    assert launch.funding_tx_hash.startswith("0x") and launch.funding_transfer_id is not None
    outflow = Transaction.objects.get(idempotency_key=f"campaign-launch:{launch.pk}:escrow-fund")
    assert outflow.code == "campaign_fund" and outflow.ref == f"evm-tx:{launch.funding_tx_hash}"
    assert launch_account(launch).balance.amount == 0
    escrow = next(
        e for e in chain_state(hufi_chain)["escrows"] if e["address"] == launch.escrow_address
    )
    assert (escrow["status"], escrow["balance"]) == ("funded", "30")
    assert transfers_from(hufi_chain, wallet) == 1
    assert ledger_violations() == []

    # The campaign is live on the launcher; the sync stores it and links it to the launch.
    with hufi_client() as client:
        campaigns_sync(client=client)
        launches_reconcile(client=client, stalled_after=timedelta(seconds=60))
    launch.refresh_from_db()
    assert launch.campaign == Campaign.objects.get(address=launch.escrow_address.lower())
    assert launch.campaign.launch == launch

    # Replays change nothing: the snapshot again, the payment job again, the fund job again.
    counts = (Transaction.objects.count(), Payout.objects.count())
    world.intake()
    assert launch_payment_process(snapshot_id=snapshot.snapshot_id) == "already processed"
    assert fund_step(launch.pk) == "funded"
    assert escrow_step(launch.pk) == "funded"
    assert (Transaction.objects.count(), Payout.objects.count()) == counts
    assert transfers_from(hufi_chain, wallet) == 1
    assert ledger_violations() == []


class LostAnswer:
    """The chain executes the transfer, but its answer never reaches the node (a worker
    killed after the call, a timeout): the call raises RetryableError."""

    def __init__(self, client, *, send: bool) -> None:
        self.client, self.send = client, send

    def __getattr__(self, name):
        return getattr(self.client, name)

    def transfer_send(self, *, transfer):
        if self.send:
            self.client.transfer_send(transfer=transfer)
        raise RetryableError("no answer from the chain")


def test_a_retried_funding_job_does_not_fund_twice(world, hufi_chain, django_user_model):
    _, launch, _ = paid_launch(world, hufi_chain, django_user_model)
    wallet = stock_launch_wallet(hufi_chain, "100")
    for _ in range(3):  # executed by the chain each time it is asked; the answer lost
        with hufi_client() as client, pytest.raises(RetryableError):
            launch_escrow_fund(launch_id=launch.pk, client=LostAnswer(client, send=True))
    launch.refresh_from_db()
    assert launch.state == "funding" and launch.funding_attempts == 3
    assert transfers_from(hufi_chain, wallet) == 1  # the same transfer id, executed once
    assert fund_step(launch.pk) == "funded"  # the retry that hears the answer
    assert transfers_from(hufi_chain, wallet) == 1
    assert Transaction.objects.filter(code="campaign_fund").count() == 1
    assert ledger_violations() == []


def test_a_funding_that_never_landed_is_refunded_after_its_deadline(
    world, hufi_chain, django_user_model
):
    user, launch, _ = paid_launch(world, hufi_chain, django_user_model)
    wallet = stock_launch_wallet(hufi_chain, "100")
    with hufi_client() as client, pytest.raises(RetryableError):
        launch_escrow_fund(launch_id=launch.pk, client=LostAnswer(client, send=False))
    # Every retry gave up; past the signed transfer's deadline the chain never saw its id.
    CampaignLaunch.objects.filter(pk=launch.pk).update(
        funding_deadline=timezone.now() - timedelta(seconds=1),
        state_changed_at=timezone.now() - timedelta(minutes=5),
    )
    with hufi_client() as client:
        assert launches_reconcile(client=client, stalled_after=timedelta(seconds=60)) == {
            "failed": 1
        }
    launch.refresh_from_db()
    assert launch.state == "failed" and "never reached the chain" in launch.last_error
    refund = Payout.objects.get(idempotency_key=f"campaign-launch:{launch.pk}:refund")
    payouts.payout_send(payout_id=refund.pk)
    assert world.mixin_balance(user, USDT) == Decimal("100")  # paid 30, refunded 30
    assert transfers_from(hufi_chain, wallet) == 0
    assert launch_account(launch).balance.amount == 0
    assert ledger_violations() == []


def test_an_empty_node_wallet_refuses_and_the_payment_is_refunded(
    world, hufi_chain, django_user_model
):
    user, launch, _ = paid_launch(world, hufi_chain, django_user_model)
    assert fund_step(launch.pk) == "failed"  # the chain refuses: insufficient funds
    launch.refresh_from_db()
    assert "insufficient funds" in launch.last_error
    (refund,) = Payout.objects.filter(kind="refund")
    assert (refund.amount, refund.reason) == (Decimal("30"), "campaign_not_funded")
    payouts.payout_send(payout_id=refund.pk)
    assert world.mixin_balance(user, USDT) == Decimal("100")
    assert ledger_violations() == []


def test_a_payment_that_cannot_fund_is_refunded_with_its_reason(
    world, hufi_chain, django_user_model
):
    user = world.mixin_user(django_user_model, **{USDT: "100"})
    body = create(user).json()
    api_cancel = CampaignLaunch.objects.get(pk=body["id"])
    api_cancel.cancel()  # cancelled while the invoice is still open
    api_cancel.save()
    world.pay(user, body["payment"]["url"])
    world.intake()
    (snapshot,) = MixinSnapshot.objects.filter(direction="incoming")
    assert launch_payment_process(snapshot_id=snapshot.snapshot_id) == (
        "refunded: campaign_not_awaiting_payment"
    )
    for payout in Payout.objects.filter(status="pending"):
        payouts.payout_send(payout_id=payout.pk)
    assert world.mixin_balance(user, USDT) == Decimal("100")
    assert ledger_violations() == []


def test_evm_funding_the_users_transfer_fills_the_escrow(world, hufi_chain, django_user_model):
    user = world.mixin_user(django_user_model)
    body = create(user, funding_method="evm").json()
    assert body["payment"] is None
    assert escrow_step(body["id"]) == "awaiting_funding"
    launch = CampaignLaunch.objects.get(pk=body["id"])
    with hufi_client() as client:
        assert launch_escrow_watch(launch_id=launch.pk, client=client) == "awaiting_funding"
    # The user's wallet signs a transfer to the escrow (the simulator's stand-in).
    wallet = "0x" + uuid.uuid4().hex[:40]
    control(
        hufi_chain,
        "/_sim/chain/mint",
        {"chain_id": CHAIN, "token": "USDT", "address": wallet, "amount": "30"},
    )
    control(
        hufi_chain,
        "/_sim/chain/transfers",
        {
            "chain_id": CHAIN,
            "token": "USDT",
            "from": wallet,
            "to": launch.escrow_address,
            "amount": "30",
            "transfer_id": "user-tx",
        },
    )
    with hufi_client() as client:
        assert launch_escrow_watch(launch_id=launch.pk, client=client) == "funded"
    launch.refresh_from_db()
    assert launch.funding_tx_hash.startswith("0x")
    assert not Transaction.objects.exists()  # the fund never passed through the node
    live = hufi_chain.get(f"/launcher/campaigns/{CHAIN}-{launch.escrow_address}").json()
    assert live["status"] == "active" and live["fund_amount"] == "30"


def test_an_unfunded_launch_expires(world, hufi_chain, django_user_model):
    user = world.mixin_user(django_user_model)
    launch_id = create(user, funding_method="evm").json()["id"]
    escrow_step(launch_id)
    CampaignLaunch.objects.filter(pk=launch_id).update(expires_at=timezone.now())
    with hufi_client() as client:
        assert launches_reconcile(client=client, stalled_after=timedelta(seconds=60)) == {
            "expired": 1
        }
    assert CampaignLaunch.objects.get(pk=launch_id).state == "expired"


def test_a_part_paid_launch_expires_and_the_part_is_refunded(world, hufi_chain, django_user_model):

    user = world.mixin_user(django_user_model, **{USDT: "100"})
    body = create(user).json()
    escrow_step(body["id"])
    launch = CampaignLaunch.objects.get(pk=body["id"])
    part = PayRequest(
        recipient_id=settings.MIXIN_KEYSTORE.app_id,
        asset_id=USDT,
        amount=Decimal("10"),
        trace_id=str(launch.payment_trace_id),
        memo=launch_memo(launch),
    ).url()
    world.pay(user, part)
    world.intake()
    (snapshot,) = MixinSnapshot.objects.filter(direction="incoming")
    assert launch_payment_process(snapshot_id=snapshot.snapshot_id) == "booked: part of the fund"
    CampaignLaunch.objects.filter(pk=launch.pk).update(expires_at=timezone.now())
    with hufi_client() as client:
        assert launches_reconcile(client=client, stalled_after=timedelta(seconds=60)) == {
            "expired": 1
        }
    for payout in Payout.objects.filter(status="pending"):
        payouts.payout_send(payout_id=payout.pk)
    assert world.mixin_balance(user, USDT) == Decimal("100")
    assert launch_account(launch).balance.amount == 0
    assert ledger_violations() == []


def launch_memo(launch: CampaignLaunch) -> str:
    return campaign_funding_memo_encode(
        CampaignFundingMemo(asset_id=launch.asset_id, launch_id=launch.pk)
    )
