"""Interfaces of the wallet: the Mixin OAuth login pages and the login API."""

import secrets

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_responses
from core.errors import ApplicationError, AuthFailedError, ConflictError, NotFoundError
from wallet.auth import api_token_issue
from wallet.client import mixin_client
from wallet.services.login import mixin_login, oauth_authorize_url

SESSION_STATE = "mixin_oauth_state"
SESSION_NEXT = "mixin_oauth_next"


@require_GET
def mixin_login_start(request: HttpRequest) -> HttpResponse:
    state = secrets.token_urlsafe(24)
    request.session[SESSION_STATE] = state
    next_url = request.GET.get("next", "/")
    safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
    request.session[SESSION_NEXT] = next_url if safe else "/"
    return_to = request.build_absolute_uri(reverse("mixin-login-callback"))
    return HttpResponseRedirect(oauth_authorize_url(return_to=return_to, state=state))


@require_GET
def mixin_login_callback(request: HttpRequest) -> HttpResponse:
    expected = request.session.pop(SESSION_STATE, None)
    state, code = request.GET.get("state", ""), request.GET.get("code", "")
    if not expected or not code or not secrets.compare_digest(state, expected):
        return HttpResponseBadRequest("This login link is not valid any more; start again.")
    link_to = request.user if request.user.is_authenticated else None
    try:
        with mixin_client() as client:
            mixin_user = mixin_login(code=code, client=client, link_to=link_to)
    except AuthFailedError:
        return HttpResponse("Mixin did not accept this login.", status=403)
    except ConflictError as conflict:
        # Already logged in as someone else: say so rather than swap or merge accounts.
        return HttpResponse(conflict.message, status=409, content_type="text/plain")
    login(request, mixin_user.user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(request.session.pop(SESSION_NEXT, "/"))


class MixinLoginInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=200)


class MixinLoginOutputSerializer(serializers.Serializer):
    token = serializers.CharField()
    user_id = serializers.IntegerField()
    mixin_user_id = serializers.UUIDField()
    full_name = serializers.CharField()


class MixinLoginApi(APIView):
    """Exchange a Mixin OAuth code for an API token (for clients that are not browsers)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=MixinLoginInputSerializer,
        responses={200: MixinLoginOutputSerializer, **error_responses(415, 502, 503)},
    )
    def post(self, request: Request) -> Response:
        data = MixinLoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with mixin_client() as client:
                mixin_user = mixin_login(code=data.validated_data["code"], client=client)
        except AuthFailedError:
            raise ApplicationError(
                _("Mixin did not accept this login code."),
                code="mixin_login_refused",
                status_code=403,
            ) from None
        output = {
            "token": api_token_issue(user=mixin_user.user),
            "user_id": mixin_user.user_id,
            "mixin_user_id": mixin_user.mixin_user_id,
            "full_name": mixin_user.full_name,
        }
        return Response(MixinLoginOutputSerializer(output).data)


class MixinProfileOutputSerializer(serializers.Serializer):
    mixin_user_id = serializers.UUIDField()
    identity_number = serializers.CharField()
    full_name = serializers.CharField()


class MixinProfileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MixinProfileOutputSerializer, **error_responses(404)})
    def get(self, request: Request) -> Response:
        mixin_user = getattr(request.user, "mixin", None)
        if mixin_user is None:
            raise NotFoundError(_("No Mixin account is linked to this user."))
        return Response(MixinProfileOutputSerializer(mixin_user).data)
