import json
from decimal import Decimal

from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from orders.models import StrategyPreset


class DecimalJSONParser(JSONParser):
    """JSON numbers arrive as Decimal, never float: 0.1 stays exactly 0.1."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return json.loads(stream.read().decode(encoding), parse_float=Decimal)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error


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
    overrides = serializers.DictField(required=False, default=dict)
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
