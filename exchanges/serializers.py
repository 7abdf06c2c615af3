from rest_framework import serializers

from exchanges.models import Exchange, ExchangeAPIKey


class ExchangeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exchange
        fields = ["id", "name", "ccxt_id", "enabled", "maker_fee_rate", "taker_fee_rate"]


class APIKeyOutputSerializer(serializers.ModelSerializer):
    """What may be said about a stored key: never its secret, only a hint of its key."""

    class Meta:
        model = ExchangeAPIKey
        fields = [
            "id",
            "exchange",
            "label",
            "api_key_hint",
            "permission",
            "enabled",
            "validation_status",
            "validation_error",
            "validated_at",
            "can_trade",
            "permission_report",
            "created_at",
        ]


class APIKeyCreateInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100)
    api_key = serializers.CharField(max_length=200)
    secret = serializers.CharField(max_length=500, write_only=True, trim_whitespace=False)
    permission = serializers.ChoiceField(
        choices=ExchangeAPIKey.Permission.choices, default=ExchangeAPIKey.Permission.READ_TRADE
    )
