"""The reward pipeline: a HuFi reward that arrived as a Mixin deposit is matched to one
cycle of one campaign, allocated among our orders by the fills we hold, written down as a
manifest, booked in the ledger and paid to each order's owner (docs/campaigns.md).

Wallet intake records the deposit and knows nothing of campaigns; this pulls the deposits
it has not matched yet. Every step is keyed: a receipt per snapshot (and per campaign,
identity and cycle), a ledger transaction and a payout per (receipt, order), so running it
again, or seeing the same snapshot again, changes nothing.
"""

import hashlib
import json
import logging
import uuid
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime

from campaigns.hufi import HufiApi
from campaigns.models import (
    Campaign,
    CampaignParticipation,
    RewardAllocation,
    RewardReceipt,
)
from campaigns.rewards.abuse import THRESHOLDS
from campaigns.rewards.allocation import expected_competitive_payout, expected_payout
from campaigns.rewards.manifest import manifest_build, manifest_sha256
from core import context
from core.errors import ApplicationError
from executor.models import FINAL_STATUSES, ExchangeFill, ExchangeOrderStatus, TrackedOrder
from ledger.models import Account, Transaction
from ledger.services import Leg, account_get_or_create, ledger_post, system_account
from orders.models import MarketMakingOrder, OrderLeg, Payout
from orders.services.loop import payout_send_enqueue
from orders.services.payouts import payout_create
from wallet.models import MixinSnapshot
from wallet.selectors import chain_deposits_incoming
from wallet.services.intake import snapshot_mark_processed

logger = logging.getLogger(__name__)


class ResultsFileMismatch(ApplicationError):
    code = "results_file_mismatch"


def reward_asset(campaign: Campaign) -> str | None:
    return settings.HUFI_REWARD_ASSETS.get(f"{campaign.chain_id}:{campaign.fund_token_symbol}")


def results_file_read(*, client: HufiApi, url: str) -> tuple[dict, str]:
    """The results file and its sha256, which must be the name it is stored under."""
    body = client.results_file(url)
    digest = hashlib.sha256(body).hexdigest()
    if digest not in url.rsplit("/", 1)[-1]:
        raise ResultsFileMismatch(
            "A results file's content does not match the hash it is published under.",
            detail={"url": url, "sha256": digest},
        )
    return json.loads(body), digest


def _owed(campaign: Campaign, cycle: dict, address: str) -> Decimal:
    """What HuFi pays `address` for one cycle of the results file, by the campaign's type."""
    outcomes = [o for b in cycle["participants_outcomes_batches"] for o in b["results"]]
    pool, decimals = Decimal(cycle["reserved_funds"]), campaign.fund_token_decimals
    if campaign.type == Campaign.Type.COMPETITIVE_MARKET_MAKING:
        return expected_competitive_payout(
            pool=pool,
            outcomes=[
                (o["address"], Decimal(o["score"]), Decimal(o["total_volume"])) for o in outcomes
            ],
            address=address,
            distribution=[Decimal(str(p)) for p in campaign.details["rewards_distribution"]],
            minimum_volume=Decimal(str(campaign.details["minimum_volume_required"])),
            decimals=decimals,
        )
    ours = next((o for o in outcomes if o["address"].lower() == address.lower()), None)
    if ours is None:
        return Decimal(0)
    return expected_payout(
        pool=pool,
        score=Decimal(ours["score"]),
        total_score=sum((Decimal(o["score"]) for o in outcomes), Decimal(0)),
        decimals=decimals,
    )


def _cycles_owed(campaign: Campaign, results: dict, address: str) -> list[tuple[dict, Decimal]]:
    """(cycle, what HuFi owes `address` for it) for every cycle where that is not zero."""
    owed = [(cycle, _owed(campaign, cycle, address)) for cycle in results.get("results", [])]
    return [(cycle, amount) for cycle, amount in owed if amount > 0]


def _moment(text: str) -> datetime:
    moment = parse_datetime(text)
    assert moment is not None, text
    return moment


