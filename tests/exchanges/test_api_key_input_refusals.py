"""The API key endpoint: a duplicate key is a 400 that shows nothing of the credential,
an exchange id too large for the database is a 404, and error reports never show the
credential even in debug mode."""

import pytest
from django.test import override_settings
from django.views.debug import ExceptionReporter

from exchanges import services
from exchanges.models import ExchangeAPIKey
from tests.exchanges.factories import ExchangeFactory

pytestmark = pytest.mark.django_db

SECRET = "plaintext-secret-5c0ffee5c0ffee"
API_KEY = "pubkey-DUPLICATE-0123456789"


def add_key(api_admin, exchange, label, *, api_key=API_KEY, secret=SECRET):
    return api_admin.post(
        f"/api/v1/exchanges/{exchange.pk}/api-keys/",
        {"label": label, "api_key": api_key, "secret": secret},
        format="json",
    )


def test_the_same_api_key_twice_is_a_400_naming_no_secret(
    api_admin, django_capture_on_commit_callbacks
):
    exchange = ExchangeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        assert add_key(api_admin, exchange, "first").status_code == 201
        again = add_key(api_admin, exchange, "second")
    assert again.status_code == 400, again.content
    assert again.json()["error"]["code"] == "api_key_taken"
    assert SECRET not in again.content.decode() and API_KEY not in again.content.decode()
    assert ExchangeAPIKey.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("exchange_id", ["10000000000000000001", "9" * 40])
def test_an_exchange_id_beyond_the_database_is_a_404(api_admin, method, exchange_id):
    path = f"/api/v1/exchanges/{exchange_id}/api-keys/"
    response = getattr(api_admin, method)(path, {}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_pair_id_beyond_the_database_is_a_404_on_the_pages(client):
    assert client.get("/orders/pairs/10000000000000000001/market/").status_code == 404


@override_settings(DEBUG=True)
def test_an_error_report_hides_the_credential_even_in_debug_mode(api_admin, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("validation could not be queued")

    monkeypatch.setattr(services, "api_key_request_validation", fail)
    exchange = ExchangeFactory()
    with pytest.raises(RuntimeError) as caught:
        add_key(api_admin, exchange, "main")
    # From Django's request handler on: what a server's error report would show.
    tb = caught.tb
    while "django/core/handlers" not in tb.tb_frame.f_code.co_filename:
        tb = tb.tb_next
    report = ExceptionReporter(None, caught.type, caught.value, tb)
    text = report.get_traceback_text() + report.get_traceback_html()
    assert "api_key_create" in text  # the frames are there, their credentials are not
    assert SECRET not in text
    assert API_KEY not in text
