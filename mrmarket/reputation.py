"""Reputation inputs per node (docs/methodology.md, "Reputation inputs"): what this node
measures of itself, for anyone to read. The figures come from two packages that do not
import each other, so they meet here: uptime, report verification rate and deviation from
`reports.self_check`, flagged volume share from the campaigns' reward manifests.

GET /api/v1/node/reputation/ — public; no order, account or person is named."""

from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.selectors import flagged_volume_share
from reports.keys import report_public_key
from reports.self_check import node_report_inputs

# The figures read 30 days of every order's snapshots: a public endpoint answers from a
# copy at most this old.
CACHE_SECONDS = 60


def _inputs() -> dict:
    return {
        **node_report_inputs(now=timezone.now()),
        "flagged_volume": flagged_volume_share(),
        "report_public_key": report_public_key(),
    }


def node_reputation_inputs() -> dict:
    return cache.get_or_set("mrmarket:node-reputation", _inputs, CACHE_SECONDS)


def _ratio(**kwargs: object) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=8, decimal_places=6, allow_null=True, **kwargs)


class FlaggedVolumeSerializer(serializers.Serializer):
    manifests = serializers.IntegerField(help_text="Reward manifests read.")
    fill_value = serializers.DecimalField(max_digits=40, decimal_places=18)
    flagged_value = serializers.DecimalField(max_digits=40, decimal_places=18)
    share = _ratio(help_text="flagged_value / fill_value; null without any fill.")


class ReputationSerializer(serializers.Serializer):
    window_start = serializers.DateTimeField()
    window_end = serializers.DateTimeField()
    uptime = _ratio(help_text="Up snapshots / sampling slots, over all orders.")
    uptime_slots = serializers.IntegerField()
    self_checks = serializers.IntegerField()
    self_checks_verified = serializers.IntegerField()
    verification_rate = _ratio()
    uptime_deviation_max = _ratio()
    uptime_deviation_mean = _ratio()
    spread_deviation_bps_max = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True
    )
    spread_deviation_bps_mean = serializers.DecimalField(
        max_digits=10, decimal_places=2, allow_null=True
    )
    last_check_at = serializers.DateTimeField(allow_null=True)
    flagged_volume = FlaggedVolumeSerializer()
    report_public_key = serializers.CharField(help_text="ed25519, hex: verifies the bundles.")


class ReputationApi(APIView):
    """This node's reputation inputs over the last 30 days."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: ReputationSerializer})
    def get(self, request: Request) -> Response:
        return Response(ReputationSerializer(node_reputation_inputs()).data)
