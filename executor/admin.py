"""Admin for the executor: its exchange orders, fills and events (read-only), each order's
executor state with a kill-switch reset, and the global kill switch behind its own
permission."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from core.admin import ReadOnlyAdmin, amount_column, audited_action, short_column
from executor.models import (
    ExchangeFill,
    ExecutorEvent,
    ExecutorState,
    GlobalKillSwitch,
    TrackedOrder,
)
from executor.services import global_kill_switch_set, order_kill_switch_reset


@admin.register(TrackedOrder)
class TrackedOrderAdmin(ReadOnlyAdmin):
    list_display = [
        "client_order_id",
        short_column("order_id"),
        "side",
        amount_column("price", places=lambda tracked: tracked.order.pair.price_precision),
        amount_column("amount", places=lambda tracked: tracked.order.pair.amount_precision),
        amount_column("filled_amount", places=lambda tracked: tracked.order.pair.amount_precision),
        "status",
        "updated_at",
    ]
    list_filter = ["status", "side", "released"]
    search_fields = ["client_order_id", "exchange_order_id", "order__id"]
    list_select_related = ["order__pair"]
    raw_id_fields = ["order", "api_key"]


@admin.register(ExchangeFill)
class ExchangeFillAdmin(ReadOnlyAdmin):
    list_display = [
        "trade_id",
        "tracked_order",
        "side",
        amount_column("price", places=lambda fill: fill.tracked_order.order.pair.price_precision),
        amount_column("amount", places=lambda fill: fill.tracked_order.order.pair.amount_precision),
        "fee",
        "fee_asset",
    ]
    search_fields = ["trade_id", "tracked_order__client_order_id"]
    list_select_related = ["tracked_order__order__pair"]
    raw_id_fields = ["tracked_order", "exchange"]


@admin.register(ExecutorEvent)
class ExecutorEventAdmin(ReadOnlyAdmin):
    list_display = ["first_at", short_column("order_id"), "kind", "count", "actor", "reason"]
    list_filter = ["kind"]
    search_fields = ["order__id", "trace_id"]
    raw_id_fields = ["order"]


@audited_action(description="Reset the kill switch (the order quotes again)", permissions=["reset"])
def reset_kill_switch(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    for state in queryset.filter(kill_switch_tripped=True):
        order_kill_switch_reset(
            order_id=state.order_id, user=request.user, reason="reset by an operator in the admin"
        )
    messages.success(request, "Kill switches reset.")


@admin.register(ExecutorState)
class ExecutorStateAdmin(ReadOnlyAdmin):
    list_display = [
        short_column("order_id"),
        "quoting",
        "kill_switch_tripped",
        "kill_switch_reason",
        amount_column("last_reference_price", places=lambda state: state.pair.price_precision),
        "last_tick_at",
    ]
    list_filter = ["quoting", "kill_switch_tripped", "market_data_stale"]
    list_select_related = ["order", "pair"]
    raw_id_fields = ["order"]
    actions = [reset_kill_switch]

    def has_reset_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("executor.change_executorstate")


class GlobalKillSwitchForm(forms.ModelForm):
    reason = forms.CharField(widget=forms.Textarea, help_text="Why it changes (on the record).")

    class Meta:
        model = GlobalKillSwitch
        fields = ["engaged", "reason"]


@admin.register(GlobalKillSwitch)
class GlobalKillSwitchAdmin(admin.ModelAdmin):
    form = GlobalKillSwitchForm
    list_display = ["__str__", "reason", "changed_by", "changed_at"]
    readonly_fields = ["changed_by", "changed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.has_perm("executor.toggle_global_kill_switch")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):  # noqa: ANN201
        """The one switch's page. Only who may toggle it writes its row the first time;
        anyone else reads that it was never engaged."""
        switch = GlobalKillSwitch.objects.filter(pk=GlobalKillSwitch.SINGLETON_ID).first()
        if switch is None and self.has_change_permission(request):
            switch, _ = GlobalKillSwitch.objects.get_or_create(pk=GlobalKillSwitch.SINGLETON_ID)
        if switch is None:
            messages.info(request, "The global kill switch has never been engaged.")
            return HttpResponseRedirect(reverse("admin:index"))
        return HttpResponseRedirect(
            reverse("admin:executor_globalkillswitch_change", args=[switch.pk])
        )

    def save_model(
        self, request: HttpRequest, obj: GlobalKillSwitch, form: forms.ModelForm, change: bool
    ) -> None:
        global_kill_switch_set(
            engaged=form.cleaned_data["engaged"],
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
