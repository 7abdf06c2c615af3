"""Funding a created campaign's escrow (docs/campaigns.md, "Creating a campaign").

EVM: the user sends the fund to the escrow from their own wallet; the node watches the
escrow until it holds the fund. Mixin: the user pays the node's invoice; the payment is
booked to the launch's ledger account (the same intake and keys as an order's payment),
then the node's EVM wallet sends the fund to the escrow under a transfer id persisted
before the call, and the outflow is booked. A funding that cannot happen is refunded.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaigns.hufi import HufiApi
from campaigns.models import Campaign, CampaignLaunch, LaunchState
from campaigns.services.launch import (
    ESCROW_CREATE,
    ESCROW_FUND,
    ESCROW_WATCH,
    launch_error_text,
    launch_escrow_ensure,
    launch_job_enqueue,
    launch_transition,
)
from campaigns.services.launch_wallet import launch_wallet_get, launch_wallet_sign
from core.errors import (
    AuthFailedError,
    RejectedError,
    RemoteNotFoundError,
    RetryableError,
)
from core.faults import crash_point
from core.money import decimal_text
from ledger.models import Account, Transaction
from ledger.services import Leg, account_get_or_create, ledger_post, system_account
from orders.models import Payout
from orders.services.loop import payout_send_enqueue
from orders.services.payments import payment_refund
from orders.services.payouts import payout_create
from wallet.memo import campaign_funding_memo_of
from wallet.models import MixinSnapshot
from wallet.services.intake import snapshot_mark_processed

logger = logging.getLogger(__name__)

S = LaunchState
PAYMENT_ACTOR = "system:campaign_launch_payment"
FUND_ACTOR = "system:campaign_escrow_fund"


def launch_account(launch: CampaignLaunch) -> Account:
    """The launch's own funds in the Mixin wallet, in the reward token's asset."""
    return account_get_or_create(
        owner_kind=Account.OwnerKind.CAMPAIGN,
        owner_id=str(launch.pk),
        asset=launch.asset_id,
        purpose="available",
    )


def launch_escrow_create(*, launch_id: uuid.UUID | str, client: HufiApi) -> str:
    """Create a draft launch's escrow; a refusal fails it (with a refund if paid)."""
    launch = CampaignLaunch.objects.get(pk=launch_id)
    if launch.state not in (LaunchState.DRAFT, LaunchState.PAID):
        return launch.state
    try:
        address = launch_escrow_ensure(launch=launch, client=client)
    except RejectedError as refusal:
        problems = refusal.detail.get("details") if isinstance(refusal.detail, dict) else None
        return launch_fail(
            launch_id=launch.pk,
            reason=f"HuFi refused the escrow: {refusal.message}",
            data={"problems": problems or []},
        ).state
    if launch.state == LaunchState.PAID:  # paid before the escrow existed: fund it now
        launch_job_enqueue(job=ESCROW_FUND, launch=launch)
        return launch.state
    with transaction.atomic():
        locked = CampaignLaunch.objects.select_for_update().get(pk=launch.pk)
        if locked.state != LaunchState.DRAFT:
            return locked.state
        launch_transition(
            launch=locked,
            transition=locked.escrow_created,
            actor="system:campaign_escrow_create",
            reason="escrow created on HuFi's chain; waiting for the fund",
            data={"escrow": address},
            address=address,
        )
        if locked.funding_method == CampaignLaunch.Method.EVM:
            launch_job_enqueue(job=ESCROW_WATCH, launch=locked)
        return locked.state


def _payment_refusal(launch: CampaignLaunch | None, snapshot: MixinSnapshot) -> str | None:
    if launch is None or launch.funding_method != CampaignLaunch.Method.MIXIN:
        return "unknown_campaign"
    if launch.asset_id != snapshot.asset_id:
        return "asset_not_in_invoice"
    payer = getattr(launch.created_by, "mixin", None)
    if payer is None or payer.mixin_user_id != snapshot.opponent_id:
        return "payer_mismatch"
    if launch.state not in (S.DRAFT, S.AWAITING_FUNDING):
        return "campaign_not_awaiting_payment"
    if snapshot.mixin_created_at >= launch.expires_at:
        return "campaign_expired"
    if launch.amount_paid + snapshot.amount > launch.fund_amount:
        return "more_than_the_fund"
    return None


