"""Creating a campaign: the form checked by the launcher's rules (every problem at once,
under its field), recorded as a CampaignLaunch with its creator, and its escrow created on
HuFi's chain. Funding is campaigns/services/launch_funding.py."""

import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from campaigns.hufi import HufiApi
from campaigns.launcher_rules import TYPES, manifest_field_problems
from campaigns.models import CampaignLaunch, CampaignLaunchEvent
from campaigns.services.launch_wallet import launch_wallet_get
from core import context
from core.errors import ApplicationError, ConflictError, ExternalServiceError
from core.money import decimal_text, money_from_input

logger = logging.getLogger(__name__)

EVM_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
ESCROW_CREATE = "campaigns.tasks.campaign_escrow_create"
ESCROW_FUND = "campaigns.tasks.campaign_escrow_fund"
ESCROW_WATCH = "campaigns.tasks.campaign_escrow_watch"
# The form's fields besides the type's own (launcher_rules.TYPES).
COMMON_FIELDS = ("type", "exchange", "start_date", "end_date", "chain_id", "fund_token")


class LaunchTransitionRefused(ConflictError):
    code = "transition_not_allowed"


def launch_event_record(
    *, launch: CampaignLaunch, actor: str, reason: str, data: dict | None = None, **states: str
) -> CampaignLaunchEvent:
    return CampaignLaunchEvent.objects.create(
        launch=launch,
        from_state=states.get("from_state", ""),
        to_state=states.get("to_state", launch.state),
        actor=actor,
        reason=reason,
        data=data or {},
        trace_id=context.current_trace_id() or launch.trace_id,
    )


@transaction.atomic
def launch_transition(
    *,
    launch: CampaignLaunch,
    transition: Callable[..., None],
    actor: str,
    reason: str,
    data: dict | None = None,
    **transition_kwargs: object,
) -> CampaignLaunch:
    """Run one transition of `launch` and record it; refused or raced: nothing written."""
    from_state = launch.state
    try:
        transition(**transition_kwargs)
        launch.state_changed_at = timezone.now()
        launch.save()
    except (TransitionNotAllowed, ConcurrentTransition):
        launch.refresh_from_db()
        raise LaunchTransitionRefused(
            f"The campaign launch is {launch.state}; it cannot "
            f"{transition.__name__.replace('_', ' ')}.",
            detail={"state": launch.state},
        ) from None
    launch_event_record(launch=launch, actor=actor, reason=reason, data=data, from_state=from_state)
    logger.info("campaign launch moved", extra={"from_state": from_state, "to_state": launch.state})
    return launch


def launch_job_enqueue(*, job: str, launch: CampaignLaunch) -> None:
    """Send one of the launch's jobs once the current transaction commits."""
    kwargs = {"launch_id": str(launch.pk), "trace_id": launch.trace_id}
    transaction.on_commit(lambda: current_app.send_task(job, kwargs=kwargs))


def _token(chain_id: object, symbol: str, errors: dict[str, list[str]]) -> tuple[int, str] | None:
    key = f"{chain_id}:{symbol}"
    if key not in settings.HUFI_TOKEN_DECIMALS:
        known = ", ".join(sorted(settings.HUFI_TOKEN_DECIMALS))
        errors.setdefault("fund_token", []).append(
            f"fund_token must be a token campaigns are funded with here ({known})"
        )
        return None
    return int(str(chain_id)), key


def _manifest(data: dict) -> dict:
    campaign_type = str(data.get("type") or "")
    market_field, floors = TYPES.get(campaign_type, ("pair", {}))
    manifest = {
        "type": campaign_type,
        "exchange": data.get("exchange"),
        market_field: data.get(market_field),
        "start_date": data.get("start_date"),
        "end_date": data.get("end_date"),
        **{name: data.get(name) for name in floors},
    }
    for optional in ("max_participants", "rewards_distribution"):
        if data.get(optional) is not None:
            manifest[optional] = data[optional]
    return manifest


