"""Reads of campaign launches for their API and pages: a user sees only their own."""

import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from campaigns.launch_page_words import STATE_WORDS
from campaigns.launcher_rules import TYPES
from campaigns.models import CampaignLaunch, LaunchState
from core.errors import NotFoundError
from core.money import decimal_text
from wallet.invoices import InvoiceLeg, campaign_funding_invoice, invoice_pay_link

EVENTS_SHOWN = 50


def launch_list_for_user(*, user: AbstractBaseUser) -> QuerySet[CampaignLaunch]:
    return CampaignLaunch.objects.filter(created_by_id=user.pk).select_related("campaign")


def launch_get_for_user(*, user: AbstractBaseUser, launch_id: uuid.UUID) -> CampaignLaunch:
    launch = launch_list_for_user(user=user).filter(pk=launch_id).first()
    if launch is None:
        raise NotFoundError(f"No campaign launch {launch_id}.")
    return launch


def launch_payment(*, launch: CampaignLaunch) -> dict | None:
    """Mixin funding: the invoice (one entry, the reward token) and where to pay it."""
    if launch.funding_method != CampaignLaunch.Method.MIXIN or launch.asset_id is None:
        return None
    invoice = campaign_funding_invoice(
        launch_id=launch.pk,
        leg=InvoiceLeg(
            asset_id=launch.asset_id, amount=launch.fund_amount, trace_id=launch.payment_trace_id
        ),
    )
    return {
        "url": invoice.pay_url(),
        "pay_link": invoice_pay_link(invoice),
        "asset_id": str(launch.asset_id),
        "amount": decimal_text(launch.fund_amount),
        "amount_paid": decimal_text(Decimal(launch.amount_paid)),
        "trace_id": str(launch.payment_trace_id),
    }


def launch_detail(*, launch: CampaignLaunch) -> dict:
    market_field, _ = TYPES[launch.type]
    escrow = None
    if launch.escrow_address:
        escrow = {
            "chain_id": launch.chain_id,
            "address": launch.escrow_address,
            "amount": decimal_text(launch.fund_amount),
            "token_symbol": launch.fund_token_symbol,
            "token_decimals": launch.fund_token_decimals,
        }
    events = launch.events.order_by("-created_at", "-id")[:EVENTS_SHOWN]
    return {
        "id": str(launch.pk),
        "state": launch.state,
        "state_label": str(STATE_WORDS[LaunchState(launch.state)][0]),
        "type": launch.type,
        "exchange": launch.exchange_name,
        "market_field": market_field,
        "symbol": launch.symbol,
        "details": launch.details,
        "start_date": launch.start_date,
        "end_date": launch.end_date,
        "chain_id": launch.chain_id,
        "fund_token_symbol": launch.fund_token_symbol,
        "fund_token_decimals": launch.fund_token_decimals,
        "fund_amount": decimal_text(launch.fund_amount),
        "funding_method": launch.funding_method,
        "funder_address": launch.funder_address,
        "escrow": escrow,
        "payment": launch_payment(launch=launch),
        "funding_tx_hash": launch.funding_tx_hash,
        "last_error": launch.last_error,
        "expires_at": launch.expires_at,
        "campaign_key": launch.campaign.key if launch.campaign_id else "",
        "created_at": launch.created_at,
        "events": [
            {
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor,
                "reason": e.reason,
                "created_at": e.created_at,
            }
            for e in events
        ],
    }
