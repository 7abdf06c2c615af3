"""The one rule for a key's permissions: only a granted permission counts; an unknown one
(the exchange does not say, or nobody asked yet) blocks like a refused one, named apart."""

from exchanges.models import ExchangeAPIKey
from exchanges.permission_rule import MARKET_MAKING_NEEDS, NEEDS_BY_USE, KeyPermissions
from exchanges.permissions import validation_outcome

GRANTED = dict.fromkeys(MARKET_MAKING_NEEDS, True)


def test_every_permission_granted_makes_a_valid_key():
    permissions = KeyPermissions(found=GRANTED, needed=MARKET_MAKING_NEEDS)
    assert permissions.usable and permissions.shortfall == ""
    assert validation_outcome(permissions) == (ExchangeAPIKey.ValidationStatus.VALID, "")


def test_an_unknown_withdraw_is_not_counted_as_granted():
    permissions = KeyPermissions(found={**GRANTED, "withdraw": None}, needed=MARKET_MAKING_NEEDS)
    assert not permissions.usable
    assert permissions.unknown == ["withdraw"] and permissions.refused == []
    assert permissions.as_states()["withdraw"] == "unknown"
    status, message = validation_outcome(permissions)
    assert status == ExchangeAPIKey.ValidationStatus.INSUFFICIENT
    assert "market making it is short: unknown: withdraw" in message


def test_refused_and_unknown_are_named_apart():
    found = {"read": True, "trade": False, "deposit_address": "yes"}  # withdraw never asked
    permissions = KeyPermissions(found=found, needed=MARKET_MAKING_NEEDS)
    assert permissions.shortfall == "lacks trade; unknown: withdraw, deposit_address"


def test_a_read_only_key_needs_only_read():
    permissions = KeyPermissions(found={"read": True, "trade": None}, needed=NEEDS_BY_USE["read"])
    assert validation_outcome(permissions)[0] == ExchangeAPIKey.ValidationStatus.VALID


def test_a_pending_key_has_no_permission_yet():
    key = ExchangeAPIKey(permission_report={})
    assert key.loop_permissions().unknown == list(MARKET_MAKING_NEEDS)
    assert not key.loop_permissions().usable


def test_a_read_only_key_is_judged_by_its_own_use_but_never_runs_orders():
    key = ExchangeAPIKey(
        permission=ExchangeAPIKey.Permission.READ,
        permission_report={"read": True, "trade": False, "withdraw": False},
    )
    assert key.use_permissions().usable
    assert key.loop_permissions().refused == ["trade", "withdraw"]
