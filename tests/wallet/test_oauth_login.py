"""Mixin OAuth login: authorize redirect, code → token → /me, one Django user per Mixin id."""

import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tests.conftest import requires_postgres
from wallet.client import MixinClient
from wallet.models import MixinUser
from wallet.services.login import mixin_login


def start_login(client) -> dict[str, str]:
    response = client.get("/auth/mixin/login/?next=/orders/")
    assert response.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def consent(mixin_sim, user_id: str, params: dict[str, str]) -> str:
    """The user approves on the simulator's authorize page; returns where it sends them."""
    response = httpx.get(f"{mixin_sim.url}/oauth/authorize", params={**params, "user_id": user_id})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.django_db
def test_the_login_redirects_to_mixins_authorize_page(wallet_settings, client, keystore):
    params = start_login(client)
    assert params["client_id"] == keystore.app_id
    assert params["scope"] == "PROFILE:READ"
    assert params["return_to"] == "http://testserver/auth/mixin/callback/"
    assert params["state"] == client.session["mixin_oauth_state"]


@pytest.mark.django_db
def test_logging_in_twice_creates_the_user_once(wallet_settings, client, mixin_sim):
    alice = mixin_sim.user("Alice")

    for _ in range(2):
        back = consent(mixin_sim, alice, start_login(client))
        response = client.get(back.removeprefix("http://testserver"))
        assert response.status_code == 302
        assert response["Location"] == "/orders/"

    mixin_user = MixinUser.objects.get()
    assert str(mixin_user.mixin_user_id) == alice
    assert mixin_user.full_name == "Alice"
    assert get_user_model().objects.count() == 1
    assert int(client.session["_auth_user_id"]) == mixin_user.user_id


@pytest.mark.django_db
def test_a_forged_state_or_a_used_code_logs_nobody_in(wallet_settings, client, mixin_sim):
    alice = mixin_sim.user("Alice")
    back = consent(mixin_sim, alice, start_login(client))
    query = parse_qs(urlsplit(back).query)
    forged = client.get(f"/auth/mixin/callback/?code={query['code'][0]}&state=forged")
    assert forged.status_code == 400

    params = start_login(client)
    reused = client.get(f"/auth/mixin/callback/?code={query['code'][0]}&state={params['state']}")
    assert reused.status_code == 302
    params = start_login(client)
    again = client.get(f"/auth/mixin/callback/?code={query['code'][0]}&state={params['state']}")
    assert again.status_code == 403
    assert MixinUser.objects.count() == 1


@pytest.mark.django_db
def test_a_logged_in_user_links_their_mixin_account(wallet_settings, client, mixin_sim):
    existing = get_user_model().objects.create_user(username="operator", password="x" * 20)
    client.force_login(existing)
    bob = mixin_sim.user("Bob")
    back = consent(mixin_sim, bob, start_login(client))
    client.get(back.removeprefix("http://testserver"))
    assert MixinUser.objects.get().user == existing


@pytest.mark.django_db
def test_the_api_trades_a_code_for_a_token_that_authenticates(wallet_settings, mixin_sim):
    from rest_framework.test import APIClient

    carol = mixin_sim.user("Carol")
    code = mixin_sim.control("POST", "/_sim/oauth/codes", {"user_id": carol})["code"]
    api = APIClient()
    answer = api.post("/api/v1/auth/mixin/", {"code": code}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["mixin_user_id"] == carol

    api.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    profile = api.get("/api/v1/wallet/me/")
    assert profile.status_code == 200
    assert profile.json()["full_name"] == "Carol"

    refused = APIClient().post("/api/v1/auth/mixin/", {"code": code}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "mixin_login_refused"


@pytest.mark.django_db
def test_the_profile_api_says_when_no_mixin_account_is_linked(api_admin):
    response = api_admin.get("/api/v1/wallet/me/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


class _MeetingClient(MixinClient):
    """The real client, except that two logins meet after reading the profile."""

    barrier: threading.Barrier

    def me_with_access_token(self, access_token: str) -> dict:
        profile = super().me_with_access_token(access_token)
        self.barrier.wait(timeout=10)
        return profile


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_logins_at_once_create_one_user(wallet_settings, keystore, mixin_sim, caplog):
    dave = mixin_sim.user("Dave")
    codes = [mixin_sim.control("POST", "/_sim/oauth/codes", {"user_id": dave})["code"]]
    codes.append(mixin_sim.control("POST", "/_sim/oauth/codes", {"user_id": dave})["code"])
    barrier, logged_in, errors = threading.Barrier(2), [], []

    def login(code: str) -> None:
        client = _MeetingClient(base_url=mixin_sim.url, keystore=keystore, timeout_seconds=5)
        client.barrier = barrier
        try:
            logged_in.append(mixin_login(code=code, client=client).user_id)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            client.close()
            connection.close()

    threads = [threading.Thread(target=login, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(set(logged_in)) == 1 and len(logged_in) == 2
    assert MixinUser.objects.count() == 1
    assert get_user_model().objects.count() == 1
    assert "a concurrent first login" in caplog.text  # the race really happened
