from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import amount_column, audited_action
from core.money import decimal_text
from exchanges.models import Exchange, ExchangeAPIKey, NetworkMapping, TradingPair
from exchanges.services import (
    api_key_request_validation,
    api_key_set_secret,
    api_keys_revalidate_unknown,
)


class PlainDecimalsForm(forms.ModelForm):
    """Amounts and rates shown as typed ("0.1"), not with every stored place."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, value in self.initial.items():
            if isinstance(value, Decimal):
                self.initial[name] = decimal_text(value)


class ExchangeAPIKeyForm(forms.ModelForm):
    """The secret is write-only: typed once, stored encrypted, never rendered back."""

    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        strip=False,
        help_text=_("Write-only. Leave empty to keep the stored secret."),
    )

    class Meta:
        model = ExchangeAPIKey
        fields = ["label", "api_key", "secret", "permission", "enabled"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("secret") and cleaned.get("api_key"):
            self.add_error("secret", _("A new key needs its secret."))
        return cleaned

    def save(self, commit: bool = True) -> ExchangeAPIKey:
        secret = self.cleaned_data.get("secret")
        self.secret_changed = bool(secret)
        if secret:
            api_key_set_secret(api_key=self.instance, secret=secret)
        return super().save(commit=commit)


class UsePermissionsShown:
    @admin.display(description="permissions its use needs")
    def use_permissions_shown(self, api_key: ExchangeAPIKey) -> str:
        """Each permission the key's use needs: granted, refused or unknown (which blocks
        like refused: exchanges.permission_rule)."""
        states = api_key.use_permissions().as_states()
        return ", ".join(f"{name} {state}" for name, state in states.items())


class ExchangeAPIKeyInline(UsePermissionsShown, admin.StackedInline):
    model = ExchangeAPIKey
    form = ExchangeAPIKeyForm
    extra = 0
    readonly_fields = [
        "validation_status",
        "validation_error",
        "validated_at",
        "can_trade",
        "use_permissions_shown",
    ]
    fields = [
        ("label", "permission", "enabled"),
        "api_key",
        "secret",
        ("validation_status", "validated_at", "can_trade"),
        "use_permissions_shown",
        "validation_error",
    ]


class NetworkMappingInline(admin.StackedInline):
    # Stacked: each field keeps its own label (a tabular row has only column headers,
    # which screen readers do not tie to the inputs).
    model = NetworkMapping
    extra = 0


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    form = PlainDecimalsForm
    list_display = ["name", "ccxt_id", "enabled", "maker_fee_rate", "taker_fee_rate"]
    list_filter = ["enabled", "ccxt_id"]
    search_fields = ["name", "ccxt_id"]
    inlines = [ExchangeAPIKeyInline, NetworkMappingInline]

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if getattr(inline_form, "secret_changed", False):
                api_key_request_validation(api_key=inline_form.instance)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A new network mapping may be the route a key's deposit address needed.
        api_keys_revalidate_unknown(exchange=form.instance)


@admin.register(ExchangeAPIKey)
class ExchangeAPIKeyAdmin(UsePermissionsShown, admin.ModelAdmin):
    """A read-only list across exchanges; keys are added and edited on their exchange."""

    list_display = [
        "label",
        "exchange",
        "api_key_hint",
        "permission",
        "enabled",
        "validation_status",
        "validated_at",
    ]
    list_filter = ["exchange", "validation_status", "permission", "enabled"]
    search_fields = ["label"]
    list_select_related = ["exchange"]
    fields = [
        "exchange",
        "label",
        "api_key_hint",
        "permission",
        "enabled",
        "validation_status",
        "validation_error",
        "validated_at",
        "can_trade",
        "use_permissions_shown",
    ]
    readonly_fields = fields
    actions = ["validate_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        where = _("Keys are added and edited on their exchange's page: Exchanges → the exchange.")
        return super().changelist_view(request, {"subtitle": where, **(extra_context or {})})

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_validate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("exchanges.change_exchangeapikey")

    @audited_action(
        description="Validate the selected keys with their exchange now", permissions=["validate"]
    )
    def validate_now(self, request: HttpRequest, queryset: QuerySet[ExchangeAPIKey]) -> None:
        for api_key in queryset:
            api_key_request_validation(api_key=api_key)
        self.message_user(request, f"Validation queued for {queryset.count()} key(s).")


@admin.register(TradingPair)
class TradingPairAdmin(admin.ModelAdmin):
    form = PlainDecimalsForm
    list_display = [
        "symbol",
        "exchange",
        "kind",
        "enabled",
        amount_column("min_order_amount", places=lambda pair: pair.amount_precision),
        amount_column("max_order_amount", places=lambda pair: pair.amount_precision),
        "price_precision",
        "amount_precision",
    ]
    list_filter = ["exchange", "enabled", "kind"]
    search_fields = ["symbol", "base_symbol", "quote_symbol", "base_asset_id", "quote_asset_id"]
    list_select_related = ["exchange"]
    sortable_by = ["symbol", "exchange", "kind", "enabled", "min_order_amount_shown"]
    ordering = ["exchange__name", "symbol"]

    def save_model(self, request: HttpRequest, obj: TradingPair, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The pair's chains are routes for the exchange's keys' deposit address check.
        api_keys_revalidate_unknown(exchange=obj.exchange)


@admin.register(NetworkMapping)
class NetworkMappingAdmin(admin.ModelAdmin):
    list_display = ["exchange", "chain_name", "chain_id", "network_code"]
    list_filter = ["exchange"]
    search_fields = ["chain_name", "network_code", "chain_id"]
    list_select_related = ["exchange"]
