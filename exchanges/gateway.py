"""The venue port: ccxt exchange clients built from stored API keys.

The secret is decrypted here and only here; everything else passes the key's id.
"""

from urllib.parse import urlsplit, urlunsplit

import ccxt

from exchanges.models import ExchangeAPIKey
from mrmarket.crypto import decrypt_secret

DEFAULT_TIMEOUT_MS = 10_000


def _rebase(url: str, base: str) -> str:
    """Swap the scheme and host of an exchange URL, keeping the dialect's path."""
    target = urlsplit(base)
    parts = urlsplit(url)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))


def _rebase_urls(api_urls: object, base: str) -> object:
    if isinstance(api_urls, str):
        return _rebase(api_urls, base)
    if isinstance(api_urls, dict):
        return {name: _rebase_urls(value, base) for name, value in api_urls.items()}
    return api_urls


def ccxt_client_for(api_key: ExchangeAPIKey) -> ccxt.Exchange:
    exchange = api_key.exchange
    klass = getattr(ccxt, exchange.ccxt_id)
    client = klass(
        {
            "apiKey": api_key.api_key,
            "secret": decrypt_secret(api_key.secret_encrypted),
            "enableRateLimit": True,
            "timeout": DEFAULT_TIMEOUT_MS,
            "options": {
                "fetchMarkets": {"types": ["spot"]},
                "fetchMargins": False,
                "fetchCurrencies": False,
            },
        }
    )
    if exchange.api_base_url:
        client.urls["api"] = _rebase_urls(client.urls["api"], exchange.api_base_url)
    return client
