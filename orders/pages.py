"""The user's pages: the order list, the create form, the payment page and the order page.

Thin views: reads go through orders.selectors, the order is created by
orders.services.intents, and everything that changes a running order is a POST from the
page's script to the order API (which keeps one Idempotency-Key per click).
"""

import uuid
from collections.abc import Callable
from functools import wraps

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.decorators.http import require_GET

from core.errors import ApplicationError, ExternalServiceError, NotFoundError
from exchanges.models import TradingPair
from orders.models import MarketMakingOrder, StrategyPreset
from orders.selectors import (
    order_detail,
    order_get_for_user,
    order_invoice,
    order_list_for_user,
    pair_list_for_orders,
    pair_market_for_preview,
    preset_list_enabled,
    timeline_page_from,
)
from orders.services.control import ACTIONS
from orders.services.intents import order_intent_create
from orders.states import AWAITING_PAYMENT
from strategy import parameter_bounds
from wallet.invoices import invoice_pay_link

mixin_login_required = login_required(login_url=reverse_lazy("mixin-login"))

# Mixin chain id → the icon vendored under static/chains/.
CHAIN_ICONS = {
    uuid.UUID("c6d0c728-2624-429b-8e0d-d9d19b6592fa"): "chains/bitcoin.svg",
    uuid.UUID("43d61dcd-e413-450d-80b8-101d5e903357"): "chains/ethereum.svg",
}
UNKNOWN_CHAIN_ICON = "chains/unknown.svg"
# The create form offers the numeric parameters; switches and reference markets stay
# with the preset (the API takes them as JSON).
FORM_PARAMETER_TYPES = ("decimal", "integer")


def chain_icon(chain_id: uuid.UUID) -> str:
    return CHAIN_ICONS.get(chain_id, UNKNOWN_CHAIN_ICON)


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


def _asset_symbols(order: MarketMakingOrder) -> dict[str, str]:
    pair = order.pair
    return {str(pair.base_asset_id): pair.base_symbol, str(pair.quote_asset_id): pair.quote_symbol}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    orders = order_list_for_user(user=request.user) if request.user.is_authenticated else []
    return render(request, "orders/home.html", {"orders": orders})


class OrderCreateForm(forms.Form):
    pair = forms.ModelChoiceField(queryset=TradingPair.objects.none(), empty_label=None)
    preset = forms.ModelChoiceField(
        queryset=StrategyPreset.objects.none(), to_field_name="name", empty_label=None
    )
    base_amount = forms.DecimalField(min_value=0, max_digits=38, decimal_places=18)
    quote_amount = forms.DecimalField(min_value=0, max_digits=38, decimal_places=18)

    def __init__(self, *args: object, parameters: list[dict], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pair"].queryset = pair_list_for_orders()
        self.fields["preset"].queryset = preset_list_enabled()
        self.parameter_names = []
        for parameter in parameters:
            name = parameter["name"]
            self.fields[f"override_{name}"] = forms.CharField(
                required=False, max_length=60, label=name, help_text=parameter["description"]
            )
            self.parameter_names.append(name)

    def overrides(self) -> dict[str, str]:
        """Only what the user filled in; the strategy validates the values."""
        filled = {}
        for name in self.parameter_names:
            value = self.cleaned_data[f"override_{name}"].strip()
            if value:
                filled[name] = value
        return filled

    def add_service_error(self, error: ApplicationError) -> None:
        """Put the service's field-level errors next to their fields, the rest on top."""
        field_names = {
            "pair_id": "pair",
            "preset": "preset",
            "base_amount": "base_amount",
            "quote_amount": "quote_amount",
        }
        detail = error.detail if isinstance(error.detail, dict) else {}
        placed = False
        for key, messages in detail.items():
            field = field_names.get(key, f"override_{key}")
            if field in self.fields:
                for message in messages if isinstance(messages, list) else [messages]:
                    self.add_error(field, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.message)


class OrderCreatePage(LoginRequiredMixin, View):
    """The create form; a valid submission creates the order and opens its payment page."""

    login_url = reverse_lazy("mixin-login")

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form(None))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                order = order_intent_create(
                    user=request.user,
                    pair_id=form.cleaned_data["pair"].pk,
                    preset_name=form.cleaned_data["preset"].name,
                    overrides=form.overrides(),
                    base_amount=form.cleaned_data["base_amount"],
                    quote_amount=form.cleaned_data["quote_amount"],
                )
            except ApplicationError as error:
                form.add_service_error(error)
                if error.status_code == 503:  # the node is not set up: not the user's input
                    return self._render(request, form, status=503)
            else:
                return redirect("order-pay", order_id=order.pk)
        return self._render(request, form)

    @staticmethod
    def _form(data: object) -> OrderCreateForm:
        parameters = [p for p in parameter_bounds() if p["type"] in FORM_PARAMETER_TYPES]
        return OrderCreateForm(data, parameters=parameters)

    @staticmethod
    def _render(request: HttpRequest, form: OrderCreateForm, status: int = 200) -> HttpResponse:
        pairs = [
            {
                "pair": pair,
                "base_icon": chain_icon(pair.base_chain_id),
                "quote_icon": chain_icon(pair.quote_chain_id),
            }
            for pair in form.fields["pair"].queryset
        ]
        return render(
            request,
            "orders/create.html",
            {
                "form": form,
                "pairs": pairs,
                "presets": form.fields["preset"].queryset,
                "override_fields": [form[f"override_{name}"] for name in form.parameter_names],
            },
            status=status,
        )


@mixin_login_required
@require_GET
def pair_market(request: HttpRequest, pair_id: int) -> JsonResponse:
    """The pair's book as the preview API reads it, fetched when the user asks."""
    pair = pair_list_for_orders().filter(pk=pair_id).first()
    if pair is None:
        raise Http404("There is no such pair.")
    try:
        return JsonResponse(pair_market_for_preview(pair=pair))
    except ExternalServiceError as error:
        return JsonResponse({"error": {"code": error.code, "message": error.message}}, status=502)


@_own_order
@require_GET
def order_pay(request: HttpRequest, order: MarketMakingOrder) -> HttpResponse:
    invoice = order_invoice(order=order)
    pay_url = invoice.pay_url()
    symbols = _asset_symbols(order)
    return render(
        request,
        "orders/pay.html",
        {
            "order": order,
            "pay_url": pay_url,
            "pay_link": invoice_pay_link(invoice),
            "qr_svg": segno.make(pay_url, error="m").svg_inline(scale=4, border=2),
            "entries": [
                {"entry": entry, "symbol": symbols.get(str(entry.asset_id), "")}
                for entry in order.payment_entries.all()
            ],
            "awaiting_payment": order.state in AWAITING_PAYMENT,
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
    symbols = _asset_symbols(order)
    return render(
        request,
        "orders/order.html",
        {
            "order": order,
            "detail": detail,
            "symbols": symbols,
            "actions": [
                {
                    "name": action,
                    "label": action.capitalize(),
                    "url": reverse(f"market-making-order-{action}", args=[order.pk]),
                }
                for action in ACTIONS
            ],
            "balances": [
                {"symbol": symbols.get(asset, asset), **figures}
                for asset, figures in detail["balances"].items()
            ],
            "payouts": [
                {**payout, "symbol": symbols.get(payout["asset_id"], payout["asset_id"])}
                for payout in detail["payouts"]
            ],
        },
    )
