"""The shapes of the reports API's answers, as the OpenAPI schema declares them (the order
page reads them): an order's PnL and activity (reports.pnl.order_figures) and a page of
the order's lifecycle
(reports.lifecycle.order_lifecycle). Output only: the views pass the selectors' dicts
through unchanged. Amounts are decimal text, times fixed-width UTC text."""

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers


def _amount(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(help_text=kwargs.pop("help_text", "Decimal text."), **kwargs)


def _amount_or_null(help_text: str) -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=help_text)


class BaseQuoteSerializer(serializers.Serializer):
    base = _amount()
    quote = _amount()


class InventorySerializer(serializers.Serializer):
    funded = BaseQuoteSerializer(help_text="What the order put on the exchange.")
    traded = BaseQuoteSerializer(help_text="Funded plus what the fills bought and sold.")
    after_fees = BaseQuoteSerializer(help_text="Traded, less the fees paid in base or quote.")


class MarkSerializer(serializers.Serializer):
    price = _amount()
    at = serializers.CharField(help_text="UTC time of the mid or fill the mark comes from.")
    source = serializers.ChoiceField(choices=["snapshot_mid", "last_fill"])


class FillCountsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    maker_buy = serializers.IntegerField()
    maker_sell = serializers.IntegerField()
    taker_buy = serializers.IntegerField()
    taker_sell = serializers.IntegerField()


class AveragePriceSerializer(serializers.Serializer):
    buy = _amount_or_null("Quote spent / base bought; null without a buy.")
    sell = _amount_or_null("Quote received / base sold; null without a sell.")


class FeesSerializer(serializers.Serializer):
    in_quote = _amount(help_text="Every fee with a rate, in the quote asset.")
    paid = serializers.DictField(child=_amount(), help_text="Fees as paid, per asset.")
    unconverted = serializers.DictField(
        child=_amount(), help_text="Fees in an asset without a rate, left out of in_quote."
    )


class OrderCountsSerializer(serializers.Serializer):
    placed = serializers.IntegerField()
    cancelled = serializers.DictField(child=serializers.IntegerField(), help_text="By reason.")
    rejected = serializers.DictField(child=serializers.IntegerField(), help_text="By error class.")


class ActivitySerializer(serializers.Serializer):
    fills = FillCountsSerializer()
    volume = BaseQuoteSerializer()
    average_price = AveragePriceSerializer()
    fees = FeesSerializer()
    orders = OrderCountsSerializer()


class OrderPnlSerializer(serializers.Serializer):
    """An order's position and PnL over all its fills, valued at the mark (the figures are
    null without a mark), and its activity (docs/reports.md)."""

    methodology = serializers.CharField()
    position_base = _amount(help_text="Net base traded (bought − sold).")
    average_cost = _amount()
    realized_pnl = _amount()
    inventory = InventorySerializer()
    mark = MarkSerializer(allow_null=True)
    unrealized_pnl = _amount_or_null("Position × (mark − average cost).")
    hold_value = _amount_or_null("The funded inventory at the mark.")
    current_value = _amount_or_null("The traded inventory at the mark.")
    trade_pnl = _amount_or_null("current_value − hold_value.")
    total_pnl = _amount_or_null("trade_pnl − fees in quote.")
    activity = ActivitySerializer()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `return` is a Python keyword: it cannot be a class attribute.
        fields["return"] = _amount_or_null("total_pnl / hold_value.")
        return fields


# -- lifecycle ------------------------------------------------------------------------------


class _EventSerializer(serializers.Serializer):
    at = serializers.CharField(help_text="UTC time.")
    kind = serializers.CharField()
    trace_id = serializers.CharField(allow_blank=True)


class _ExchangeOrderFields(_EventSerializer):
    client_order_id = serializers.CharField()
    exchange_order_id = serializers.CharField(allow_blank=True)
    side = serializers.ChoiceField(choices=["buy", "sell"])
    level = serializers.IntegerField()
    price = _amount()
    amount = _amount()


class ExchangeOrderEventSerializer(_ExchangeOrderFields):
    """An exchange order placed (kind `placed`) or ended (kind: its final status, with the
    fields after `amount`)."""

    source = serializers.ChoiceField(choices=["exchange_order"])
    filled_amount = _amount(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    error_class = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    error = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class FillEventSerializer(_EventSerializer):
    source = serializers.ChoiceField(choices=["fill"])
    trade_id = serializers.CharField()
    client_order_id = serializers.CharField()
    exchange_order_id = serializers.CharField(allow_blank=True)
    side = serializers.ChoiceField(choices=["buy", "sell"])
    price = _amount()
    amount = _amount()
    fee = _amount()
    fee_asset = serializers.CharField(allow_blank=True)
    maker = serializers.BooleanField()
    ledger_key = serializers.CharField(allow_blank=True)


class ExecutorEventSerializer(_EventSerializer):
    """An executor event; `count` repeats of it between `at` and `last_at`."""

    source = serializers.ChoiceField(choices=["executor"])
    last_at = serializers.CharField()
    count = serializers.IntegerField()
    actor = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    data = serializers.JSONField()


class OrderEventSerializer(_EventSerializer):
    """A funds-loop transition of the order (`from` → `to`)."""

    source = serializers.ChoiceField(choices=["order"])
    actor = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    data = serializers.JSONField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword: it cannot be a class attribute.
        fields["from"] = serializers.CharField(allow_blank=True)
        fields["to"] = serializers.CharField(allow_blank=True)
        return fields


# A lifecycle event's shape, by its `source`.
LIFECYCLE_EVENTS: dict[str, type[serializers.Serializer]] = {
    "exchange_order": ExchangeOrderEventSerializer,
    "fill": FillEventSerializer,
    "executor": ExecutorEventSerializer,
    "order": OrderEventSerializer,
}


class LifecyclePageSerializer(serializers.Serializer):
    events = serializers.ListField(
        child=PolymorphicProxySerializer(
            component_name="LifecycleEvent",
            serializers=LIFECYCLE_EVENTS,
            resource_type_field_name="source",
        ),
        help_text="Oldest first.",
    )
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    has_more = serializers.BooleanField()


class ProofAnswerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    proof_public = serializers.BooleanField()