@transaction.atomic
def launch_payment_process(*, snapshot_id: uuid.UUID | str) -> str:
    """Book one campaign-funding payment, or refund it with the reason; running it again
    for the same snapshot does nothing (the snapshot is processed once, the credit has the
    snapshot's key)."""
    snapshot = MixinSnapshot.objects.select_for_update().get(snapshot_id=snapshot_id)
    if snapshot.processing_state in (
        MixinSnapshot.ProcessingState.PROCESSED,
        MixinSnapshot.ProcessingState.IGNORED,
    ):
        return "already processed"
    memo = campaign_funding_memo_of(snapshot.memo)
    launch = (
        CampaignLaunch.objects.select_for_update(of=("self",))
        .select_related("created_by__mixin")
        .filter(pk=memo.launch_id if memo else None)
        .first()
    )
    refusal = _payment_refusal(launch, snapshot)
    if refusal is not None:
        return payment_refund(snapshot, reason=refusal, order=None)
    assert launch is not None
    ledger_post(
        idempotency_key=f"snapshot-credit:{snapshot.snapshot_id}",
        code=Transaction.Code.PAYMENT_CREDIT,
        entries=[
            Leg(
                account=system_account(asset=snapshot.asset_id, purpose="external"),
                amount=-snapshot.amount,
            ),
            Leg(account=launch_account(launch), amount=snapshot.amount),
        ],
        trace_id=launch.trace_id,
        ref=f"snapshot:{snapshot.snapshot_id}",
    )
    launch.amount_paid += snapshot.amount
    launch.payer_id = snapshot.opponent_id
    launch.save(update_fields=["amount_paid", "payer_id"])
    snapshot_mark_processed(
        snapshot_id=snapshot.snapshot_id, note=f"paid campaign launch {launch.pk}"
    )
    if launch.amount_paid < launch.fund_amount:
        return "booked: part of the fund"
    launch_transition(
        launch=launch,
        transition=launch.mark_paid,
        actor=PAYMENT_ACTOR,
        reason="the fund is paid on Mixin; the node funds the escrow next",
        data={"snapshot_id": str(snapshot.snapshot_id)},
    )
    launch_job_enqueue(job=ESCROW_FUND, launch=launch)
    return "booked: paid"


def _transfer_body(launch: CampaignLaunch) -> dict[str, object]:
    assert launch.funding_deadline is not None
    return {
        "chain_id": launch.chain_id,
        "token": launch.fund_token_symbol,
        "from": launch_wallet_get().address,
        "to": launch.escrow_address,
        "amount": decimal_text(launch.fund_amount),
        "transfer_id": str(launch.funding_transfer_id),
        "deadline": launch.funding_deadline.isoformat(),
    }


@transaction.atomic
def _funding_start(launch_id: uuid.UUID) -> CampaignLaunch:
    """Persist the transfer's id and deadline (its key) before anything is sent."""
    launch = CampaignLaunch.objects.select_for_update().get(pk=launch_id)
    if launch.state != S.PAID:
        return launch
    launch.funding_transfer_id = uuid.uuid4()
    launch.funding_deadline = timezone.now() + timedelta(
        seconds=settings.CAMPAIGN_FUNDING_TRANSFER_DEADLINE_SECONDS
    )
    return launch_transition(
        launch=launch,
        transition=launch.start_funding,
        actor=FUND_ACTOR,
        reason="the node's transfer to the escrow is signed; sending it",
        data={"transfer_id": str(launch.funding_transfer_id), "escrow": launch.escrow_address},
    )


