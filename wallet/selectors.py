"""Reads of the wallet's records that other apps (the order flow, reconcile) use."""

import uuid

from django.db.models import QuerySet

from wallet.models import DepositEntry, MixinSnapshot, MixinTransfer


def snapshot_get(*, snapshot_id: uuid.UUID) -> MixinSnapshot:
    return MixinSnapshot.objects.get(snapshot_id=snapshot_id)


def transfer_get_by_key(*, idempotency_key: str) -> MixinTransfer | None:
    return MixinTransfer.objects.filter(idempotency_key=idempotency_key).first()


def withdrawals_awaiting_hash() -> QuerySet[MixinTransfer]:
    """Submitted withdrawals whose chain hash is not known yet (for the monitor job)."""
    return MixinTransfer.objects.filter(
        kind=MixinTransfer.Kind.WITHDRAWAL,
        state=MixinTransfer.State.SUBMITTED,
        withdrawal_hash="",
    ).order_by("submitted_at")


def transfers_unfinished() -> QuerySet[MixinTransfer]:
    """Transfers persisted or registered but not yet submitted (for reconcile)."""
    return MixinTransfer.objects.filter(
        state__in=[MixinTransfer.State.PENDING, MixinTransfer.State.REQUESTED]
    ).order_by("created_at")


def deposit_entry_stored(*, chain_id: uuid.UUID) -> DepositEntry | None:
    return DepositEntry.objects.filter(chain_id=chain_id).first()


def chain_deposits_incoming(
    *, asset_ids: list[uuid.UUID], exclude_snapshot_ids: list[uuid.UUID]
) -> QuerySet[MixinSnapshot]:
    """Deposits from a chain into the bot's wallet (not transfers between Mixin users),
    oldest first: what an upper layer (campaign rewards) matches on its own schedule."""
    return (
        MixinSnapshot.objects.filter(
            direction=MixinSnapshot.Direction.INCOMING,
            asset_id__in=asset_ids,
            deposit__isnull=False,
        )
        .exclude(snapshot_id__in=exclude_snapshot_ids)
        .order_by("mixin_created_at", "id")
    )
