"""Creating a market-making order: validate, quote the fees, and issue the invoice."""

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import ROUND_UP, Decimal
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import context
from core.errors import ApplicationError, ConflictError
from core.money import decimal_text, money_from_input, to_decimal
from exchanges.gateway import gateway_for_api_key
from exchanges.models import ExchangeAPIKey, NetworkMapping, TradingPair
from orders.models import (
    FundsLoopConfig,
    MarketMakingOrder,
    OrderCreateRequest,
    OrderLeg,
    PaymentEntry,
    StrategyPreset,
)
from orders.selectors import preset_get_enabled
from orders.services.lifecycle import order_event_record
from orders.services.strategy import strategy_params_build
from orders.setup import node_setup_refusal
from wallet.client import mixin_client
from wallet.memo import MarketMakingMemo, market_making_memo_encode

# Mixin moves amounts with 8 decimal places.
MIXIN_PLACES = 8
Purpose = PaymentEntry.Purpose


class ExchangeNotReady(ConflictError):
    code = "exchange_not_ready"


@dataclass(frozen=True)
class LegQuote:
    leg: str
    asset_id: uuid.UUID
    chain_id: uuid.UUID
    coin: str
    network: str
    amount: Decimal
    deposit_address: str
    deposit_tag: str
    fee_asset_id: uuid.UUID | None
    fee: Decimal


T = TypeVar("T")


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", detail={field: [message]})


def _gathered(errors: dict[str, list[str]], check: Callable[[], T]) -> T | None:
    """Run one check; a field-level refusal is added to `errors` instead of raised."""
    try:
        return check()
    except ApplicationError as error:
        if not isinstance(error.detail, dict) or error.status_code != 400:
            raise
        for field, texts in error.detail.items():
            errors.setdefault(field, []).extend(texts if isinstance(texts, list) else [texts])
        return None


def _base_amount(pair: TradingPair, value: object) -> Decimal:
    base = _amount("base_amount", value, places=min(pair.amount_precision, MIXIN_PLACES))
    if base and base < pair.min_order_amount:
        raise _field_error(
            "base_amount",
            _("must be at least %(amount)s") % {"amount": decimal_text(pair.min_order_amount)},
        )
    if base and pair.max_order_amount is not None and base > pair.max_order_amount:
        raise _field_error(
            "base_amount",
            _("must be at most %(amount)s") % {"amount": decimal_text(pair.max_order_amount)},
        )
    return base


def _amount(field: str, value: object, *, places: int) -> Decimal:
    try:
        amount = money_from_input(value, places=places)
    except ValueError as error:
        raise _field_error(field, str(error)) from None
    if amount < 0:
        raise _field_error(field, _("must not be negative"))
    return amount


def _trading_key(pair: TradingPair) -> ExchangeAPIKey:
    """The exchange account that will run the order: an enabled trading key with every
    permission the funds loop needs granted (ExchangeAPIKey.loop_permissions)."""
    candidates = ExchangeAPIKey.objects.filter(
        exchange=pair.exchange,
        enabled=True,
        permission=ExchangeAPIKey.Permission.READ_TRADE,
        validation_status=ExchangeAPIKey.ValidationStatus.VALID,
    ).order_by("pk")
    key = next((key for key in candidates if key.loop_permissions().usable), None)
    if key is None:
        raise ExchangeNotReady(
            _("%(exchange)s has no validated trading key; an operator must add one.")
            % {"exchange": pair.exchange},
            detail={"exchange": pair.exchange.name},
        )
    return key


def _leg_route(*, leg: str, pair: TradingPair) -> LegQuote:
    """The leg's asset, chain and exchange network, before anything is funded."""
    is_base = leg == MarketMakingOrder.Leg.BASE
    chain_id = pair.base_chain_id if is_base else pair.quote_chain_id
    coin = pair.base_symbol if is_base else pair.quote_symbol
    mapping = NetworkMapping.objects.filter(exchange=pair.exchange, chain_id=chain_id).first()
    if mapping is None:
        raise ExchangeNotReady(
            _("%(exchange)s has no network mapped for the chain of %(coin)s.")
            % {"exchange": pair.exchange, "coin": coin},
            detail={"chain_id": str(chain_id)},
        )
    return LegQuote(
        leg=leg,
        asset_id=pair.base_asset_id if is_base else pair.quote_asset_id,
        chain_id=chain_id,
        coin=coin,
        network=mapping.network_code,
        amount=Decimal(0),
        deposit_address="",
        deposit_tag="",
        fee_asset_id=None,
        fee=Decimal(0),
    )


