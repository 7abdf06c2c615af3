"""The public proof pages (no login, nothing personal): an order's "launch with liquidity"
proof, for orders whose owner made the proof public, and a pair's "depth is real" page.
Each renders a shell; its script reads the figures from the API (static/reports/proof.js):
`/api/v1/proof/orders/{id}/` and `/api/v1/reports/stability/`."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from core.errors import NotFoundError
from exchanges.models import TradingPair
from reports.keys import report_public_key
from reports.public_proof import public_order_get, public_orders
from reports.stability import METHODOLOGY_VERSION, UPTIME_BAND_BPS

# The windows the depth page offers, in hours.
DEPTH_WINDOWS_HOURS = (24, 24 * 7, 24 * 30)


@require_GET
def order_proof_page(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    try:
        order = public_order_get(order_id=order_id)
    except NotFoundError:
        raise Http404("There is no such public order.") from None
    return render(
        request,
        "reports/order_proof.html",
        {
            "order": order,
            "public_key": report_public_key(),
            "words": {"gaps": gettext("gaps")},
            "config": {
                "summaryUrl": reverse("proof-order-api", args=[order.pk]),
                "reportUrl": reverse("market-making-order-report", args=[order.pk]),
                "priceDecimals": order.pair.price_precision,
                "amountDecimals": order.pair.amount_precision,
            },
        },
    )


@require_GET
def pair_depth_page(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = TradingPair.objects.select_related("exchange").filter(pk=pair_id).first()
    if pair is None:
        raise Http404("There is no such pair.")
    return render(
        request,
        "reports/pair_depth.html",
        {
            "pair": pair,
            "orders": public_orders(pair_id=pair.pk, limit=20),
            "methodology_version": METHODOLOGY_VERSION,
            "uptime_band_bps": UPTIME_BAND_BPS,
            "windows": DEPTH_WINDOWS_HOURS,
            "words": {"uptime": gettext("Uptime (%)")},
            "config": {
                "stabilityUrl": reverse("reports-stability"),
                "pair": pair.pk,
                "windows": list(DEPTH_WINDOWS_HOURS),
            },
        },
    )
