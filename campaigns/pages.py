"""The campaign pages: the list with its filters, one campaign, and my campaigns.

Thin views: each renders the frame and the filter choices; the page's script
(static/campaigns/campaigns.js) reads the campaigns from `/api/v1/campaigns/`. The list
and a campaign are public (HuFi publishes them); which orders take part is shown to their
owner only, by the API.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET

from campaigns.models import Campaign
from campaigns.page_words import STATUS_WORDS, TYPE_WORDS, campaign_page_words, chain_name
from campaigns.selectors import campaign_get
from core.errors import NotFoundError
from orders.page_words import all_state_words
from orders.pages import ANY_ID


def _urls() -> dict[str, str]:
    return {
        "listUrl": reverse("campaign-list"),
        "mineUrl": reverse("campaign-mine"),
        "pageUrl": reverse("campaign-page", args=["KEY"]),
        "orderUrl": reverse("order-page", args=[ANY_ID]),
        "launchesUrl": reverse("campaign-launches"),
        "launchPageUrl": reverse("campaign-launch-page", args=[ANY_ID]),
    }


def _words() -> dict:
    return {**campaign_page_words(), "order_states": all_state_words()}


@require_GET
def campaign_list_page(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.all()
    filters = {
        "exchanges": sorted(set(campaigns.values_list("exchange_name", flat=True))),
        "types": [{"value": str(k), "label": v} for k, v in TYPE_WORDS.items()],
        "statuses": [{"value": str(k), "label": v} for k, v in STATUS_WORDS.items()],
        "chains": [
            {"value": chain_id, "label": chain_name(chain_id)}
            for chain_id in sorted(set(campaigns.values_list("chain_id", flat=True)))
        ],
    }
    return render(
        request,
        "campaigns/list.html",
        {"filters": filters, "words": _words(), "config": _urls()},
    )


@require_GET
def campaign_page(request: HttpRequest, key: str) -> HttpResponse:
    try:
        campaign = campaign_get(key=key)
    except NotFoundError:
        raise Http404("There is no such campaign.") from None
    config = {**_urls(), "detailUrl": reverse("campaign-detail", args=[campaign.key])}
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "type_label": TYPE_WORDS.get(campaign.type, campaign.type),
            "status_label": STATUS_WORDS.get(campaign.status, campaign.status),
            "chain": chain_name(campaign.chain_id),
            "words": _words(),
            "config": config,
        },
    )


@login_required(login_url=reverse_lazy("mixin-login"))
@require_GET
def my_campaigns_page(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/mine.html", {"words": _words(), "config": _urls()})
