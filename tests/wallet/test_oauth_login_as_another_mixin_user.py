"""A browser logged in as one Mixin user that completes a login as another Mixin user gets
a clear 409 and stays who it was: no 500, no second link on one account."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model

from wallet.models import MixinUser


def log_in_as(client, mixin_sim, mixin_user_id: str):
    started = client.get("/auth/mixin/login/?next=/orders/")
    params = {k: v[0] for k, v in parse_qs(urlsplit(started["Location"]).query).items()}
    consent = httpx.get(
        f"{mixin_sim.url}/oauth/authorize", params={**params, "user_id": mixin_user_id}
    )
    return client.get(consent.headers["Location"].removeprefix("http://testserver"))


@pytest.mark.django_db
def test_completing_a_login_as_a_new_mixin_user_while_logged_in_is_a_409(
    wallet_settings, client, mixin_sim
):
    alice, bob = mixin_sim.user("Alice"), mixin_sim.user("Bob")
    assert log_in_as(client, mixin_sim, alice).status_code == 302
    alice_user_id = MixinUser.objects.get().user_id

    response = log_in_as(client, mixin_sim, bob)

    assert response.status_code == 409
    assert "log out" in response.content.decode().lower()
    assert MixinUser.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == alice_user_id


@pytest.mark.django_db
def test_completing_a_login_as_a_mixin_user_linked_elsewhere_is_a_409(
    wallet_settings, client, mixin_sim
):
    carol = mixin_sim.user("Carol")
    assert log_in_as(client, mixin_sim, carol).status_code == 302  # carol's own user
    operator = get_user_model().objects.create_user(username="operator", password="x" * 20)
    client.force_login(operator)

    response = log_in_as(client, mixin_sim, carol)

    assert response.status_code == 409
    assert "already linked" in response.content.decode()
    assert MixinUser.objects.get().user != operator
    assert int(client.session["_auth_user_id"]) == operator.pk
