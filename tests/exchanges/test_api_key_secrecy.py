"""A saved secret cannot be read back through the admin, the API, the logs or the audit log."""

import logging

import pytest
from auditlog.models import LogEntry

from core.crypto import decrypt_secret
from exchanges.models import ExchangeAPIKey
from tests.exchanges.factories import ExchangeFactory

SECRET = "s3cr3t-VALUE-that-must-never-leak-0123456789"
API_KEY = "pubkey-ABCDEFGH-12345678"

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def everything_logged(caplog) -> str:
    from core.logs import JsonFormatter

    formatter = JsonFormatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_api_stores_the_secret_encrypted_and_never_returns_it(
    api_admin, captured_logs, django_capture_on_commit_callbacks
):
    exchange = ExchangeFactory()
    with django_capture_on_commit_callbacks(execute=False):
        response = api_admin.post(
            f"/api/v1/exchanges/{exchange.pk}/api-keys/",
            {"label": "main", "api_key": API_KEY, "secret": SECRET, "permission": "read-trade"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert SECRET not in response.content.decode()
    assert API_KEY not in response.content.decode()

    key = ExchangeAPIKey.objects.get()
    assert key.validation_status == "pending"
    assert SECRET not in key.secret_encrypted
    assert decrypt_secret(key.secret_encrypted) == SECRET

    listing = api_admin.get(f"/api/v1/exchanges/{exchange.pk}/api-keys/")
    assert listing.status_code == 200 and listing.json()[0]["label"] == "main"
    assert SECRET not in listing.content.decode()
    assert key.secret_encrypted not in listing.content.decode()

    assert SECRET not in everything_logged(captured_logs)
    audit = " ".join(str(entry.changes) for entry in LogEntry.objects.all())
    assert SECRET not in audit and key.secret_encrypted not in audit and API_KEY not in audit


def test_admin_adds_a_key_on_its_exchange_page_and_never_shows_the_secret(
    client, admin_client_user, captured_logs, django_capture_on_commit_callbacks
):
    exchange = ExchangeFactory()
    client.force_login(admin_client_user)
    url = f"/admin/exchanges/exchange/{exchange.pk}/change/"
    form = {
        "name": exchange.name,
        "ccxt_id": exchange.ccxt_id,
        "enabled": "on",
        "api_base_url": "",
        "maker_fee_rate": "0.001",
        "taker_fee_rate": "0.001",
        "api_keys-TOTAL_FORMS": "1",
        "api_keys-INITIAL_FORMS": "0",
        "api_keys-0-label": "admin-added",
        "api_keys-0-api_key": API_KEY,
        "api_keys-0-secret": SECRET,
        "api_keys-0-permission": "read-trade",
        "api_keys-0-enabled": "on",
        "network_mappings-TOTAL_FORMS": "0",
        "network_mappings-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert len(callbacks) == 1  # the validation task, queued after commit

    key = ExchangeAPIKey.objects.get(label="admin-added")
    assert decrypt_secret(key.secret_encrypted) == SECRET

    page = client.get(url).content.decode()
    assert "admin-added" in page
    assert SECRET not in page and key.secret_encrypted not in page

    listing = client.get("/admin/exchanges/exchangeapikey/").content.decode()
    assert "admin-added" in listing and SECRET not in listing and API_KEY not in listing

    assert SECRET not in everything_logged(captured_logs)
    entry = LogEntry.objects.get_for_object(key).get()
    assert entry.actor == admin_client_user
    assert SECRET not in str(entry.changes) and key.secret_encrypted not in str(entry.changes)


def test_admin_edit_without_secret_keeps_the_stored_one(client, admin_client_user):
    from exchanges.services import api_key_create

    exchange = ExchangeFactory()
    key = api_key_create(exchange=exchange, label="k", api_key=API_KEY, secret=SECRET)
    client.force_login(admin_client_user)
    form = {
        "name": exchange.name,
        "ccxt_id": exchange.ccxt_id,
        "enabled": "on",
        "maker_fee_rate": "0.001",
        "taker_fee_rate": "0.001",
        "api_keys-TOTAL_FORMS": "1",
        "api_keys-INITIAL_FORMS": "1",
        "api_keys-0-id": str(key.pk),
        "api_keys-0-exchange": str(exchange.pk),
        "api_keys-0-label": "renamed",
        "api_keys-0-api_key": API_KEY,
        "api_keys-0-secret": "",
        "api_keys-0-permission": "read",
        "network_mappings-TOTAL_FORMS": "0",
        "network_mappings-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/exchanges/exchange/{exchange.pk}/change/", form)
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.label == "renamed" and key.permission == "read"
    assert decrypt_secret(key.secret_encrypted) == SECRET


def test_rotation_reencrypts_under_the_newest_key(settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from exchanges.services import api_key_create

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    key = api_key_create(exchange=ExchangeFactory(), label="k", api_key=API_KEY, secret=SECRET)
    old_ciphertext = key.secret_encrypted

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys")
    key.refresh_from_db()
    assert key.secret_encrypted != old_ciphertext

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert decrypt_secret(key.secret_encrypted) == SECRET