def rewards_match(*, client: HufiApi) -> list[RewardReceipt]:
    """Match unmatched reward deposits to (campaign, identity, cycle) by asset, amount and
    time: a deposit of the campaign's token, of exactly what the results file says HuFi
    owes one of our identities for a cycle that began before the deposit arrived."""
    joined = (
        CampaignParticipation.objects.filter(state=CampaignParticipation.State.JOINED)
        .exclude(campaign__intermediate_results_url="")
        .select_related("campaign", "identity")
    )
    owed: list[tuple[CampaignParticipation, dict, Decimal, str, str]] = []
    files: dict[str, tuple[dict, str]] = {}
    for participation in joined:
        campaign = participation.campaign
        asset = reward_asset(campaign)
        url = campaign.final_results_url or campaign.intermediate_results_url
        if asset is None:
            continue
        if url not in files:
            try:
                files[url] = results_file_read(client=client, url=url)
            except ResultsFileMismatch as mismatch:
                logger.error(
                    "a HuFi results file does not match its hash; its rewards wait",
                    extra={"campaign_id": campaign.key, "error": mismatch.message},
                )
                continue
        results, digest = files[url]
        received = set(
            RewardReceipt.objects.filter(
                campaign=campaign, identity=participation.identity
            ).values_list("cycle_from", flat=True)
        )
        for cycle, amount in _cycles_owed(campaign, results, participation.identity.address):
            if _moment(cycle["from"]) not in received:
                owed.append((participation, cycle, amount, asset, digest))
    if not owed:
        return []
    matched = []
    deposits = chain_deposits_incoming(
        asset_ids=sorted({uuid.UUID(a) for *_, a, _ in owed}),
        exclude_snapshot_ids=RewardReceipt.objects.values("snapshot_id"),
    )
    # A deposit that is an exit's return from the exchange is never a reward, whatever its
    # amount: its chain hash is the exchange withdrawal's.
    exit_hashes = set(
        OrderLeg.objects.exclude(exit_tx_hash="").values_list("exit_tx_hash", flat=True)
    )
    for snapshot in deposits.exclude(
        snapshot_id__in=OrderLeg.objects.filter(exit_snapshot_id__isnull=False).values(
            "exit_snapshot_id"
        )
    ):
        if str((snapshot.deposit or {}).get("deposit_hash", "")) in exit_hashes:
            continue
        for index, (participation, cycle, amount, asset, digest) in enumerate(owed):
            if (
                str(snapshot.asset_id) == asset
                and snapshot.amount == amount
                and snapshot.mixin_created_at >= _moment(cycle["from"])
            ):
                matched.append(_receipt_record(snapshot, participation, cycle, digest))
                del owed[index]
                break
    return matched


@transaction.atomic
def _receipt_record(
    snapshot: MixinSnapshot, participation: CampaignParticipation, cycle: dict, digest: str
) -> RewardReceipt:
    """The receipt, and the deposit routed: the order flow leaves a chain deposit it cannot
    place to the layers above, and reconcile hands over again any it finds unrouted."""
    receipt, _ = RewardReceipt.objects.get_or_create(
        snapshot_id=snapshot.snapshot_id,
        defaults={
            "campaign": participation.campaign,
            "identity": participation.identity,
            "cycle_from": _moment(cycle["from"]),
            "cycle_to": _moment(cycle["to"]),
            "asset_id": snapshot.asset_id,
            "amount": snapshot.amount,
            "results_sha256": digest,
            "trace_id": snapshot.trace_id or context.new_trace_id(),
        },
    )
    snapshot_mark_processed(
        snapshot_id=snapshot.snapshot_id,
        note=f"HuFi reward: campaign {receipt.campaign.key}, cycle {receipt.cycle_from:%Y-%m-%d}",
    )
    return receipt