def _leg_quote(*, route: LegQuote, api_key: ExchangeAPIKey, amount: Decimal) -> LegQuote:
    """Where a funded leg's funds go on the exchange and what Mixin charges to send them."""
    address = gateway_for_api_key(api_key.pk).deposit_address(
        asset=route.coin, network=route.network
    )
    with mixin_client() as client:
        fees = client.asset_fees(asset_id=str(route.asset_id), destination=address.address)
    if not fees:
        raise ExchangeNotReady(
            _("Mixin quoted no withdrawal fee for %(coin)s.") % {"coin": route.coin}
        )
    # As the wallet pays it: in the withdrawn asset when Mixin offers that.
    fee = next((f for f in fees if uuid.UUID(str(f["asset_id"])) == route.asset_id), fees[0])
    return replace(
        route,
        amount=amount,
        deposit_address=address.address,
        deposit_tag=address.tag or "",
        fee_asset_id=uuid.UUID(str(fee["asset_id"])),
        fee=to_decimal(fee["amount"]),
    )


def _payment_entries(
    quotes: list[LegQuote], fee_rate: Decimal
) -> list[tuple[str, uuid.UUID, Decimal]]:
    entries: list[tuple[str, uuid.UUID, Decimal]] = []
    funded = [q for q in quotes if q.amount > 0]
    for quote in funded:
        entries.append((quote.leg, quote.asset_id, quote.amount))
        if quote.fee > 0:
            entries.append((f"{quote.leg}_withdrawal_fee", quote.fee_asset_id, quote.fee))
    # The market-making fee is charged on the quote leg when it is funded, else on base.
    fee_leg = next((q for q in funded if q.leg == MarketMakingOrder.Leg.QUOTE), funded[0])
    mm_fee = (fee_leg.amount * fee_rate).quantize(
        Decimal(1).scaleb(-MIXIN_PLACES), rounding=ROUND_UP
    )
    if mm_fee > 0:
        entries.append((Purpose.MARKET_MAKING_FEE, fee_leg.asset_id, mm_fee))
    return entries


@dataclass(frozen=True)
class IntentRequest:
    """A create request that passed every check, and the legs its invoice is made of."""

    pair: TradingPair
    preset: StrategyPreset
    base: Decimal
    quote: Decimal
    api_key: ExchangeAPIKey
    quotes: list[LegQuote]


def _intent_request(
    *, pair_id: int, preset_name: str, overrides: dict, base_amount: object, quote_amount: object
) -> IntentRequest:
    pair = (
        TradingPair.objects.select_related("exchange")
        .filter(pk=pair_id, enabled=True, kind=TradingPair.Kind.MARKET_MAKING)
        .first()
    )
    if pair is None or not pair.exchange.enabled:
        raise _field_error("pair_id", _("Unknown or disabled pair."))
    # Every mistake of the request is reported at once, each under its field.
    errors: dict[str, list[str]] = {}
    base = _gathered(errors, lambda: _base_amount(pair, base_amount))
    quote = _gathered(errors, lambda: _amount("quote_amount", quote_amount, places=MIXIN_PLACES))
    if base == 0 and quote == 0:
        errors.setdefault("base_amount", []).append(_("Fund at least one side of the book."))
    preset = _gathered(errors, lambda: preset_get_enabled(name=preset_name))
    if preset is not None:  # refuses bad overrides now
        _gathered(errors, lambda: strategy_params_build(preset=preset, overrides=overrides))
    if errors or preset is None or base is None or quote is None:
        texts = [text for field_texts in errors.values() for text in field_texts]
        message = (
            texts[0]
            if len(texts) == 1
            else ngettext("%(n)d field needs a change.", "%(n)d fields need a change.", len(texts))
            % {"n": len(texts)}
        )
        raise ApplicationError(message, code="invalid", detail=errors)

    api_key = _trading_key(pair)
    # Both assets get a leg (exit brings back whatever trading left in either); only the
    # funded ones are sent to the exchange.
    quotes = [
        _leg_quote(route=route, api_key=api_key, amount=amount) if amount > 0 else route
        for route, amount in (
            (_leg_route(leg=MarketMakingOrder.Leg.BASE, pair=pair), base),
            (_leg_route(leg=MarketMakingOrder.Leg.QUOTE, pair=pair), quote),
        )
    ]
    return IntentRequest(
        pair=pair, preset=preset, base=base, quote=quote, api_key=api_key, quotes=quotes
    )


def order_invoice_quote(
    *, pair_id: int, preset_name: str, overrides: dict, base_amount: object, quote_amount: object
) -> list[tuple[str, uuid.UUID, Decimal]]:
    """The invoice a create request would get, line by line (purpose, asset, amount), from
    the same checks and fee quotes as the order itself; nothing is stored."""
    request = _intent_request(
        pair_id=pair_id,
        preset_name=preset_name,
        overrides=overrides,
        base_amount=base_amount,
        quote_amount=quote_amount,
    )
    return _payment_entries(request.quotes, FundsLoopConfig.current().market_making_fee_rate)