def launch_escrow_fund(*, launch_id: uuid.UUID | str, client: HufiApi) -> str:
    """Send the node's fund to a paid launch's escrow, once: every attempt sends the same
    signed transfer (same id), which the chain executes at most once."""
    launch = CampaignLaunch.objects.get(pk=launch_id)
    if launch.state == S.PAID:
        try:
            launch_escrow_ensure(launch=launch, client=client)
        except RejectedError as refusal:
            return launch_fail(
                launch_id=launch.pk, reason=f"HuFi refused the escrow: {refusal.message}"
            ).state
        launch = _funding_start(launch.pk)
        crash_point("campaign_escrow_fund:-:after_key")
    if launch.state != S.FUNDING:
        return launch.state
    CampaignLaunch.objects.filter(pk=launch.pk).update(funding_attempts=launch.funding_attempts + 1)
    try:
        answer = client.transfer_send(transfer=launch_wallet_sign(transfer=_transfer_body(launch)))
    except (RejectedError, AuthFailedError) as refusal:
        # Refused: the chain did not execute it, and never will under this id.
        return launch_fail(
            launch_id=launch.pk, reason=f"the escrow transfer was refused: {refusal.message}"
        ).state
    except RetryableError as error:
        CampaignLaunch.objects.filter(pk=launch.pk).update(last_error=launch_error_text(error))
        raise
    crash_point("campaign_escrow_fund:-:after_call")
    return _funded_if_paid_in(launch, answer)


def _funded_if_paid_in(launch: CampaignLaunch, answer: dict) -> str:
    escrow = answer.get("escrow") or {}
    if escrow.get("status") != "funded":
        return launch.state
    tx_hash = str(answer["transfer"]["tx_hash"])
    with transaction.atomic():
        locked = CampaignLaunch.objects.select_for_update().get(pk=launch.pk)
        if locked.state != S.FUNDING:
            return locked.state
        ledger_post(
            idempotency_key=f"campaign-launch:{locked.pk}:escrow-fund",
            code=Transaction.Code.CAMPAIGN_FUND,
            entries=[
                Leg(account=launch_account(locked), amount=-locked.fund_amount),
                Leg(
                    account=system_account(asset=locked.asset_id, purpose="external"),
                    amount=locked.fund_amount,
                ),
            ],
            trace_id=locked.trace_id,
            ref=f"evm-tx:{tx_hash}",
        )
        locked.funding_tx_hash = tx_hash
        launch_transition(
            launch=locked,
            transition=locked.mark_funded,
            actor=FUND_ACTOR,
            reason="the escrow holds the fund; the campaign is live on HuFi",
            data={"tx_hash": tx_hash},
        )
        _campaign_link(locked)
        return locked.state


def launch_escrow_watch(*, launch_id: uuid.UUID | str, client: HufiApi) -> str:
    """EVM: whether the user's transfer has filled the escrow yet."""
    launch = CampaignLaunch.objects.get(pk=launch_id)
    if launch.state != S.AWAITING_FUNDING or not launch.escrow_address:
        return launch.state
    escrow = client.escrow(chain_id=launch.chain_id, address=launch.escrow_address)
    if escrow.get("status") != "funded":
        return launch.state
    with transaction.atomic():
        locked = CampaignLaunch.objects.select_for_update().get(pk=launch.pk)
        if locked.state != S.AWAITING_FUNDING:
            return locked.state
        transfers = [str(t) for t in escrow.get("transfers") or []]
        locked.funding_tx_hash = transfers[-1] if transfers else ""
        launch_transition(
            launch=locked,
            transition=locked.mark_funded,
            actor="system:campaign_escrow_watch",
            reason="your transfer filled the escrow; the campaign is live on HuFi",
            data={"transfers": transfers, "balance": str(escrow.get("balance"))},
        )
        _campaign_link(locked)
        return locked.state


def _campaign_link(launch: CampaignLaunch) -> None:
    """The synced campaign of a funded launch, once the sync has stored it."""
    campaign = Campaign.objects.filter(
        chain_id=launch.chain_id, address=launch.escrow_address.lower()
    ).first()
    if campaign is not None and launch.campaign_id is None:
        CampaignLaunch.objects.filter(pk=launch.pk, campaign__isnull=True).update(campaign=campaign)
        launch.campaign = campaign


