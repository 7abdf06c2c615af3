"""The HuFi port against the HuFi simulator over HTTP: the login message and signature,
tokens refreshed, keys registered, joins, and errors classified by the shared taxonomy."""

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from campaigns.hufi import HufiApi, HufiClient, login_message, login_signature
from core.errors import AuthFailedError, RejectedError, RemoteNotFoundError, RetryableError
from tests.campaigns.conftest import CHAIN_ID, EXCHANGE, MemorySigner, control

# A fixed key: EIP-191 signatures are deterministic (RFC 6979), so the bytes can be pinned.
FIXED_KEY = "0x" + "11" * 32
FIXED_ADDRESS = Account.from_key(FIXED_KEY).address


def test_the_login_message_is_the_compact_json_of_the_nonce():
    assert login_message("signup") == b'{"nonce":"signup"}'
    assert login_message('a"b') == b'{"nonce":"a\\"b"}'
    signable = encode_defunct(primitive=login_message("3f9c"))
    assert signable.header == b"thereum Signed Message:\n16"
    assert signable.body == b'{"nonce":"3f9c"}'


def test_the_signature_is_pinned_and_recovers_the_node_address():
    signature = login_signature(private_key=FIXED_KEY, nonce="3f9c")
    assert signature == PINNED_SIGNATURE
    recovered = Account.recover_message(
        encode_defunct(primitive=b'{"nonce":"3f9c"}'), signature=signature
    )
    assert recovered == FIXED_ADDRESS
    # a message with a space is another message: it does not recover our address
    spaced = Account.recover_message(
        encode_defunct(primitive=b'{"nonce": "3f9c"}'), signature=signature
    )
    assert spaced != FIXED_ADDRESS


PINNED_SIGNATURE = (
    "0xd592277e471933130dfa1bfc01502f831fc2927db660e7af88faf0eb40f63c46"
    "1392152a829b311520e215ca983284fbe1842028b6a95c31f8ac61e7eb70a79d1b"
)


def test_client_implements_the_port():
    client = HufiClient(launcher_url="http://x", oracle_url="http://y", timeout_seconds=1)
    assert isinstance(client, HufiApi)
    client.close()


def test_launcher_reads_campaigns_with_filters(hufi_client_for, campaign):
    created = campaign()
    client = hufi_client_for()
    page = client.campaigns_page(chain_id=CHAIN_ID, status="active", exchange=EXCHANGE)
    assert [c["address"] for c in page["results"]] == [created["address"]]
    assert client.campaigns_page(exchange="okx")["results"] == []
    detail = client.campaign(chain_id=CHAIN_ID, address=created["address"])
    assert detail["recording_oracle_fee_percent"] is not None
    assert client.daily_paid_amounts(chain_id=CHAIN_ID, address=created["address"]) == []
    assert client.leaderboard(chain_id=CHAIN_ID, address=created["address"])["data"] == []


def test_sign_in_register_a_read_key_and_join(hufi_client_for, campaign, venue_account):
    created = campaign()
    signer = MemorySigner()
    client = hufi_client_for(signer)
    registered = client.exchange_api_key_register(
        exchange_name=EXCHANGE,
        api_key=venue_account.read_api_key,
        secret_key=venue_account.read_secret,
    )
    assert registered["api_key"] == venue_account.read_api_key
    assert len(signer.saved) == 1  # signed in once, on the first signed call
    joined = client.campaign_join(chain_id=CHAIN_ID, address=created["address"])
    again = client.campaign_join(chain_id=CHAIN_ID, address=created["address"])
    assert joined["id"] == again["id"]
    status = client.campaign_join_status(chain_id=CHAIN_ID, address=created["address"])
    assert status["status"] == "already_joined"
    assert [k["api_key"] for k in client.exchange_api_keys()] == [venue_account.read_api_key]


def test_an_expired_access_token_is_refreshed_once(hufi, hufi_client_for, venue_account):
    signer = MemorySigner()
    client = hufi_client_for(signer)
    assert client.exchange_api_keys() == []
    control(hufi, "/_sim/clock", {"advance_seconds": 2 * 3600})  # access tokens live 1 hour
    assert client.exchange_api_keys() == []
    assert len(signer.saved) == 2
    assert signer.saved[0] != signer.saved[1]
    # a new client starts from the stored tokens and needs no new login
    assert hufi_client_for(signer).exchange_api_keys() == []
    assert len(signer.saved) == 2


def test_when_the_refresh_token_is_dead_too_the_client_signs_in_again(hufi, hufi_client_for):
    signer = MemorySigner()
    client = hufi_client_for(signer)
    client.exchange_api_keys()
    control(hufi, "/_sim/clock", {"advance_seconds": 31 * 86400})  # past the refresh token
    assert client.exchange_api_keys() == []
    assert len(signer.saved) == 2


def test_errors_are_classified(hufi_client_for, campaign, hufi_settings):
    created = campaign()
    client = hufi_client_for(MemorySigner())
    with pytest.raises(RemoteNotFoundError):
        client.campaign(chain_id=CHAIN_ID, address="0x" + "0" * 40)
    with pytest.raises(RejectedError) as refused:  # no exchange key registered yet
        client.campaign_join(chain_id=CHAIN_ID, address=created["address"])
    assert refused.value.detail["http_status"] in (400, 422)
    with pytest.raises(RejectedError):
        client.exchange_api_key_register(exchange_name=EXCHANGE, api_key="no", secret_key="no")
    dead = HufiClient(
        launcher_url="http://127.0.0.1:9/launcher",
        oracle_url="http://127.0.0.1:9/oracle",
        timeout_seconds=0.5,
    )
    with pytest.raises(RetryableError):
        dead.campaigns_page()
    dead.close()


def test_a_wrong_key_is_an_auth_failure(hufi_client_for):
    class WrongSigner(MemorySigner):
        def sign_login(self, nonce: str) -> str:
            return login_signature(private_key=FIXED_KEY, nonce=nonce)

    with pytest.raises(AuthFailedError):
        hufi_client_for(WrongSigner()).exchange_api_keys()
