"""The user's pages: the order list, the create page, the payment page and the order page.

Thin views that render the first screen from the same selectors the API uses; everything
a page changes or follows afterwards goes through `/api/v1/` from the page's script
(static/orders/pages.js): the order is created by the order API, the dry run reads the
pair market API and posts to the preview API, the pay and order pages poll the order API.
"""

import uuid
from collections.abc import Callable
from functools import wraps

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from core.errors import ApplicationError, NotFoundError
from orders.models import FundsLoopConfig, MarketMakingOrder
from orders.order_activity import order_assets
from orders.page_words import (
    PURPOSE_WORDS,
    chain_badge,
    create_form_fields,
    entry_status,
    field_labels,
    order_controls,
    order_page_words,
    pay_page_words,
    pay_steps,
    state_words,
)
from orders.selectors import (
    order_detail,
    order_get_for_user,
    order_invoice,
    order_list_for_user,
    pair_list_for_orders,
    preset_list_enabled,
    timeline_page_from,
)
from orders.states import AWAITING_PAYMENT
from orders.templatetags.order_pages import amount
from wallet.invoices import invoice_pay_link

# Reversed into a page's per-row URLs, which its script fills with the row's id
# (MrMarket.withId in static/orders/pages.js).
ANY_ID = str(uuid.UUID(int=0))

mixin_login_required = login_required(login_url=reverse_lazy("mixin-login"))


def _own_order(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve `order_id` to the signed-in user's order; anyone else's is a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
        try:
            order = order_get_for_user(user=request.user, order_id=order_id)
        except NotFoundError:
            raise Http404("There is no such order.") from None
        return view(request, order)

    return mixin_login_required(wrapper)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    orders = order_list_for_user(user=request.user) if request.user.is_authenticated else []
    return render(
        request,
        "orders/home.html",
        {"orders": [{"order": o, "state": state_words(o.state)} for o in orders]},
    )


@mixin_login_required
@require_GET
def order_create(request: HttpRequest) -> HttpResponse:
    """The create page; its script creates the order through the order API."""
    pairs = [
        {
            "pair": pair,
            "base_chain": chain_badge(pair.base_chain_id),
            "quote_chain": chain_badge(pair.quote_chain_id),
        }
        for pair in pair_list_for_orders()
    ]
    presets = [
        {
            "name": preset.name,
            # Seeded presets' texts are in the catalogs (orders/preset_texts.py).
            "title": gettext(preset.title),
            "rationale": gettext(preset.rationale),
            "fields": create_form_fields(preset),
        }
        for preset in preset_list_enabled()
    ]
    config = {
        "pairs": [
            {
                "id": item["pair"].pk,
                "base_symbol": item["pair"].base_symbol,
                "quote_symbol": item["pair"].quote_symbol,
                "symbols": {
                    str(item["pair"].base_asset_id): item["pair"].base_symbol,
                    str(item["pair"].quote_asset_id): item["pair"].quote_symbol,
                },
                "price_precision": item["pair"].price_precision,
                "amount_precision": item["pair"].amount_precision,
            }
            for item in pairs
        ],
        "presets": presets,
        "labels": field_labels(),
        "purposes": {purpose: str(words) for purpose, words in PURPOSE_WORDS.items()},
        "invoiceUrl": reverse("market-making-invoice-quote"),
        "marketUrl": reverse("market-making-pair-market", args=[0]),
        "previewUrl": reverse("strategy-preview"),
        "createUrl": reverse("market-making-orders"),
        "payUrl": reverse("order-pay", args=[ANY_ID]),
    }
    return render(
        request,
        "orders/create.html",
        {
            "pairs": pairs,
            "presets": presets,
            "config": config,
            "fee_rate_percent": FundsLoopConfig.current().market_making_fee_rate * 100,
        },
    )


def _entries(order: MarketMakingOrder, symbols: dict[str, str]) -> list[dict]:
    awaiting = order.state in AWAITING_PAYMENT
    return [
        {
            "entry": entry,
            "purpose": PURPOSE_WORDS[entry.purpose],
            "symbol": symbols.get(str(entry.asset_id), ""),
            "status": entry_status(entry, awaiting=awaiting),
        }
        for entry in order.payment_entries.all()
    ]


def _totals(entries: list[dict]) -> list[dict]:
    """The invoice's total per asset, in the order the entries name them."""
    totals: dict[str, dict] = {}
    for item in entries:
        line = totals.setdefault(
            str(item["entry"].asset_id), {"amount": 0, "symbol": item["symbol"]}
        )
        line["amount"] += item["entry"].amount_due
    return list(totals.values())


@_own_order
@require_GET
def order_pay(request: HttpRequest, order: MarketMakingOrder) -> HttpResponse:
    invoice = order_invoice(order=order)
    pay_url = invoice.pay_url()
    symbols = {asset: shown["symbol"] for asset, shown in order_assets(order=order).items()}
    entries = _entries(order, symbols)
    return render(
        request,
        "orders/pay.html",
        {
            "order": order,
            "state": state_words(order.state),
            "steps": pay_steps(order.state),
            "pay_url": pay_url,
            "pay_link": invoice_pay_link(invoice),
            "qr_svg": segno.make(pay_url, error="m").svg_inline(scale=4, border=2),
            "entries": entries,
            "totals": _totals(entries),
            "words": {**pay_page_words(), "done": gettext("done")},
            "pay_config": {
                "detailUrl": reverse("market-making-order", args=[order.pk]),
                "state": order.state,
                "entries": [
                    {"paid": amount(item["entry"].amount_paid), "status": item["status"]}
                    for item in entries
                ],
            },
        },
    )


@_own_order
@require_GET
def order_page(request: HttpRequest, order: MarketMakingOrder) -> HttpResponse:
    try:
        timeline_page = timeline_page_from(request.GET.get("timeline_page"))
    except ApplicationError:
        raise Http404("There is no such timeline page.") from None
    detail = order_detail(order=order, timeline_page=timeline_page)
    return render(
        request,
        "orders/order.html",
        {
            "order": order,
            "detail": detail,
            "state": state_words(order.state),
            "controls": order_controls(order),
            "words": order_page_words(),
            "report": {
                "json": reverse("market-making-order-report", args=[order.pk]),
                "key": reverse("report-key"),
                "file": f"report-{order.pk}.json",
            },
            "config": {
                "detail": detail,
                "assets": order_assets(order=order),
                "baseAsset": str(order.pair.base_asset_id),
                "quoteAsset": str(order.pair.quote_asset_id),
                "pair": {
                    "base_symbol": order.pair.base_symbol,
                    "quote_symbol": order.pair.quote_symbol,
                    "price_precision": order.pair.price_precision,
                    "amount_precision": order.pair.amount_precision,
                },
                "proofPublic": order.proof_public,
                "detailUrl": reverse("market-making-order", args=[order.pk])
                + f"?timeline_page={timeline_page}",
                "activityUrl": reverse("market-making-order-activity", args=[order.pk]),
                "resultUrl": reverse("market-making-order-result", args=[order.pk]),
                "seriesUrl": reverse("market-making-order-series", args=[order.pk]),
                "pnlUrl": reverse("market-making-order-pnl", args=[order.pk]),
                "proofUrl": reverse("market-making-order-proof", args=[order.pk]),
            },
        },
    )
