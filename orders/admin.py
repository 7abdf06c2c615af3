import json
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest

from orders.models import StrategyPreset
from orders.services.strategy import strategy_preset_save
from orders.strategies import StrategyInputError, validate_preset_params


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


# The executor's admin pages (exchange orders, fills, kill switches).
import orders.admin_executor  # noqa: E402, F401
from orders import admin_orders  # noqa: E402, F401 - registers the order admin
