"""What the reports API answers, declared for the OpenAPI schema (the order page reads the
PnL and the proof switch's answer). Built in reports.pnl; these describe, never render."""

from rest_framework import serializers


class BaseQuoteSerializer(serializers.Serializer):
    base = serializers.CharField()
    quote = serializers.CharField()


class InventoryFiguresSerializer(serializers.Serializer):
    funded = BaseQuoteSerializer()
    traded = BaseQuoteSerializer()
    after_fees = BaseQuoteSerializer()


class MarkSerializer(serializers.Serializer):
    price = serializers.CharField()
    at = serializers.CharField()
    source = serializers.ChoiceField(choices=["snapshot_mid", "last_fill"])


class FillCountsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    maker_buy = serializers.IntegerField()
    maker_sell = serializers.IntegerField()
    taker_buy = serializers.IntegerField()
    taker_sell = serializers.IntegerField()


class AveragePriceSerializer(serializers.Serializer):
    buy = serializers.CharField(allow_null=True)
    sell = serializers.CharField(allow_null=True)


class FeesSerializer(serializers.Serializer):
    in_quote = serializers.CharField()
    paid = serializers.DictField(child=serializers.CharField(), help_text="Per fee asset.")
    unconverted = serializers.DictField(
        child=serializers.CharField(), help_text="Fee assets without a rate: left out."
    )


class OrderCountsSerializer(serializers.Serializer):
    placed = serializers.IntegerField()
    cancelled = serializers.DictField(child=serializers.IntegerField(), help_text="By reason.")
    rejected = serializers.DictField(child=serializers.IntegerField(), help_text="By error.")


class ActivitySerializer(serializers.Serializer):
    fills = FillCountsSerializer()
    volume = BaseQuoteSerializer()
    average_price = AveragePriceSerializer()
    fees = FeesSerializer()
    orders = OrderCountsSerializer()


def _pnl(help_text: str) -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=help_text)


class OrderPnlSerializer(serializers.Serializer):
    """docs/reports.md: realized by average cost, unrealized at the mark, and the
    comparison with holding the funded inventory; amounts in quote."""

    methodology = serializers.CharField()
    position_base = serializers.CharField()
    average_cost = serializers.CharField()
    realized_pnl = serializers.CharField()
    inventory = InventoryFiguresSerializer()
    mark = MarkSerializer(allow_null=True)
    unrealized_pnl = _pnl("At the mark; null without one.")
    hold_value = _pnl("The funded inventory at the mark.")
    current_value = _pnl("The inventory now at the mark.")
    trade_pnl = _pnl("current − hold.")
    total_pnl = _pnl("trade PnL − fees in quote.")
    activity = ActivitySerializer()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["return"] = _pnl("total PnL / hold value.")  # a Python keyword
        return fields


class ProofAnswerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    proof_public = serializers.BooleanField()
