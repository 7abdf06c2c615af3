"""Read-only views of the wallet's records: they are written by services, never by hand."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, amount_column, short_column
from core.money import ASSET_PLACES
from wallet.models import (
    DepositEntry,
    MixinSnapshot,
    MixinTransfer,
    MixinUser,
    OutputReservation,
    SnapshotCursor,
)


@admin.register(MixinSnapshot)
class MixinSnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "snapshot_id",
        "direction",
        "asset_id",
        amount_column("amount", places=ASSET_PLACES),
        "opponent_id",
        "processing_state",
        "mixin_created_at",
    ]
    list_filter = ["direction", "processing_state"]
    search_fields = ["=snapshot_id", "=opponent_id", "=transaction_hash", "=trace_id"]
    date_hierarchy = "mixin_created_at"


@admin.register(MixinTransfer)
class MixinTransferAdmin(ReadOnlyAdmin):
    list_display = [
        # Keys run to ~90 characters; the start and the hover keep the row on a laptop.
        short_column("idempotency_key", description="idempotency key"),
        "kind",
        "purpose",
        short_column("asset_id", description="asset"),
        amount_column("amount", places=ASSET_PLACES),
        "state",
        "error_reason",
        "created_at",
    ]
    list_filter = ["kind", "purpose", "state", "error_reason"]
    search_fields = ["=idempotency_key", "=request_id", "=kernel_hash", "=trace_id"]


@admin.register(DepositEntry)
class DepositEntryAdmin(ReadOnlyAdmin):
    list_display = ["chain_id", "destination", "tag", "fetched_at"]


@admin.register(MixinUser)
class MixinUserAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "identity_number", "mixin_user_id", "user", "last_login_at"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    search_fields = ["=mixin_user_id", "identity_number", "full_name"]


@admin.register(SnapshotCursor)
class SnapshotCursorAdmin(ReadOnlyAdmin):
    list_display = ["name", "offset", "updated_at"]


@admin.register(OutputReservation)
class OutputReservationAdmin(ReadOnlyAdmin):
    list_display = ["output_key", "transfer", "created_at"]
    list_select_related = ["transfer"]
