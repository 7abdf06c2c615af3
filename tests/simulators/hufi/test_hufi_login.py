"""The recording oracle's login: EIP-191 over the exact bytes {"nonce":"…"}, then tokens."""

import json

from eth_account import Account
from eth_account.messages import encode_defunct

from simulators.hufi.auth import login_message
from tests.simulators.hufi.conftest import login


def test_the_signed_message_is_compact_json_of_the_nonce():
    assert login_message("7f3a") == b'{"nonce":"7f3a"}'
    assert login_message("7f3a") == json.dumps({"nonce": "7f3a"}, separators=(",", ":")).encode()
    # EIP-191 personal_sign: version 0x45, the prefix with the byte length, then the bytes
    signable = encode_defunct(primitive=login_message("signup"))
    assert signable.version == b"E"
    assert signable.header == b"thereum Signed Message:\n18"
    assert signable.body == b'{"nonce":"signup"}'


def test_signup_login_and_the_nonce_turns_over(hufi):
    account = Account.create()
    first = hufi.post("/oracle/auth/nonce", json={"address": account.address})
    assert first.json() == {"nonce": "signup"}
    signature = account.sign_message(encode_defunct(text='{"nonce":"signup"}')).signature.hex()
    answer = hufi.post("/oracle/auth", json={"address": account.address, "signature": signature})
    assert answer.status_code == 200
    assert set(answer.json()) == {"access_token", "refresh_token"}

    nonce = hufi.post("/oracle/auth/nonce", json={"address": account.address.lower()}).json()
    assert nonce["nonce"] != "signup"
    # the same signature is good once: the nonce it signed is gone
    replay = hufi.post("/oracle/auth", json={"address": account.address, "signature": signature})
    assert replay.status_code == 401
    assert login(hufi, account)["access_token"]


def test_a_signature_by_another_key_or_over_other_bytes_is_refused(hufi):
    account, other = Account.create(), Account.create()
    by_other = other.sign_message(encode_defunct(text='{"nonce":"signup"}')).signature.hex()
    spaced = account.sign_message(encode_defunct(text='{"nonce": "signup"}')).signature.hex()
    for signature in (by_other, spaced, "0x1234"):
        answer = hufi.post(
            "/oracle/auth", json={"address": account.address, "signature": signature}
        )
        assert answer.status_code == 401, signature
        assert answer.json()["status_code"] == 401
    assert hufi.post("/oracle/auth/nonce", json={"address": "0x12"}).status_code == 400


def test_tokens_refresh_expire_and_log_out(hufi):
    account = Account.create()
    tokens = login(hufi, account)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert hufi.get("/oracle/exchange-api-keys", headers=bearer).json() == []

    renewed = hufi.post("/oracle/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200
    again = hufi.post("/oracle/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401  # a refresh token turns over

    hufi.post("/_sim/clock", json={"advance_seconds": 3601})
    assert hufi.get("/oracle/exchange-api-keys", headers=bearer).status_code == 401
    fresh = hufi.post(
        "/oracle/auth/refresh", json={"refresh_token": renewed.json()["refresh_token"]}
    ).json()
    bearer = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert hufi.get("/oracle/exchange-api-keys", headers=bearer).status_code == 200

    assert hufi.post("/oracle/auth/logout", headers=bearer).status_code == 200
    assert hufi.get("/oracle/exchange-api-keys", headers=bearer).status_code == 401
    gone = hufi.post("/oracle/auth/refresh", json={"refresh_token": fresh["refresh_token"]})
    assert gone.status_code == 401
