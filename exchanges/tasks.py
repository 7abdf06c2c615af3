import logging

from celery import shared_task

from core import context
from core.errors import AuthFailedError, RejectedError
from core.jobs import MrMarketTask
from exchanges.models import ExchangeAPIKey
from exchanges.services import api_key_record_validation

logger = logging.getLogger(__name__)


@shared_task(base=MrMarketTask, max_retries=3)
def api_key_validate(*, api_key_id: int, trace_id: str) -> str:
    """Ask the exchange for the key's balances: answered means valid, refused means invalid.

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
            api_key_id=api_key_id, valid=False, can_trade=None, error=exc.message
        )
        logger.info("exchange refused the API key")
        return ExchangeAPIKey.ValidationStatus.INVALID
    api_key_record_validation(
        api_key_id=api_key_id,
        valid=True,
        can_trade=balances.can_trade,
        can_withdraw=balances.can_withdraw,
        deposit_address_readable=_deposit_address_readable(api_key_id, gateway),
    )
    logger.info(
        "exchange accepted the API key",
        extra={"can_trade": balances.can_trade, "can_withdraw": balances.can_withdraw},
    )
    return ExchangeAPIKey.ValidationStatus.VALID


def _deposit_address_readable(api_key_id: int, gateway) -> bool | None:  # noqa: ANN001
    """Ask for the deposit address of one enabled pair's base asset on its mapped network,
    as funding will; None while the exchange has no pair with a mapped network."""
    api_key = ExchangeAPIKey.objects.get(pk=api_key_id)
    mappings = {m.chain_id: m.network_code for m in api_key.exchange.network_mappings.all()}
    for pair in api_key.exchange.pairs.filter(enabled=True).order_by("pk"):
        if pair.base_chain_id in mappings:
            try:
                gateway.deposit_address(
                    asset=pair.base_symbol, network=mappings[pair.base_chain_id]
                )
            except (AuthFailedError, RejectedError):
                return False
            return True
    return None


@shared_task(base=MrMarketTask)
def api_keys_revalidate(*, trace_id: str | None = None) -> int:
    """Periodic: ask each enabled key's exchange again, so a revoked key shows up."""
    keys = ExchangeAPIKey.objects.filter(enabled=True, exchange__enabled=True)
    count = 0
    for api_key_id in keys.values_list("pk", flat=True):
        api_key_validate.delay(api_key_id=api_key_id, trace_id=context.current_trace_id())
        count += 1
    return count
