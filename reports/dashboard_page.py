"""The creator dashboard page: the frame, its window choice and the API addresses; the
page's script (static/reports/dashboard.js) reads the figures from the dashboard, the
campaigns and the node reputation APIs and draws them with uPlot."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from orders.page_words import all_state_words
from orders.pages import ANY_ID
from reports.dashboard import WINDOWS


def dashboard_words() -> dict:
    return {
        "order_states": all_state_words(),
        "windows": {"24h": _("24 hours"), "7d": _("7 days"), "30d": _("30 days")},
        "chart": {
            "uptime": _("Uptime (%)"),
            "spread": _("Median spread (bps)"),
            "depth": _("Two-sided depth in %(quote)s"),
            "volume": _("Volume in %(quote)s"),
        },
        "failed": _("The figures could not be read; try again later."),
        "none": _("not measured yet"),
        "checks": _("%(verified)s of %(checks)s self-checks verified"),
    }


@login_required(login_url=reverse_lazy("mixin-login"))
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    config = {
        "dashboardUrl": reverse("reports-dashboard"),
        "reputationUrl": reverse("node-reputation"),
        "campaignsUrl": reverse("campaign-mine"),
        "launchesUrl": reverse("campaign-launches"),
        "launchPageUrl": reverse("campaign-launch-page", args=[ANY_ID]),
        "orderUrl": reverse("order-page", args=[ANY_ID]),
        "campaignUrl": reverse("campaign-page", args=["KEY"]),
        "windows": list(WINDOWS),
    }
    return render(
        request,
        "reports/dashboard.html",
        {"words": dashboard_words(), "config": config, "windows": list(WINDOWS)},
    )
