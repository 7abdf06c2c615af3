import json
from collections.abc import Mapping
from decimal import Decimal

from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

from core.errors import ApplicationError
from core.money import money_from_input
from core.numbers import DECIMAL_TEXT, decimal_from_input, decimal_plain_text
from orders.models import StrategyPreset


class DecimalJSONParser(JSONParser):
    """JSON numbers arrive as Decimal, never float: 0.1 stays exactly 0.1."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return json.loads(stream.read().decode(encoding), parse_float=Decimal)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error


# An amount in the schema: plain decimal text or a JSON number (core.numbers).
AMOUNT_SCHEMA = {
    "oneOf": [
        {"type": "string", "pattern": f"^{DECIMAL_TEXT.pattern}$", "maxLength": 80},
        {"type": "number"},
    ]
}
IDEMPOTENCY_KEY_MAX_LENGTH = 100


def idempotency_key_optional(request: Request) -> str | None:
    """The request's Idempotency-Key header, when it sends one."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ApplicationError(
            f"An Idempotency-Key is 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters.",
            code="invalid",
            detail={"Idempotency-Key": ["1 to 100 characters"]},
        )
    return key


def amount_from_input(data: object) -> Decimal:
    try:
        return money_from_input(data)
    except ValueError as error:
        raise serializers.ValidationError(str(error)) from None


def _json_safe(value: object, path: str) -> object:
    """JSON numbers arrive as Decimal; they are stored as their plain decimal text, which
    the strategy reads exactly (a JSON column cannot hold a Decimal)."""
    if isinstance(value, Decimal):
        try:
            return decimal_plain_text(decimal_from_input(value))
        except ValueError as error:
            raise serializers.ValidationError({path: [str(error)]}) from None
    if isinstance(value, Mapping):
        return {key: _json_safe(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return value


class OverridesField(serializers.DictField):
    """Strategy overrides: values go to the strategy's own validation, JSON numbers as
    their exact decimal text."""

    def to_internal_value(self, data: object) -> dict:
        values = super().to_internal_value(data)
        return {key: _json_safe(value, key) for key, value in values.items()}


class PresetOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategyPreset
        fields = ["name", "title", "rationale", "params", "required_overrides"]


class ParameterBoundSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    required = serializers.BooleanField()
    default = serializers.JSONField(allow_null=True)
    description = serializers.CharField()
    minimum = serializers.JSONField(required=False)
    maximum = serializers.JSONField(required=False)
    exclusive_minimum = serializers.JSONField(required=False)
    exclusive_maximum = serializers.JSONField(required=False)
    nullable = serializers.BooleanField(required=False)
    choices = serializers.ListField(child=serializers.CharField(), required=False)


class PresetListOutputSerializer(serializers.Serializer):
    parameters = ParameterBoundSerializer(many=True)
    presets = PresetOutputSerializer(many=True)


class PreviewInputSerializer(serializers.Serializer):
    preset = serializers.SlugField(required=False, allow_null=True, default=None)
    overrides = OverridesField(required=False, default=dict)
    market = serializers.DictField()
    balances = serializers.DictField(required=False, allow_null=True, default=None)


class PreviewQuoteSerializer(serializers.Serializer):
    side = serializers.CharField()
    price = serializers.CharField()
    amount = serializers.CharField()
    level = serializers.IntegerField()


class PreviewDroppedSerializer(serializers.Serializer):
    side = serializers.CharField()
    level = serializers.IntegerField()
    reason = serializers.CharField()


class PreviewOutputSerializer(serializers.Serializer):
    reference_price = serializers.CharField(allow_null=True)
    orders = PreviewQuoteSerializer(many=True)
    dropped = PreviewDroppedSerializer(many=True)
    config_hash = serializers.CharField()
    params = serializers.DictField()
