"""Operators: switch joining off globally or per campaign, and set the read-only key each
exchange account hands HuFi. Everything else here is read-only (the sync job, the join
round, the reward pipeline and the launch jobs write it)."""

from django.contrib import admin
from django.http import HttpRequest

from campaigns.models import (
    Campaign,
    CampaignLaunch,
    CampaignLaunchEvent,
    CampaignParticipation,
    HufiIdentity,
    JoinSwitch,
    LaunchWallet,
    RewardAllocation,
    RewardReceipt,
)
from core.admin import ReadOnlyAdmin, ReadOnlyInline


class ParticipationInline(ReadOnlyInline):
    model = CampaignParticipation
    fields = ["identity", "state", "joined_at", "attempts", "last_error", "next_attempt_at"]
    readonly_fields = fields


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "type",
        "exchange_name",
        "symbol",
        "status",
        "end_date",
        "joining_enabled",
    ]
    list_filter = ["status", "type", "exchange_name", "joining_enabled"]
    search_fields = ["address", "symbol"]
    show_full_result_count = False
    inlines = [ParticipationInline]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in Campaign._meta.fields if f.name != "joining_enabled"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(JoinSwitch)
class JoinSwitchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "joining_enabled"]
    fields = ["joining_enabled"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # The one row, and only by holders of the add permission (a view-only operator
        # must not switch joining by creating it).
        return super().has_add_permission(request) and not JoinSwitch.objects.exists()


@admin.register(HufiIdentity)
class HufiIdentityAdmin(admin.ModelAdmin):
    list_display = ["address", "trading_key", "read_key", "read_key_registered"]
    fields = ["address", "trading_key", "read_key", "read_key_registered", "created_at"]
    readonly_fields = ["address", "trading_key", "read_key_registered", "created_at"]
    raw_id_fields = ["read_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RewardReceipt)
class RewardReceiptAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "identity", "cycle_from", "amount", "state", "manifest_sha256"]
    list_filter = ["state"]


@admin.register(RewardAllocation)
class RewardAllocationAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "order", "user", "score", "amount", "payout_key"]


class LaunchEventInline(ReadOnlyInline):
    model = CampaignLaunchEvent
    fields = ["created_at", "from_state", "to_state", "actor", "reason", "data", "trace_id"]
    readonly_fields = fields


@admin.register(CampaignLaunch)
class CampaignLaunchAdmin(ReadOnlyAdmin):
    """Campaigns users created here, with their state and funding; the jobs move them."""

    list_display = [
        "id",
        "created_by",
        "type",
        "symbol",
        "state",
        "funding_method",
        "fund_amount",
        "amount_paid",
        "escrow_address",
        "funding_tx_hash",
        "created_at",
    ]
    list_filter = ["state", "funding_method", "type"]
    search_fields = ["id", "escrow_address", "symbol", "funding_tx_hash"]
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by", "campaign"]
    inlines = [LaunchEventInline]


@admin.register(LaunchWallet)
class LaunchWalletAdmin(ReadOnlyAdmin):
    """The node's EVM wallet that funds Mixin-paid escrows: its address (keep it stocked
    with the reward tokens); the key is never shown."""

    list_display = ["address", "created_at"]
    fields = ["address", "created_at"]