@transaction.atomic
def launch_fail(*, launch_id: uuid.UUID, reason: str, data: dict | None = None) -> CampaignLaunch:
    """Fail a launch; what it was paid on Mixin goes back to the payer (the refund rule)."""
    launch = CampaignLaunch.objects.select_for_update().get(pk=launch_id)
    if launch.state not in (S.DRAFT, S.PAID, S.FUNDING):
        return launch
    launch_transition(
        launch=launch,
        transition=launch.fail,
        actor=FUND_ACTOR,
        reason=reason,
        data=data,
        error=reason,
    )
    logger.warning("campaign launch failed", extra={"launch_id": str(launch.pk), "reason": reason})
    _paid_refund(launch)
    return launch


def _paid_refund(launch: CampaignLaunch) -> None:
    """What a launch that will not be funded was paid goes back to the payer, once."""
    if launch.amount_paid > 0 and launch.payer_id is not None:
        payout = payout_create(
            idempotency_key=f"campaign-launch:{launch.pk}:refund",
            kind=Payout.Kind.REFUND,
            source=launch_account(launch),
            amount=launch.amount_paid,
            receiver_id=launch.payer_id,
            reason="campaign_not_funded",
        )
        payout_send_enqueue(payout=payout)


def _in_doubt_funding_settle(launch: CampaignLaunch, client: HufiApi) -> str:
    """A funding transfer with no answer: past its deadline, the chain knows it (funded)
    or never will (refund); before it, the same signed transfer is sent again."""
    assert launch.funding_deadline is not None
    if timezone.now() <= launch.funding_deadline:
        launch_job_enqueue(job=ESCROW_FUND, launch=launch)
        return "resent"
    try:
        answer = client.transfer(transfer_id=str(launch.funding_transfer_id))
    except RemoteNotFoundError:
        return launch_fail(
            launch_id=launch.pk,
            reason="the escrow transfer never reached the chain before its deadline",
        ).state
    return _funded_if_paid_in(launch, answer)


def launches_reconcile(*, client: HufiApi, stalled_after: timedelta) -> dict[str, int]:
    """Periodic: expire what was not funded in time, start again what stalled."""
    done: dict[str, int] = {}
    now = timezone.now()
    for launch in CampaignLaunch.objects.filter(
        state__in=[S.DRAFT, S.AWAITING_FUNDING], expires_at__lte=now
    ):
        with transaction.atomic():
            locked = CampaignLaunch.objects.select_for_update().get(pk=launch.pk)
            if locked.state in (S.DRAFT, S.AWAITING_FUNDING):
                launch_transition(
                    launch=locked,
                    transition=locked.expire,
                    actor="system:campaign_launches_reconcile",
                    reason="the fund did not arrive in full within the funding window",
                    data={"amount_paid": decimal_text(locked.amount_paid)},
                )
                _paid_refund(locked)  # a part paid goes back
                done["expired"] = done.get("expired", 0) + 1
    stalled = CampaignLaunch.objects.filter(
        state__in=[S.DRAFT, S.AWAITING_FUNDING, S.PAID, S.FUNDING],
        state_changed_at__lte=now - stalled_after,
    )
    for launch in stalled:
        if launch.state in (S.DRAFT, S.PAID):
            job = ESCROW_CREATE if launch.state == S.DRAFT else ESCROW_FUND
            launch_job_enqueue(job=job, launch=launch)
            outcome = "restarted"
        elif launch.state == S.FUNDING:
            outcome = _in_doubt_funding_settle(launch, client)
        elif launch.funding_method == CampaignLaunch.Method.EVM:
            outcome = launch_escrow_watch(launch_id=launch.pk, client=client)
        else:
            continue  # Mixin, waiting for its payment: nothing to restart
        done[outcome] = done.get(outcome, 0) + 1
    for launch in CampaignLaunch.objects.filter(state=S.FUNDED, campaign__isnull=True):
        _campaign_link(launch)
    return done