def launch_form_problems(
    *, data: dict, now: datetime
) -> tuple[dict[str, list[str]], dict, tuple[int, str] | None]:
    """(problems by field, the manifest, (chain id, token key)) of a create request."""
    errors: dict[str, list[str]] = {}
    token = _token(data.get("chain_id"), str(data.get("fund_token") or ""), errors)
    decimals = settings.HUFI_TOKEN_DECIMALS[token[1]] if token else 18
    manifest = _manifest(data)
    for name, texts in manifest_field_problems(
        manifest, fund_amount=data.get("fund_amount"), token_decimals=decimals, now=now
    ).items():
        errors.setdefault(name, []).extend(texts)
    if data.get("fund_amount") is not None and not errors.get("fund_amount"):
        try:
            money_from_input(data["fund_amount"], places=decimals)
        except ValueError as error:
            errors.setdefault("fund_amount", []).append(f"fund_amount {error}")
    method = data.get("funding_method")
    if method not in CampaignLaunch.Method.values:
        errors.setdefault("funding_method", []).append("funding_method must be evm or mixin")
    if (
        method == CampaignLaunch.Method.MIXIN
        and token
        and token[1] not in settings.HUFI_REWARD_ASSETS
    ):
        errors.setdefault("funding_method", []).append(
            "this token cannot be paid on Mixin here; fund it from your EVM wallet"
        )
    funder = str(data.get("funder_address") or "")
    if funder and not EVM_ADDRESS.match(funder):
        errors.setdefault("funder_address", []).append(
            "funder_address must be an EVM address (0x and 40 hex digits)"
        )
    return errors, manifest, token