def _text(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount else "0"


def reward_inputs(*, receipt: RewardReceipt) -> dict:
    """Every fact the allocation depends on, as the manifest carries it."""
    campaign, identity = receipt.campaign, receipt.identity
    participation = CampaignParticipation.objects.get(campaign=campaign, identity=identity)
    start = max(receipt.cycle_from, participation.joined_at or receipt.cycle_from)
    fills = (
        ExchangeFill.objects.filter(
            tracked_order__api_key=identity.trading_key,
            symbol=campaign.symbol,
            traded_at__gte=start,
            traded_at__lt=receipt.cycle_to,
        )
        .select_related("tracked_order__order")
        .order_by("trade_id")
    )
    # Every quote the account had standing in the window, for the spoof and layering rules.
    quotes = (
        TrackedOrder.objects.filter(
            api_key=identity.trading_key,
            symbol=campaign.symbol,
            created_at__lt=receipt.cycle_to,
            updated_at__gte=start,
        )
        .exclude(status=ExchangeOrderStatus.FAILED)
        .order_by("client_order_id")
    )
    snapshot = MixinSnapshot.objects.get(snapshot_id=receipt.snapshot_id)
    return {
        "campaign": {
            "chain_id": campaign.chain_id,
            "address": campaign.address,
            "type": campaign.type,
            "exchange": campaign.exchange_name,
            "symbol": campaign.symbol,
        },
        "cycle": {"from": receipt.cycle_from.isoformat(), "to": receipt.cycle_to.isoformat()},
        "window_from": start.isoformat(),
        "identity": identity.address,
        "results_file_sha256": receipt.results_sha256,
        "reward": {
            "snapshot_id": str(receipt.snapshot_id),
            "deposit_hash": str((snapshot.deposit or {}).get("deposit_hash", "")),
            "asset_id": str(receipt.asset_id),
            "amount": _text(receipt.amount),
            "decimals": min(campaign.fund_token_decimals, 8),
        },
        "fee_bps": settings.CAMPAIGN_REWARD_FEE_BPS,
        "fills": [
            {
                "trade_id": f.trade_id,
                "order_id": str(f.tracked_order.order_id),
                "user_id": str(f.tracked_order.order.user_id),
                "side": f.side,
                "is_maker": f.is_maker,
                "price": _text(f.price),
                "amount": _text(f.amount),
                "traded_at": f.traded_at.isoformat(),
                "account": str(f.tracked_order.api_key_id),
            }
            for f in fills
        ],
        "quotes": [
            {
                "quote_id": q.client_order_id,
                "account": str(q.api_key_id),
                "side": q.side,
                "price": _text(q.price),
                "amount": _text(q.amount),
                "filled": _text(q.filled_amount),
                "status": q.status,
                "placed_at": q.created_at.isoformat(),
                "ended_at": q.updated_at.isoformat() if q.status in FINAL_STATUSES else None,
            }
            for q in quotes
        ],
        "abuse_thresholds": THRESHOLDS,
    }


def reward_allocate(*, receipt_id: int) -> RewardReceipt:
    """Write the manifest once, then book and pay each share once."""
    with transaction.atomic():
        receipt = RewardReceipt.objects.select_for_update().get(pk=receipt_id)
        if not receipt.manifest_json:
            body = manifest_build(reward_inputs(receipt=receipt))
            receipt.manifest_json = body.decode()
            receipt.manifest_sha256 = manifest_sha256(body)
            receipt.save(update_fields=["manifest_json", "manifest_sha256"])
    outputs = json.loads(receipt.manifest_json)["outputs"]
    with context.bound(trace_id=receipt.trace_id, campaign_id=receipt.campaign.key):
        with transaction.atomic():
            _book_fee(receipt, Decimal(outputs["platform_fee"]) + _kept(outputs))
            for share in outputs["allocations"]:
                _book_share(receipt, share)
            RewardReceipt.objects.filter(pk=receipt.pk).update(state=RewardReceipt.State.ALLOCATED)
    receipt.refresh_from_db()
    return receipt


def _kept(outputs: dict) -> Decimal:
    remainder = outputs["remainder"]
    return Decimal(remainder["amount"]) if not remainder["order_id"] else Decimal(0)


def _book_fee(receipt: RewardReceipt, amount: Decimal) -> None:
    if amount <= 0:
        return
    ledger_post(
        idempotency_key=f"reward:{receipt.snapshot_id}:platform",
        code=Transaction.Code.REWARD_CREDIT,
        entries=[
            Leg(account=system_account(asset=receipt.asset_id, purpose="external"), amount=-amount),
            Leg(account=system_account(asset=receipt.asset_id, purpose="revenue"), amount=amount),
        ],
        trace_id=receipt.trace_id,
        ref=f"snapshot:{receipt.snapshot_id}",
    )


def _book_share(receipt: RewardReceipt, share: dict) -> None:
    amount = Decimal(share["amount"])
    order = MarketMakingOrder.objects.select_related("user__mixin").get(pk=share["order_id"])
    key = f"reward:{receipt.snapshot_id}:order:{order.pk}"
    allocation, _ = RewardAllocation.objects.get_or_create(
        receipt=receipt,
        order=order,
        defaults={
            "user": order.user,
            "score": Decimal(share["score"]),
            "amount": amount,
            "idempotency_key": key,
        },
    )
    if amount <= 0 or allocation.payout_key:
        return
    owner = account_get_or_create(
        owner_kind=Account.OwnerKind.USER,
        owner_id=str(order.user_id),
        asset=receipt.asset_id,
        purpose="available",
    )
    ledger_post(
        idempotency_key=key,
        code=Transaction.Code.REWARD_CREDIT,
        entries=[
            Leg(account=system_account(asset=receipt.asset_id, purpose="external"), amount=-amount),
            Leg(account=owner, amount=amount),
        ],
        trace_id=receipt.trace_id,
        ref=f"snapshot:{receipt.snapshot_id}",
    )
    payout = payout_create(
        idempotency_key=f"{key}:payout",
        kind=Payout.Kind.PAYOUT,
        source=owner,
        amount=amount,
        receiver_id=order.user.mixin.mixin_user_id,
        reason=f"HuFi reward, campaign {receipt.campaign.key}, {receipt.cycle_from:%Y-%m-%d}",
    )
    RewardAllocation.objects.filter(pk=allocation.pk).update(payout_key=payout.idempotency_key)
    payout_send_enqueue(payout=payout)


def rewards_collect(*, client: HufiApi) -> int:
    """The periodic round: match new rewards, allocate every matched one."""
    rewards_match(client=client)
    pending = list(
        RewardReceipt.objects.filter(state=RewardReceipt.State.MATCHED).values_list("pk", flat=True)
    )
    for receipt_id in pending:
        reward_allocate(receipt_id=receipt_id)
    return len(pending)