def order_intent_create(
    *,
    user: AbstractBaseUser,
    pair_id: int,
    preset_name: str,
    overrides: dict,
    base_amount: object,
    quote_amount: object,
    idempotency_key: str | None = None,
) -> MarketMakingOrder:
    """An order waiting for its payment, with one invoice entry per thing the user pays.

    With an idempotency key, a repeat of the same request returns the order the first
    one made, also when the repeats arrive at the same moment."""
    node_setup_refusal()
    if not hasattr(user, "mixin"):
        raise ApplicationError(
            _("Log in with Mixin first: payments and payouts go to your Mixin account."),
            code="mixin_login_required",
            status_code=403,
        )
    request = _intent_request(
        pair_id=pair_id,
        preset_name=preset_name,
        overrides=overrides,
        base_amount=base_amount,
        quote_amount=quote_amount,
    )
    fingerprint = _request_fingerprint(
        pair=request.pair,
        preset=request.preset,
        overrides=overrides,
        base=request.base,
        quote=request.quote,
    )
    if idempotency_key is not None:
        earlier = _order_for_key(user=user, key=idempotency_key, fingerprint=fingerprint)
        if earlier is not None:
            return earlier
    try:
        return _order_store(
            user=user,
            pair=request.pair,
            api_key=request.api_key,
            preset=request.preset,
            overrides=overrides,
            base=request.base,
            quote=request.quote,
            quotes=request.quotes,
            config=FundsLoopConfig.current(),
            request_key=None if idempotency_key is None else (idempotency_key, fingerprint),
        )
    except IntegrityError:
        if idempotency_key is None:
            raise
        # The same key was being created at the same moment; its order is the answer.
        earlier = _order_for_key(user=user, key=idempotency_key, fingerprint=fingerprint)
        if earlier is None:
            raise
        return earlier


def _request_fingerprint(
    *,
    pair: TradingPair,
    preset: StrategyPreset,
    overrides: dict,
    base: Decimal,
    quote: Decimal,
) -> str:
    """What a creation asked for, in a form where equal requests hash equally."""
    asked = {
        "pair_id": pair.pk,
        "preset": preset.name,
        "overrides": overrides,
        "base_amount": decimal_text(base),
        "quote_amount": decimal_text(quote),
    }
    canonical = json.dumps(asked, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _order_for_key(
    *, user: AbstractBaseUser, key: str, fingerprint: str
) -> MarketMakingOrder | None:
    """The order an earlier creation with this key made; the key sent with another
    request is the caller's mistake (422), not a new order."""
    earlier = (
        OrderCreateRequest.objects.select_related("order")
        .filter(user_id=user.pk, idempotency_key=key)
        .first()
    )
    if earlier is None:
        return None
    if earlier.request_sha256 != fingerprint:
        raise ApplicationError(
            _(
                "Idempotency-Key %(key)r was already used to create order %(order)s with "
                "other values; send a new key for a new order."
            )
            % {"key": key, "order": earlier.order_id},
            code="idempotency_key_reused",
            status_code=422,
            detail={"Idempotency-Key": key, "order": str(earlier.order_id)},
        )
    return earlier.order


@transaction.atomic
def _order_store(
    *,
    user: AbstractBaseUser,
    pair: TradingPair,
    api_key: ExchangeAPIKey,
    preset: StrategyPreset,
    overrides: dict,
    base: Decimal,
    quote: Decimal,
    quotes: list[LegQuote],
    config: FundsLoopConfig,
    request_key: tuple[str, str] | None,
) -> MarketMakingOrder:
    order_id = uuid.uuid4()
    trace_id = context.current_trace_id() or context.new_trace_id()
    order = MarketMakingOrder.objects.create(
        id=order_id,
        user=user,
        pair=pair,
        api_key=api_key,
        strategy_preset=preset,
        strategy_overrides=overrides,
        base_amount=base,
        quote_amount=quote,
        memo=market_making_memo_encode(MarketMakingMemo(pair_id=pair.uuid, order_id=order_id)),
        expires_at=timezone.now() + timedelta(seconds=config.payment_window_seconds),
        trace_id=trace_id,
    )
    OrderLeg.objects.bulk_create(
        OrderLeg(
            order=order,
            leg=q.leg,
            asset_id=q.asset_id,
            chain_id=q.chain_id,
            exchange_coin=q.coin,
            network=q.network,
            amount=q.amount,
            deposit_address=q.deposit_address,
            deposit_tag=q.deposit_tag,
            withdrawal_fee_asset_id=q.fee_asset_id,
            withdrawal_fee=q.fee,
        )
        for q in quotes
    )
    PaymentEntry.objects.bulk_create(
        PaymentEntry(order=order, purpose=purpose, asset_id=asset_id, amount_due=amount)
        for purpose, asset_id, amount in _payment_entries(quotes, config.market_making_fee_rate)
    )
    if request_key is not None:
        key, fingerprint = request_key
        OrderCreateRequest.objects.create(
            user=user, idempotency_key=key, request_sha256=fingerprint, order=order
        )
    order_event_record(
        order=order,
        kind="created",
        to_state=order.state,
        actor=f"user:{user.pk}",
        reason="order created; waiting for payment",
        data={"expires_at": order.expires_at.isoformat()},
    )
    return order
