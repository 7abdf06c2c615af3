"""The client signs every Safe request with the bot's session key; the simulator checks it."""

import json

import httpx
import pytest
from mixinsdk.clients._sign import sign_authentication_token

from core.errors import AuthFailedError
from wallet.client import MixinClient
from wallet.keystore import generate_keystore_json, keystore_from_json


def test_a_signed_request_reaches_the_bot_profile(mixin, keystore):
    me = mixin.me()
    assert me["user_id"] == keystore.app_id


def test_a_request_signed_by_another_session_key_is_refused(mixin_sim, keystore):
    stranger = keystore_from_json(generate_keystore_json(), source="test")
    impostor = keystore.__class__(
        app_id=keystore.app_id,
        session_id=keystore.session_id,
        server_public_key=keystore.server_public_key,
        session_seed=stranger.session_seed,
        spend_seed=keystore.spend_seed,
        oauth_client_secret=keystore.oauth_client_secret,
    )
    with MixinClient(base_url=mixin_sim.url, keystore=impostor, timeout_seconds=2) as client:
        with pytest.raises(AuthFailedError):
            client.me()


def test_a_signature_over_another_body_is_refused(mixin_sim, keystore):
    body = json.dumps({"members": [keystore.app_id], "threshold": 1, "chain_id": keystore.app_id})
    token = sign_authentication_token(
        keystore.app_id,
        keystore.session_id,
        keystore.session_seed,
        "EdDSA",
        "POST",
        "/safe/deposit/entries",
        body.replace("1", "2"),
    )
    response = httpx.post(
        f"{mixin_sim.url}/safe/deposit/entries",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 401


def test_the_signature_covers_the_query_string(mixin, mixin_sim, keystore):
    """A signed GET with a query is accepted, and the same token on another query is not."""
    assert mixin.snapshots(offset="2024-01-01T00:00:00.5Z", limit=7) == []
    token = sign_authentication_token(
        keystore.app_id,
        keystore.session_id,
        keystore.session_seed,
        "EdDSA",
        "GET",
        "/safe/snapshots?limit=7",
        "",
    )
    response = httpx.get(
        f"{mixin_sim.url}/safe/snapshots?limit=8", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_the_keystore_never_shows_its_secrets(keystore):
    shown = repr(keystore) + str(keystore)
    assert keystore.app_id in shown
    for secret in (
        keystore.session_seed.hex(),
        keystore.spend_seed.hex(),
        keystore.oauth_client_secret,
    ):
        assert secret not in shown
