"""The node's EVM identity per exchange account: one key each, kept encrypted, and the
stored signer signs in to the oracle with it."""

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from campaigns.hufi import login_message
from campaigns.models import HufiIdentity
from campaigns.services.identity import IdentitySigner, identity_client, identity_for_account
from core.crypto import decrypt_secret
from demo.scenarios import simulated_exchange_put
from exchanges.services import api_key_create

pytestmark = pytest.mark.django_db


def _key(label: str, venue_url: str = "http://127.0.0.1:9"):
    exchange = simulated_exchange_put(name="Simulated venue", venue_url=venue_url)
    return api_key_create(
        exchange=exchange, label=label, api_key=f"{label}-key" * 4, secret="s" * 32
    )


def test_one_identity_per_account_with_its_key_encrypted():
    first, second = _key("a"), _key("b")
    identity = identity_for_account(trading_key=first)
    assert identity_for_account(trading_key=first).pk == identity.pk
    assert identity_for_account(trading_key=second).address != identity.address
    stored = HufiIdentity.objects.get(pk=identity.pk)
    private_key = decrypt_secret(stored.private_key_encrypted)
    assert private_key[2:] not in stored.private_key_encrypted
    assert Account.from_key(private_key).address == stored.address
    signature = IdentitySigner(stored).sign_login("n0")
    signer = Account.recover_message(
        encode_defunct(primitive=login_message("n0")), signature=signature
    )
    assert signer == stored.address


def test_the_stored_identity_signs_in_and_keeps_its_tokens_encrypted(hufi_settings):
    identity = identity_for_account(trading_key=_key("c"))
    with identity_client(identity) as client:
        assert client.exchange_api_keys() == []
    stored = HufiIdentity.objects.get(pk=identity.pk)
    assert stored.access_token_encrypted and stored.refresh_token_encrypted
    tokens = IdentitySigner(stored).tokens_load()
    assert tokens is not None and tokens[0] not in stored.access_token_encrypted
