import logging

from celery import shared_task

from core import context
from core.errors import AuthFailedError
from core.jobs import MrMarketTask
from exchanges.models import ExchangeAPIKey
from exchanges.permissions import api_key_permissions_read, validation_outcome
from exchanges.services import api_key_record_validation

logger = logging.getLogger(__name__)


@shared_task(base=MrMarketTask, max_retries=3)
def api_key_validate(*, api_key_id: int, trace_id: str) -> str:
    """Ask the exchange about the key: refused means invalid; accepted, it is valid only
    when every permission its use needs is granted (exchanges.permission_rule), else
    insufficient.

    A RetryableError (exchange unreachable, rate limited) propagates and the base task
    retries it; the key stays `pending` meanwhile.
    """
    from exchanges.gateway import gateway_for_api_key

    logger.info("validating exchange API key")
    gateway = gateway_for_api_key(api_key_id)
    try:
        balances = gateway.balances()
    except AuthFailedError as exc:
        api_key_record_validation(
            api_key_id=api_key_id,
            status=ExchangeAPIKey.ValidationStatus.INVALID,
            can_trade=None,
            permission_report={"read": False},
            error=exc.message,
        )
        logger.info("exchange refused the API key")
        return ExchangeAPIKey.ValidationStatus.INVALID
    permissions = api_key_permissions_read(
        api_key=ExchangeAPIKey.objects.get(pk=api_key_id), gateway=gateway, balances=balances
    )
    status, message = validation_outcome(permissions)
    api_key_record_validation(
        api_key_id=api_key_id,
        status=status,
        can_trade=balances.can_trade,
        permission_report=dict(permissions.found),
        error=message,
    )
    logger.info("exchange accepted the API key", extra={"permissions": permissions.found})
    return status


@shared_task(base=MrMarketTask)
def api_keys_revalidate(*, trace_id: str | None = None) -> int:
    """Periodic: ask each enabled key's exchange again, so a revoked key shows up."""
    keys = ExchangeAPIKey.objects.filter(enabled=True, exchange__enabled=True)
    count = 0
    for api_key_id in keys.values_list("pk", flat=True):
        api_key_validate.delay(api_key_id=api_key_id, trace_id=context.current_trace_id())
        count += 1
    return count
