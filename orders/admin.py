"""The operators' views of market-making orders and strategy presets: read-only facts, a few
audited actions, presets validated on save."""

import json
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from core.admin import (
    BigTableAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    amount_column,
    audited_action,
    short_column,
)
from core.errors import ApplicationError
from core.money import ASSET_PLACES
from orders.models import (
    FundsLoopConfig,
    MarketMakingOrder,
    OrderLeg,
    PaymentEntry,
    Payout,
    StrategyPreset,
)
from orders.selectors import TIMELINE_PAGE_SIZE, order_timeline
from orders.services.recovery import order_recovery_refund, order_withdrawal_queue
from orders.services.strategy import strategy_preset_save
from strategy import StrategyInputError, validate_preset_params


class DecimalJSONDecoder(json.JSONDecoder):
    """Numbers typed in the admin stay exact: 0.01 becomes Decimal("0.01"), not a float."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["parse_float"] = Decimal
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class StrategyPresetForm(forms.ModelForm):
    # Re-rendered after an error, exact decimals show as strings.
    params = forms.JSONField(decoder=DecimalJSONDecoder, encoder=DjangoJSONEncoder)
    required_overrides = forms.JSONField(required=False)

    class Meta:
        model = StrategyPreset
        fields = [
            "name",
            "title",
            "enabled",
            "position",
            "rationale",
            "params",
            "required_overrides",
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        required = cleaned.get("required_overrides") or []
        if not isinstance(required, list) or not all(isinstance(n, str) for n in required):
            self.add_error("required_overrides", "A JSON list of parameter names.")
            return cleaned
        cleaned["required_overrides"] = required
        if "params" in cleaned:
            try:
                cleaned["params"] = validate_preset_params(
                    cleaned["params"], required_overrides=required
                )
            except StrategyInputError as error:
                for name, messages in error.errors.items():
                    self.add_error("params", f"{name}: {' '.join(messages)}")
        return cleaned


@admin.register(StrategyPreset)
class StrategyPresetAdmin(admin.ModelAdmin):
    form = StrategyPresetForm
    list_display = ["title", "name", "enabled", "position", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["name", "title"]
    ordering = ["position", "name"]
    fields = ["name", "title", "enabled", "position", "rationale", "params", "required_overrides"]

    def save_model(self, request: HttpRequest, obj: StrategyPreset, form, change: bool) -> None:
        strategy_preset_save(preset=obj)


class OrderLegInline(ReadOnlyInline):
    model = OrderLeg
    fields = [
        "leg",
        "amount",
        "network",
        "withdrawal_hash",
        "exchange_deposit_ref",
        "deposited_amount",
        "exit_amount",
        "exit_withdrawal_id",
        "exit_tx_hash",
        "returned_amount",
    ]
    readonly_fields = fields


class PaymentEntryInline(ReadOnlyInline):
    model = PaymentEntry
    fields = ["purpose", "asset_id", "due", "paid", "trace_id"]
    readonly_fields = fields
    due = amount_column("amount_due", places=ASSET_PLACES, description="due")
    paid = amount_column("amount_paid", places=ASSET_PLACES, description="paid")


class PayoutInline(ReadOnlyInline):
    model = Payout
    fields = ["kind", "asset_id", "amount_shown", "status", "reason", "error", "sent_at"]
    readonly_fields = fields
    amount_shown = amount_column("amount", places=ASSET_PLACES)


def _operator(request: HttpRequest) -> str:
    return f"operator:{request.user.pk}"


@admin.register(MarketMakingOrder)
class MarketMakingOrderAdmin(BigTableAdmin):
    list_display = [
        short_column("id"),
        "state",
        "pair",
        "user",
        amount_column("base_amount", places=lambda order: order.pair.amount_precision),
        amount_column("quote_amount", places=ASSET_PLACES),
        "attention",
    ]
    list_filter = ["state", "pair__exchange", "pair"]
    search_fields = ["id", "memo", "trace_id", "user__username"]
    list_select_related = ["pair__exchange", "user"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "id",
        "state",
        "user",
        "pair",
        "api_key",
        "strategy_preset",
        "strategy_overrides",
        "frozen_config",
        "config_hash",
        "base_amount",
        "quote_amount",
        "memo",
        "expires_at",
        "lifecycle_error",
        "attention",
        "trace_id",
        "created_at",
        "state_changed_at",
        "timeline",
    ]
    inlines = [PaymentEntryInline, OrderLegInline, PayoutInline]
    actions = ["queue_withdrawal", "approve_recovery_refund"]

    # Orders change through their services only; the actions below are the operators' part.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=f"Timeline (newest first, the latest {TIMELINE_PAGE_SIZE})")
    def timeline(self, order: MarketMakingOrder) -> str:
        """The order's events and its executor's, merged as on the order page."""
        lines = order_timeline(order=order)["events"]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    line["at"],
                    f"{line['from'] or '·'} → {line['to']}" if line["to"] else line["kind"],
                    "" if line["count"] == 1 else f"×{line['count']} until {line['last_at']}",
                    line["actor"],
                    line["reason"],
                    json.dumps(line["data"]) if line["data"] else "",
                )
                for line in lines
            ),
        )
        return format_html(
            "<table><tr><th>When</th><th>What</th><th>Repeated</th><th>Who</th><th>Why</th>"
            "<th>Data</th></tr>{}</table>",
            rows,
        )

    @audited_action(
        description="Queue the withdrawal to the exchange (paid orders)",
        permissions=["queue_withdrawal"],
    )
    def queue_withdrawal(self, request: HttpRequest, queryset: QuerySet[MarketMakingOrder]) -> None:
        self._each(request, queryset, order_withdrawal_queue)

    @audited_action(
        description="Approve recovery: refund a failed order's wallet funds",
        permissions=["approve_recovery"],
    )
    def approve_recovery_refund(
        self, request: HttpRequest, queryset: QuerySet[MarketMakingOrder]
    ) -> None:
        self._each(request, queryset, order_recovery_refund)

    def has_queue_withdrawal_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("orders.change_marketmakingorder")

    def has_approve_recovery_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("orders.approve_recovery")

    def _each(self, request: HttpRequest, queryset, action) -> None:
        for order in queryset:
            try:
                action(order_id=order.pk, operator=_operator(request))
            except ApplicationError as error:
                self.message_user(request, f"{order.pk}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{order.pk}: done")


@admin.register(FundsLoopConfig)
class FundsLoopConfigAdmin(admin.ModelAdmin):
    list_display = [
        "queue_withdraw_on_payment_complete",
        "withdraw_to_exchange_enabled",
        "market_making_fee_rate",
        "payment_window_seconds",
        "updated_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row; who may add it still needs the model's add permission.
        return super().has_add_permission(request) and not FundsLoopConfig.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = [
        "idempotency_key",
        "kind",
        "asset_id",
        amount_column("amount", places=ASSET_PLACES),
        "status",
        "reason",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["idempotency_key", "receiver_id", "order__id", "snapshot_id"]
