import logging

import ccxt
from celery import shared_task

from exchanges.models import ExchangeAPIKey
from exchanges.services import api_key_record_validation
from mrmarket import context
from mrmarket.errors import RetryableError
from mrmarket.jobs import MrMarketTask

logger = logging.getLogger(__name__)


@shared_task(base=MrMarketTask, max_retries=3)
def api_key_validate(*, api_key_id: int, trace_id: str) -> str:
    """Ask the exchange for the key's balances: answered means valid, refused means invalid."""
    from exchanges.gateway import ccxt_client_for

    logger.info("validating exchange API key")
    api_key = ExchangeAPIKey.objects.select_related("exchange").get(pk=api_key_id)
    client = ccxt_client_for(api_key)
    try:
        balance = client.fetch_balance()
    except (ccxt.AuthenticationError, ccxt.PermissionDenied) as exc:
        api_key_record_validation(
            api_key_id=api_key_id, valid=False, can_trade=None, error=exc.__class__.__name__
        )
        logger.info("exchange refused the API key")
        return ExchangeAPIKey.ValidationStatus.INVALID
    except ccxt.NetworkError as exc:
        logger.warning("exchange unreachable while validating", extra={"error": type(exc).__name__})
        raise RetryableError(f"exchange unreachable: {type(exc).__name__}") from exc
    can_trade = (balance.get("info") or {}).get("canTrade")
    api_key_record_validation(api_key_id=api_key_id, valid=True, can_trade=can_trade)
    logger.info("exchange accepted the API key", extra={"can_trade": can_trade})
    return ExchangeAPIKey.ValidationStatus.VALID


@shared_task(base=MrMarketTask)
def api_keys_revalidate(*, trace_id: str | None = None) -> int:
    """Periodic: ask each enabled key's exchange again, so a revoked key shows up."""
    keys = ExchangeAPIKey.objects.filter(enabled=True, exchange__enabled=True)
    count = 0
    for api_key_id in keys.values_list("pk", flat=True):
        api_key_validate.delay(api_key_id=api_key_id, trace_id=context.current_trace_id())
        count += 1
    return count
