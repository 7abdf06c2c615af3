"""The validation task asks the venue (through the gateway) and records what it said."""

import pytest

from core.errors import RetryableError
from exchanges.models import ExchangeAPIKey
from exchanges.services import api_key_create
from exchanges.tasks import api_key_validate
from tests.exchanges.factories import ExchangeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange(venue_url):
    return ExchangeFactory(name="Simulated Binance", api_base_url=venue_url)


def stored_key(exchange, account, *, secret=None, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return api_key_create(
            exchange=exchange,
            label=account["api_key"][:8],
            api_key=account["api_key"],
            secret=secret or account["secret"],
        )


@pytest.mark.parametrize(
    ("declared", "permissions", "status", "report"),
    [
        (  # no pair yet, so no deposit address read: unknown is not granted
            "read-trade",
            ["read", "trade", "withdraw"],
            "insufficient",
            {"read": True, "trade": True, "withdraw": True, "deposit_address": None},
        ),
        (
            "read-trade",
            ["read", "trade"],
            "insufficient",
            {"read": True, "trade": True, "withdraw": False, "deposit_address": None},
        ),
        (
            "read-trade",
            ["read", "withdraw"],
            "insufficient",
            {"read": True, "trade": False, "withdraw": True, "deposit_address": None},
        ),
        ("read", ["read"], "valid", {"read": True, "trade": False, "withdraw": False}),
    ],
)
def test_an_accepted_key_is_valid_only_with_what_its_use_needs(
    exchange,
    venue_control,
    django_capture_on_commit_callbacks,
    declared,
    permissions,
    status,
    report,
):
    account = venue_control.account_create(label="mm", permissions=permissions)
    key = stored_key(
        exchange, account, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    ExchangeAPIKey.objects.filter(pk=key.pk).update(permission=declared)

    assert api_key_validate(api_key_id=key.pk, trace_id="trace-validate-1") == status

    key.refresh_from_db()
    assert key.validation_status == status
    assert key.permission_report == report
    assert key.can_trade is ("trade" in permissions) and key.validated_at is not None
    missing = [name for name, found in report.items() if found is not True]
    if status == "insufficient":
        assert all(name in key.validation_error for name in missing)
    else:
        assert key.validation_error == ""


def test_a_refused_key_is_invalid(exchange, venue_control, django_capture_on_commit_callbacks):
    account = venue_control.account_create(label="mm", permissions=["read", "trade"])
    key = stored_key(
        exchange,
        account,
        secret="f" * 64,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )

    assert api_key_validate(api_key_id=key.pk, trace_id="trace-validate-2") == "invalid"

    key.refresh_from_db()
    assert key.validation_status == ExchangeAPIKey.ValidationStatus.INVALID
    assert "Signature for this request is not valid" in key.validation_error
    assert key.can_trade is None


def test_an_unreachable_venue_leaves_the_key_pending_for_a_retry(
    exchange, venue_control, django_capture_on_commit_callbacks
):
    account = venue_control.account_create(label="mm", permissions=["read"])
    key = stored_key(
        exchange, account, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    venue_control.fault(path="/api/v3/account", method="GET", kind="maintenance")

    with pytest.raises(RetryableError):
        api_key_validate(api_key_id=key.pk, trace_id="trace-validate-3")

    key.refresh_from_db()
    assert key.validation_status == ExchangeAPIKey.ValidationStatus.PENDING
