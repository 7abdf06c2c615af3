"""What the orders API answers, declared for the OpenAPI schema (and so for the fuzz test
that holds every answer to it). The views build their bodies in selectors; these
serializers describe them and are not used to render."""

from rest_framework import serializers


class OrderActionAnswerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.CharField()


class OrderListItemSerializer(OrderActionAnswerSerializer):
    pair = serializers.CharField()
    exchange = serializers.CharField()
    base_amount = serializers.CharField()
    quote_amount = serializers.CharField()
    created_at = serializers.DateTimeField()


class AssetAmountSerializer(serializers.Serializer):
    asset_id = serializers.UUIDField()
    amount = serializers.CharField()


class InvoiceLineSerializer(AssetAmountSerializer):
    purpose = serializers.CharField()


class PaymentEntrySerializer(InvoiceLineSerializer):
    paid = serializers.CharField()
    trace_id = serializers.UUIDField()


class PaymentSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The Mixin invoice link that pays every entry.")
    entries = PaymentEntrySerializer(many=True)


class OrderCreatedSerializer(OrderActionAnswerSerializer):
    memo = serializers.CharField()
    payment = PaymentSerializer()
    expires_at = serializers.DateTimeField()
    trace_id = serializers.CharField()


class PairDisplaySerializer(serializers.Serializer):
    symbol = serializers.CharField()
    base_symbol = serializers.CharField()
    quote_symbol = serializers.CharField()
    price_precision = serializers.IntegerField()
    amount_precision = serializers.IntegerField()


class OrderPairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    symbol = serializers.CharField()
    exchange = serializers.CharField()


class OrderLegSerializer(serializers.Serializer):
    leg = serializers.CharField()
    asset_id = serializers.UUIDField()
    amount = serializers.CharField()
    network = serializers.CharField()
    withdrawal_fee = serializers.CharField()
    withdrawal_hash = serializers.CharField()
    exchange_deposit_ref = serializers.CharField()
    deposited_amount = serializers.CharField(allow_null=True)
    exit_amount = serializers.CharField(allow_null=True)
    exit_withdrawal_id = serializers.CharField()
    exit_tx_hash = serializers.CharField()
    returned_amount = serializers.CharField(allow_null=True)


class OrderBalanceSerializer(serializers.Serializer):
    available = serializers.CharField()
    in_transit = serializers.CharField()
    on_exchange = serializers.CharField()
    locked = serializers.CharField()
    fees_paid = serializers.CharField()


class PayoutSerializer(AssetAmountSerializer):
    kind = serializers.CharField()
    status = serializers.CharField()


class OrderPayoutSerializer(PayoutSerializer):
    reason = serializers.CharField()


class TimelineLineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()
    count = serializers.IntegerField()
    source = serializers.ChoiceField(choices=["order", "executor"])
    kind = serializers.CharField()
    # "from" is a Python keyword: declared through the serializer's field map below.
    to = serializers.CharField()
    actor = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.JSONField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.CharField()
        return fields


class TimelinePageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_more = serializers.BooleanField()


class OrderDetailSerializer(OrderCreatedSerializer):
    pair = OrderPairSerializer()
    preset = serializers.CharField()
    overrides = serializers.DictField()
    config_hash = serializers.CharField()
    base_amount = serializers.CharField()
    quote_amount = serializers.CharField()
    lifecycle_error = serializers.CharField()
    attention = serializers.CharField()
    created_at = serializers.DateTimeField()
    legs = OrderLegSerializer(many=True)
    balances = serializers.DictField(child=OrderBalanceSerializer())
    payouts = OrderPayoutSerializer(many=True)
    timeline = TimelineLineSerializer(many=True)
    timeline_page = TimelinePageSerializer()


class PairSerializer(OrderPairSerializer, PairDisplaySerializer):
    base_asset_id = serializers.UUIDField()
    quote_asset_id = serializers.UUIDField()
    base_chain_id = serializers.UUIDField()
    quote_chain_id = serializers.UUIDField()
    min_order_amount = serializers.CharField()
    max_order_amount = serializers.CharField(allow_null=True)