def _json_plain(value: object) -> object:
    """JSON numbers arrive as Decimals (DecimalJSONParser): kept as their exact text."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, list):
        return [_json_plain(item) for item in value]
    return value


def _fingerprint(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _earlier(*, user: AbstractBaseUser, key: str, fingerprint: str) -> CampaignLaunch | None:
    earlier = CampaignLaunch.objects.filter(created_by_id=user.pk, idempotency_key=key).first()
    if earlier is not None and earlier.request_sha256 != fingerprint:
        raise ApplicationError(
            f"Idempotency-Key {key!r} was already used to create campaign launch "
            f"{earlier.pk} with other values; send a new key for a new campaign.",
            code="idempotency_key_reused",
            status_code=422,
            detail={"Idempotency-Key": key, "launch": str(earlier.pk)},
        )
    return earlier


def launch_create(
    *, user: AbstractBaseUser, data: dict, idempotency_key: str | None = None
) -> CampaignLaunch:
    """A campaign waiting for its escrow and its fund; the same key and request answer the
    launch the first one made (also when both arrive at once)."""
    errors, manifest, token = launch_form_problems(data=data, now=timezone.now())
    if data.get("funding_method") == CampaignLaunch.Method.MIXIN and not hasattr(user, "mixin"):
        raise ApplicationError(
            "Log in with Mixin first to pay on Mixin: the payment and any refund use your "
            "Mixin account.",
            code="mixin_login_required",
            status_code=403,
        )
    if errors or token is None:
        texts = [text for field_texts in errors.values() for text in field_texts]
        message = texts[0] if len(texts) == 1 else f"{len(texts)} fields need a change."
        raise ApplicationError(message, code="invalid", detail=errors)
    fingerprint = _fingerprint(data)
    if idempotency_key:
        earlier = _earlier(user=user, key=idempotency_key, fingerprint=fingerprint)
        if earlier is not None:
            return earlier
    try:
        return _launch_store(
            user=user,
            data=data,
            manifest=manifest,
            token=token,
            request_key=(idempotency_key or "", fingerprint if idempotency_key else ""),
        )
    except IntegrityError:
        earlier = (
            _earlier(user=user, key=idempotency_key, fingerprint=fingerprint)
            if idempotency_key
            else None
        )
        if earlier is None:
            raise
        return earlier


@transaction.atomic
def _launch_store(
    *,
    user: AbstractBaseUser,
    data: dict,
    manifest: dict,
    token: tuple[int, str],
    request_key: tuple[str, str],
) -> CampaignLaunch:
    chain_id, token_key = token
    campaign_type = str(manifest["type"])
    market_field, _ = TYPES[campaign_type]
    method = str(data["funding_method"])
    fixed = {"type", "exchange", market_field, "start_date", "end_date"}
    launch = CampaignLaunch.objects.create(
        created_by=user,
        type=campaign_type,
        exchange_name=str(manifest["exchange"]),
        symbol=str(manifest[market_field]),
        details={k: _json_plain(v) for k, v in manifest.items() if k not in fixed},
        start_date=datetime.fromisoformat(str(manifest["start_date"]).replace("Z", "+00:00")),
        end_date=datetime.fromisoformat(str(manifest["end_date"]).replace("Z", "+00:00")),
        chain_id=chain_id,
        fund_token_symbol=token_key.split(":", 1)[1],
        fund_token_decimals=settings.HUFI_TOKEN_DECIMALS[token_key],
        fund_amount=Decimal(str(data["fund_amount"])),
        funding_method=method,
        funder_address=str(data.get("funder_address") or ""),
        asset_id=(
            uuid.UUID(settings.HUFI_REWARD_ASSETS[token_key])
            if method == CampaignLaunch.Method.MIXIN
            else None
        ),
        expires_at=timezone.now()
        + timedelta(seconds=settings.CAMPAIGN_LAUNCH_FUNDING_WINDOW_SECONDS),
        idempotency_key=request_key[0],
        request_sha256=request_key[1],
        trace_id=context.current_trace_id() or context.new_trace_id(),
    )
    launch_event_record(
        launch=launch,
        actor=f"user:{user.pk}",
        reason="campaign created; its escrow is created next",
        data={"funding_method": method, "fund_amount": decimal_text(launch.fund_amount)},
    )
    launch_job_enqueue(job=ESCROW_CREATE, launch=launch)
    return launch


def launch_manifest(launch: CampaignLaunch) -> dict:
    """The manifest as the launcher takes it."""
    market_field, _ = TYPES[launch.type]
    return {
        "type": launch.type,
        "exchange": launch.exchange_name,
        market_field: launch.symbol,
        "start_date": launch.start_date.isoformat(),
        "end_date": launch.end_date.isoformat(),
        **launch.details,
    }


def launch_escrow_ensure(*, launch: CampaignLaunch, client: HufiApi) -> str:
    """The launch's escrow address, creating the escrow under the launch's persisted
    request id (the same id answers the same escrow, so a retry creates nothing new)."""
    if launch.escrow_address:
        return launch.escrow_address
    escrow = client.escrow_create(
        chain_id=launch.chain_id,
        token=launch.fund_token_symbol,
        fund_amount=decimal_text(launch.fund_amount),
        manifest=launch_manifest(launch),
        launcher=launch_wallet_get().address,
        request_id=str(launch.escrow_request_id),
    )
    address = str(escrow["address"])
    CampaignLaunch.objects.filter(pk=launch.pk, escrow_address="").update(escrow_address=address)
    launch.escrow_address = address
    return address


def launch_cancel(*, launch: CampaignLaunch, user: AbstractBaseUser) -> CampaignLaunch:
    """The creator gives up before any fund arrived (a paid launch is past cancelling)."""
    with transaction.atomic():
        locked = CampaignLaunch.objects.select_for_update().get(pk=launch.pk)
        if locked.amount_paid > 0:
            raise LaunchTransitionRefused(
                "A payment for this campaign has arrived; it can no longer be cancelled.",
                detail={"state": locked.state},
            )
        return launch_transition(
            launch=locked, transition=locked.cancel, actor=f"user:{user.pk}", reason="cancelled"
        )


def launch_error_text(error: ExternalServiceError) -> str:
    return f"{error.code}: {error.message}"[:2000]
