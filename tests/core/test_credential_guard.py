"""Raw credential fields are refused everywhere but the one endpoint that accepts a key."""

import logging

import pytest

from tests.exchanges.factories import ExchangeFactory

SECRET = "topsecret-value-7f3a"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"api_key": "k"}, "api_key"),
        ({"order": {"exchange": {"secret": SECRET}}}, "order.exchange.secret"),
        ({"legs": [{"amount": "1"}, {"Api-Secret": SECRET}]}, "legs[1].Api-Secret"),
        ({"spend_private_key": SECRET}, "spend_private_key"),
        ({"passphrase": SECRET}, "passphrase"),
    ],
)
def test_json_body_with_a_credential_field_is_refused(api_admin, caplog, payload, field):
    caplog.set_level(logging.DEBUG)
    response = api_admin.post("/api/v1/exchanges/", payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "credential_field_refused"
    assert error["detail"]["fields"] == [field]
    assert SECRET not in response.content.decode()
    assert SECRET not in caplog.text
    assert all(SECRET not in str(vars(r)) for r in caplog.records)


def test_form_body_with_a_credential_field_is_refused(api_admin):
    response = api_admin.post(
        "/api/v1/exchanges/", {"label": "a", "secret_key": SECRET}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["detail"]["fields"] == ["secret_key"]


def test_the_api_key_endpoint_accepts_credentials(api_admin, django_capture_on_commit_callbacks):
    exchange = ExchangeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        response = api_admin.post(
            f"/api/v1/exchanges/{exchange.pk}/api-keys/",
            {"label": "main", "api_key": "pub", "secret": SECRET},
            format="json",
        )
    assert response.status_code == 201


def test_a_body_without_credentials_passes_the_guard(api_admin):
    # The view refuses POST (405), which shows the guard let the request through.
    response = api_admin.post("/api/v1/exchanges/", {"label": "x"}, format="json")
    assert response.status_code == 405
