"""The create page of a campaign and its funding page: thin views that render the first
screen; the form posts to /api/v1/campaigns/ and the funding page follows
/api/v1/campaigns/launches/{id}/ (static/campaigns/*.js)."""

import uuid

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from campaigns.launch_page_words import (
    STATE_WORDS,
    fund_tokens,
    launch_page_words,
    type_forms,
    type_title,
)
from campaigns.launch_selectors import launch_detail, launch_get_for_user
from campaigns.models import LaunchState
from core.errors import NotFoundError

signed_in = login_required(login_url=reverse_lazy("mixin-login"))


@signed_in
@require_GET
def launch_create_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "campaigns/create.html",
        {
            "form_words": {
                "types": type_forms(),
                "tokens": fund_tokens(),
                "has_mixin": hasattr(request.user, "mixin"),
                "summary": gettext("Some fields need a change: see the message next to each."),
            },
        },
    )


@signed_in
@require_GET
def launch_fund_page(request: HttpRequest, launch_id: uuid.UUID) -> HttpResponse:
    try:
        launch = launch_get_for_user(user=request.user, launch_id=launch_id)
    except NotFoundError:
        raise Http404("There is no such campaign.") from None
    detail = launch_detail(launch=launch)
    payment = detail["payment"]
    label, sentence = STATE_WORDS[LaunchState(launch.state)]
    return render(
        request,
        "campaigns/fund.html",
        {
            "launch": launch,
            "type_title": type_title(launch.type),
            "detail": detail,
            "state": {"code": launch.state, "label": label, "sentence": sentence},
            "qr_svg": (
                segno.make(payment["url"], error="m").svg_inline(scale=4, border=2)
                if payment
                else ""
            ),
            "words": launch_page_words(),
        },
    )
