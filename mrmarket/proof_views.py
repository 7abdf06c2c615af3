"""The node's proof for anyone: `/proof/` as a page, `/proof.json` as the signed canonical
file (mrmarket/proof.py). No login, nothing personal: private orders are counted by their
rules' hashes only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from core.api import error_responses
from mrmarket.proof import PROOF_FORMAT, proof_build
from orders.selectors import pair_list_for_orders
from reports.public_proof import public_orders


class NodeProofCodeVersionSerializer(serializers.Serializer):
    commit = serializers.CharField(help_text="The git commit, or `unknown`.")
    source = serializers.ChoiceField(choices=["git", "MRMARKET_CODE_VERSION", "unknown"])
    modified = serializers.BooleanField(
        allow_null=True, help_text="Tracked files differ from the commit (git only)."
    )


class NodeProofFileSerializer(serializers.Serializer):
    path = serializers.CharField()
    sha256 = serializers.CharField()


class NodeProofPresetSerializer(serializers.Serializer):
    name = serializers.CharField()
    enabled = serializers.BooleanField()
    rules_sha256 = serializers.CharField(help_text="sha256 of the canonical JSON of its rules.")


class NodeProofRunningOrderSerializer(serializers.Serializer):
    order = serializers.CharField(allow_null=True, help_text="Named only when its proof is public.")
    market = serializers.CharField()
    config_sha256 = serializers.CharField()
    matches_frozen = serializers.BooleanField()


class NodeProofSigningKeySerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    public_key = serializers.CharField()


class NodeProofKeysSerializer(serializers.Serializer):
    report_signing = NodeProofSigningKeySerializer()
    hufi_evm_addresses = serializers.ListField(child=serializers.CharField())


class NodeProofAttestationSerializer(serializers.Serializer):
    status = serializers.CharField()


class NodeProofDocumentSerializer(serializers.Serializer):
    node = serializers.CharField()
    code_version = NodeProofCodeVersionSerializer()
    permission_surface = NodeProofFileSerializer()
    rules_sha256 = serializers.CharField()
    presets = NodeProofPresetSerializer(many=True)
    running_orders = NodeProofRunningOrderSerializer(many=True)
    keys = NodeProofKeysSerializer()
    attestation = NodeProofAttestationSerializer()


class NodeProofSerializer(serializers.Serializer):
    document = NodeProofDocumentSerializer()
    format = serializers.ChoiceField(choices=[PROOF_FORMAT])
    public_key = serializers.CharField()
    sha256 = serializers.CharField()
    signature = serializers.CharField()


class ProofJsonApi(APIView):
    """The node's signed proof, as canonical JSON bytes (check with `manage.py proof_verify`)."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: OpenApiResponse(NodeProofSerializer), **error_responses()},
        tags=["proof"],
    )
    def get(self, request: Request) -> HttpResponse:
        proof = proof_build()
        response = HttpResponse(proof.content, content_type="application/json")
        response["X-Proof-SHA256"] = proof.sha256
        response["Cache-Control"] = "no-cache"
        return response


@require_GET
def proof_page(request: HttpRequest) -> HttpResponse:
    proof = proof_build()
    return render(
        request,
        "mrmarket/proof.html",
        {
            "proof": proof,
            "document": proof.document,
            "public_orders": public_orders(limit=50),
            "pairs": pair_list_for_orders().order_by("exchange__name", "symbol"),
        },
    )
