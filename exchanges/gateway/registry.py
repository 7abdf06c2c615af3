"""Building a gateway for a stored API key, or a keyless one for public market data."""

from __future__ import annotations

import threading

from core.crypto import decrypt_secret
from exchanges.gateway.ccxt_adapter import DEFAULT_TIMEOUT_MS, CcxtGateway, ccxt_client
from exchanges.gateway.protocol import ExchangeGateway
from exchanges.models import Exchange, ExchangeAPIKey

# One gateway per API key per process, so that key's calls share ccxt's rate limiter and
# the gateway's lock.
_gateways: dict[int, tuple[tuple[str, ...], CcxtGateway]] = {}
_gateways_lock = threading.Lock()


def gateway_for_api_key(
    api_key_id: int, *, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> ExchangeGateway:
    """The gateway of a stored key; rebuilt when the key, its secret or its exchange change."""
    api_key = ExchangeAPIKey.objects.select_related("exchange").get(pk=api_key_id)
    exchange = api_key.exchange
    fingerprint = (
        exchange.ccxt_id,
        exchange.api_base_url,
        api_key.api_key,
        api_key.secret_encrypted,
        str(timeout_ms),
    )
    with _gateways_lock:
        cached = _gateways.get(api_key_id)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        gateway = CcxtGateway(
            ccxt_client(
                ccxt_id=exchange.ccxt_id,
                api_key=api_key.api_key,
                secret=decrypt_secret(api_key.secret_encrypted),
                api_base_url=exchange.api_base_url,
                timeout_ms=timeout_ms,
            )
        )
        _gateways[api_key_id] = (fingerprint, gateway)
        return gateway


def public_gateway_for_exchange(*, exchange: Exchange, timeout_ms: int) -> ExchangeGateway:
    """A gateway with no key: it reads public market data and can touch no account."""
    return CcxtGateway(
        ccxt_client(
            ccxt_id=exchange.ccxt_id,
            api_key="",
            secret="",
            api_base_url=exchange.api_base_url,
            timeout_ms=timeout_ms,
        )
    )
