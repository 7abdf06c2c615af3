"""Shapes of the campaign creation API: the create body (kept loose, so the service can
name every problem under its field at once) and the launch as the pages read it."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import CampaignLaunch, LaunchState

TEXT = {"required": False, "allow_blank": True, "max_length": 100}


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "array", "items": {}}]}
)
class RawField(serializers.Field):
    """A value as sent (numbers as exact Decimals): the service checks it with the others."""

    def to_internal_value(self, data: object) -> object:
        return data

    def to_representation(self, value: object) -> object:
        return value


class LaunchCreateInputSerializer(serializers.Serializer):
    type = serializers.CharField(**TEXT, help_text="MARKET_MAKING, HOLDING, THRESHOLD, …")
    exchange = serializers.CharField(**TEXT, help_text="The exchange's ccxt id.")
    pair = serializers.CharField(**TEXT, help_text="BASE/QUOTE (market-making types).")
    symbol = serializers.CharField(**TEXT, help_text="One token (holding types).")
    daily_volume_target = RawField(required=False, help_text="Quote units a day.")
    minimum_volume_required = RawField(required=False, help_text="Quote units.")
    minimum_volume_target = RawField(required=False, help_text="Quote units.")
    daily_balance_target = RawField(required=False, help_text="Token units.")
    minimum_balance_target = RawField(required=False, help_text="Token units.")
    max_participants = RawField(required=False, help_text="An integer ≥ 1.")
    rewards_distribution = RawField(
        required=False, help_text="Percents per rank, ≥ 1 each, summing to 100."
    )
    start_date = serializers.CharField(**TEXT, help_text="ISO 8601 with a zone.")
    end_date = serializers.CharField(**TEXT, help_text="ISO 8601 with a zone.")
    chain_id = RawField(required=False, help_text="137 Polygon, 1 Ethereum.")
    fund_token = serializers.CharField(**TEXT, help_text="The reward token's symbol.")
    fund_amount = RawField(required=False, help_text="Decimal text, token units.")
    funding_method = serializers.CharField(**TEXT, help_text="evm or mixin.")
    funder_address = serializers.CharField(**TEXT, help_text="EVM: your wallet (optional).")


class LaunchEscrowSerializer(serializers.Serializer):
    chain_id = serializers.IntegerField()
    address = serializers.CharField(help_text="Send exactly `amount` of the token here.")
    amount = serializers.CharField()
    token_symbol = serializers.CharField()
    token_decimals = serializers.IntegerField()


class LaunchPaymentSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="Mixin's pay URL of the invoice (for a QR code).")
    pay_link = serializers.CharField(help_text="Where a browser goes to pay it.")
    asset_id = serializers.UUIDField()
    amount = serializers.CharField()
    amount_paid = serializers.CharField()
    trace_id = serializers.UUIDField()


class LaunchEventSerializer(serializers.Serializer):
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class LaunchSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=LaunchState.choices)
    state_label = serializers.CharField(help_text="The state in words, in the reader's language.")
    type = serializers.CharField()
    exchange = serializers.CharField()
    market_field = serializers.CharField(help_text="pair or symbol, by type.")
    symbol = serializers.CharField()
    details = serializers.DictField(help_text="The type's own manifest fields.")
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField()
    chain_id = serializers.IntegerField()
    fund_token_symbol = serializers.CharField()
    fund_token_decimals = serializers.IntegerField()
    fund_amount = serializers.CharField()
    funding_method = serializers.ChoiceField(choices=CampaignLaunch.Method.choices)
    funder_address = serializers.CharField()
    escrow = LaunchEscrowSerializer(allow_null=True)
    payment = LaunchPaymentSerializer(allow_null=True)
    funding_tx_hash = serializers.CharField()
    last_error = serializers.CharField()
    expires_at = serializers.DateTimeField()
    campaign_key = serializers.CharField(help_text="The live campaign, once synced.")
    created_at = serializers.DateTimeField()
    events = LaunchEventSerializer(many=True, help_text="Newest first.")
