"""Discovery: the launcher's campaigns copied into the database by the sync job, with the
oracle's leaderboard and the daily paid amounts of those still running."""

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from campaigns.hufi import LAUNCHER_PAGE_LIMIT, HufiApi, HufiObject
from campaigns.models import Campaign
from core.errors import ExternalServiceError, RejectedError

logger = logging.getLogger(__name__)

LIVE = (Campaign.Status.ACTIVE, Campaign.Status.TO_CANCEL)
FEE_FIELDS = (
    "exchange_oracle_fee_percent",
    "recording_oracle_fee_percent",
    "reputation_oracle_fee_percent",
)


def _moment(raw: object) -> datetime | None:
    return parse_datetime(str(raw)) if raw else None


def _fields(item: HufiObject) -> dict[str, object]:
    start, end = _moment(item["start_date"]), _moment(item["end_date"])
    if start is None or end is None:
        raise RejectedError("a launcher campaign has no start or end date", detail=item)
    return {
        "type": str(item["type"]),
        "exchange_name": str(item["exchange_name"]),
        "symbol": str(item["symbol"]),
        "details": item.get("details") or {},
        "start_date": start,
        "end_date": end,
        "status": str(item["status"]),
        "fund_amount": Decimal(str(item["fund_amount"])),
        "fund_token": str(item["fund_token"]),
        "fund_token_symbol": str(item["fund_token_symbol"]),
        "fund_token_decimals": int(item["fund_token_decimals"]),
        "balance": Decimal(str(item.get("balance") or 0)),
        "amount_paid": Decimal(str(item.get("amount_paid") or 0)),
        "launcher": str(item.get("launcher") or ""),
        "intermediate_results_url": str(item.get("intermediate_results_url") or ""),
        "final_results_url": str(item.get("final_results_url") or ""),
    }


@transaction.atomic
def campaign_upsert(*, item: HufiObject, live: dict[str, object] | None = None) -> Campaign:
    """One launcher campaign stored; the operator's `joining_enabled` is never touched."""
    fields = {**_fields(item), **(live or {}), "synced_at": timezone.now()}
    campaign, _ = Campaign.objects.update_or_create(
        chain_id=int(item["chain_id"]), address=str(item["address"]).lower(), defaults=fields
    )
    return campaign


def _live_fields(client: HufiApi, item: HufiObject) -> dict[str, object]:
    """What only a running campaign's detail, leaderboard and paid amounts tell."""
    chain_id, address = int(item["chain_id"]), str(item["address"])
    detail = client.campaign(chain_id=chain_id, address=address)
    return {
        "oracle_fee_percent": {name: str(detail.get(name, "0")) for name in FEE_FIELDS},
        "leaderboard": client.leaderboard(chain_id=chain_id, address=address),
        "daily_paid_amounts": client.daily_paid_amounts(chain_id=chain_id, address=address),
    }


def campaigns_sync(*, client: HufiApi) -> int:
    """Every campaign the launcher lists, page by page; returns how many were stored.

    One campaign whose extra reads fail is stored with what the list said, so a single
    bad campaign never stops the rest."""
    stored, skip = 0, 0
    while True:
        page = client.campaigns_page(limit=LAUNCHER_PAGE_LIMIT, skip=skip)
        for item in page["results"]:
            live = None
            if item.get("status") in LIVE:
                try:
                    live = _live_fields(client, item)
                except ExternalServiceError as error:
                    logger.warning(
                        "a campaign's detail was not read",
                        extra={"campaign_id": item.get("address"), "error": error.message},
                    )
            campaign_upsert(item=item, live=live)
            stored += 1
        skip += len(page["results"])
        if not page.get("has_more") or not page["results"]:
            return stored
