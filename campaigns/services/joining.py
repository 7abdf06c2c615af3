"""Joining through orders (docs/campaigns.md, "Join policy").

An order that trades on an exchange and pair that an active market-making campaign covers
brings its exchange account into the campaign: the account's HuFi identity hands HuFi the
account's read-only key and joins, once. Nothing here is on the order's path: the join
round runs on its own schedule, reads orders, and a failure is recorded on the
participation, retried with backoff and shown, while the order trades on.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.hufi import HufiApi
from campaigns.models import Campaign, CampaignParticipation, HufiIdentity, JoinSwitch
from campaigns.selectors import campaigns_covering, orders_trading
from campaigns.services.identity import identity_client, identity_for_account
from core.crypto import decrypt_secret
from core.errors import ExternalServiceError, RejectedError
from exchanges.models import ExchangeAPIKey

logger = logging.getLogger(__name__)

P = CampaignParticipation.State
RETRY_FIRST = timedelta(seconds=15)
RETRY_MAX = timedelta(hours=1)
# States a join round looks at again; JOINED and CLOSED are final.
OPEN_STATES = (P.PENDING, P.RETRYING, P.BLOCKED, P.SWITCHED_OFF)


def joining_enabled() -> bool:
    switch = JoinSwitch.objects.filter(pk=JoinSwitch.SINGLETON_ID).first()
    return switch is None or switch.joining_enabled


def participations_discover() -> int:
    """Record (campaign, account) for every trading order a campaign covers, and the order
    in it; returns how many participations are new."""
    created = 0
    now = timezone.now()
    for order in orders_trading():
        exchange = order.pair.exchange
        for campaign in campaigns_covering(
            exchange_ccxt_id=exchange.ccxt_id, symbol=order.pair.symbol
        ):
            if campaign.end_date <= now:
                continue
            identity = identity_for_account(trading_key=order.api_key)
            with transaction.atomic():
                participation, new = CampaignParticipation.objects.get_or_create(
                    campaign=campaign, identity=identity
                )
                participation.orders.add(order)
            created += new
    return created


def _blocked_reason(identity: HufiIdentity) -> str:
    read_key = identity.read_key
    if read_key is None:
        return "no read-only key is set for this exchange account"
    if read_key.validation_status != ExchangeAPIKey.ValidationStatus.VALID:
        return f"the read-only key is {read_key.validation_status}, not valid"
    if read_key.can_trade is not False:
        return "the key set as read-only can trade (or was never checked): HuFi gets no such key"
    return ""


def _record(participation: CampaignParticipation, state: str, *, error: str = "", **fields) -> None:
    now = timezone.now()
    attempts = participation.attempts + (state in (P.RETRYING, P.JOINED, P.CLOSED))
    backoff = min(RETRY_FIRST * 2 ** max(0, attempts - 1), RETRY_MAX)
    CampaignParticipation.objects.filter(pk=participation.pk).update(
        state=state,
        last_error=error[:2000],
        attempts=attempts,
        next_attempt_at=now + backoff if state == P.RETRYING else None,
        updated_at=now,
        **fields,
    )


def _join(participation: CampaignParticipation, client: HufiApi) -> None:
    identity, campaign = participation.identity, participation.campaign
    if identity.read_key_registered_id != identity.read_key_id:
        read_key = identity.read_key
        assert read_key is not None
        client.exchange_api_key_register(
            exchange_name=campaign.exchange_name,
            api_key=read_key.api_key,
            secret_key=decrypt_secret(read_key.secret_encrypted),
        )
        HufiIdentity.objects.filter(pk=identity.pk).update(read_key_registered=read_key)
        identity.read_key_registered = read_key
    try:
        answer = client.campaign_join(chain_id=campaign.chain_id, address=campaign.address)
    except RejectedError as refused:
        status = client.campaign_join_status(chain_id=campaign.chain_id, address=campaign.address)
        if status.get("status") in ("join_closed", "not_available"):
            _record(
                participation, P.CLOSED, error=f"HuFi: {status.get('reason') or status['status']}"
            )
            return
        raise refused
    _record(
        participation, P.JOINED, joined_at=timezone.now(), hufi_join_id=str(answer.get("id", ""))
    )


def participation_join(*, participation_id: int) -> str:
    """One attempt at one participation; returns the state it is left in."""
    participation = CampaignParticipation.objects.select_related(
        "campaign", "identity__read_key", "identity__trading_key"
    ).get(pk=participation_id)
    if participation.state not in OPEN_STATES:
        return participation.state
    campaign: Campaign = participation.campaign
    if not joining_enabled() or not campaign.joining_enabled:
        _record(participation, P.SWITCHED_OFF, error="joining is switched off")
        return P.SWITCHED_OFF
    reason = _blocked_reason(participation.identity)
    if reason:
        _record(participation, P.BLOCKED, error=reason)
        return P.BLOCKED
    try:
        with identity_client(participation.identity) as client:
            _join(participation, client)
    except ExternalServiceError as error:
        logger.warning(
            "a campaign join failed; it is retried",
            extra={"campaign_id": campaign.key, "error": error.message},
        )
        _record(participation, P.RETRYING, error=f"{error.code}: {error.message}")
    return CampaignParticipation.objects.values_list("state", flat=True).get(pk=participation.pk)


def campaign_joins_run() -> dict[str, int]:
    """The join round: discover, then try every open participation that is due."""
    participations_discover()
    now = timezone.now()
    due = CampaignParticipation.objects.filter(state__in=OPEN_STATES).exclude(
        state=P.RETRYING, next_attempt_at__gt=now
    )
    outcome: dict[str, int] = {}
    for participation_id in due.values_list("pk", flat=True):
        state = participation_join(participation_id=participation_id)
        outcome[state] = outcome.get(state, 0) + 1
    return outcome
