"""The campaign API's output shapes (the pages read the same)."""

from rest_framework import serializers


class CampaignFilterSerializer(serializers.Serializer):
    exchange = serializers.CharField(required=False, max_length=50)
    pair = serializers.CharField(required=False, max_length=50)
    type = serializers.CharField(required=False, max_length=40)
    status = serializers.CharField(required=False, max_length=20)
    chain_id = serializers.IntegerField(required=False, min_value=1)


class CampaignSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="{chain_id}-{address}, the id in URLs.")
    chain_id = serializers.IntegerField()
    address = serializers.CharField()
    type = serializers.CharField()
    exchange_name = serializers.CharField()
    symbol = serializers.CharField()
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField()
    status = serializers.CharField()
    fund_amount = serializers.DecimalField(max_digits=38, decimal_places=18)
    fund_token_symbol = serializers.CharField()
    fund_token_decimals = serializers.IntegerField()
    amount_paid = serializers.DecimalField(max_digits=38, decimal_places=18)
    joining_enabled = serializers.BooleanField()
    our_order_count = serializers.IntegerField(help_text="Our orders taking part.")
    volume = serializers.DecimalField(
        max_digits=38,
        decimal_places=18,
        help_text="All participants' volume in the cycle the leaderboard describes.",
    )


class MyOrderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    symbol = serializers.CharField()
    exchange = serializers.CharField()
    state = serializers.CharField()


class MyCampaignSerializer(CampaignSerializer):
    my_orders = MyOrderSerializer(many=True, help_text="My orders that take part.")


class ProgressSerializer(serializers.Serializer):
    cycles_total = serializers.IntegerField()
    cycles_elapsed = serializers.IntegerField()
    amount_paid = serializers.DecimalField(max_digits=38, decimal_places=18)
    fund_amount = serializers.DecimalField(max_digits=38, decimal_places=18)
    paid_fraction = serializers.DecimalField(max_digits=38, decimal_places=18)


class LeaderboardRowSerializer(serializers.Serializer):
    address = serializers.CharField()
    score = serializers.CharField()
    result = serializers.CharField()
    estimated_reward = serializers.CharField()
    ours = serializers.BooleanField(help_text="One of this node's identities.")


class DailyPaidSerializer(serializers.Serializer):
    date = serializers.CharField()
    amount = serializers.CharField()


class ParticipationSerializer(serializers.Serializer):
    exchange_account = serializers.CharField(help_text="Our exchange account (key label).")
    address = serializers.CharField(help_text="The EVM address it joined with.")
    state = serializers.CharField()
    joined_at = serializers.DateTimeField(allow_null=True)
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    order_ids = serializers.ListField(child=serializers.UUIDField())


class RewardAllocationSerializer(serializers.Serializer):
    order_id = serializers.UUIDField()
    score = serializers.DecimalField(max_digits=38, decimal_places=18)
    amount = serializers.DecimalField(max_digits=38, decimal_places=18)


class RewardSerializer(serializers.Serializer):
    cycle_from = serializers.DateTimeField()
    cycle_to = serializers.DateTimeField()
    amount = serializers.DecimalField(max_digits=38, decimal_places=18)
    state = serializers.CharField()
    manifest_sha256 = serializers.CharField(help_text="GET …/rewards/{sha256}/ for the manifest.")
    allocations = RewardAllocationSerializer(many=True, help_text="Yours (staff: all).")


class CampaignDetailSerializer(CampaignSerializer):
    manifest = serializers.DictField(help_text="The type's manifest fields, as HuFi has them.")
    oracle_fee_percent = serializers.DictField()
    progress = ProgressSerializer()
    leaderboard = LeaderboardRowSerializer(many=True)
    daily_paid_amounts = DailyPaidSerializer(many=True)
    learn_more = serializers.CharField(help_text="The campaign type in plain words.")
    how_the_node_takes_part = serializers.CharField()
    participations = ParticipationSerializer(many=True, help_text="Signed in only.")
    my_orders = MyOrderSerializer(many=True, help_text="My orders that take part (signed in).")
    rewards = RewardSerializer(many=True)


class ManifestCheckInputSerializer(serializers.Serializer):
    manifest = serializers.DictField(help_text="type, exchange, pair or symbol, dates, targets.")
    fund_amount = serializers.CharField(help_text="Decimal text, in the reward token.")
    token_decimals = serializers.IntegerField(min_value=0, max_value=18)


class ManifestCheckOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    learn_more = serializers.CharField()
