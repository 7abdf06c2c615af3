"""The HuFi simulator (with the venue simulator as its exchange `binance`) for the
product's campaign code, and the product's settings pointed at it."""

import secrets
from dataclasses import dataclass

import httpx
import pytest
from eth_account import Account

from campaigns.hufi import HufiClient, login_signature
from simulators.venue.control import SimulatorControl
from tests.simulators.hufi.conftest import (  # noqa: F401 - fixtures
    CHAIN_ID,
    EXCHANGE,
    PAIR,
    campaign,
    control,
    hufi,
    hufi_world,
    mm_manifest,
    participant,
    venue,
)


class MemorySigner:
    """A HufiSigner that keeps its key and tokens in memory (the stored one is in
    campaigns.services.identity; this one lets a test see the tokens turn over)."""

    def __init__(self) -> None:
        self.account = Account.create()
        self.saved: list[tuple[str, str]] = []

    @property
    def address(self) -> str:
        return self.account.address

    def sign_login(self, nonce: str) -> str:
        return login_signature(private_key="0x" + bytes(self.account.key).hex(), nonce=nonce)

    def tokens_load(self) -> tuple[str, str] | None:
        return self.saved[-1] if self.saved else None

    def tokens_save(self, access_token: str, refresh_token: str) -> None:
        self.saved.append((access_token, refresh_token))


@pytest.fixture
def hufi_settings(settings, hufi: httpx.Client):  # noqa: F811 - the fixture imported above
    base = str(hufi.base_url).rstrip("/")
    settings.HUFI_LAUNCHER_URL = f"{base}/launcher"
    settings.HUFI_ORACLE_URL = f"{base}/oracle"
    settings.HUFI_HTTP_TIMEOUT_MS = 5000
    return settings


@pytest.fixture
def hufi_client_for(hufi_settings):
    clients: list[HufiClient] = []

    def make(signer=None) -> HufiClient:
        client = HufiClient(
            launcher_url=hufi_settings.HUFI_LAUNCHER_URL,
            oracle_url=hufi_settings.HUFI_ORACLE_URL,
            timeout_seconds=5,
            signer=signer,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@dataclass
class VenueAccount:
    api_key: str
    secret: str
    read_api_key: str
    read_secret: str


@pytest.fixture
def venue_account(venue) -> VenueAccount:  # noqa: F811 - the fixture imported above
    """A trading account on the venue and a read-only key to it, over the control API."""
    control_api = SimulatorControl(venue[1])
    trading = control_api.account_create(
        label=f"mm-{secrets.token_hex(2)}", permissions=["read", "trade"]
    )
    read = control_api.account_key_add(api_key=trading["api_key"], permissions=["read"])
    assert read["account_id"] == trading["account_id"]
    return VenueAccount(trading["api_key"], trading["secret"], read["api_key"], read["secret"])
