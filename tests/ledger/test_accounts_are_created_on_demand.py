import uuid

import pytest

from ledger.errors import InvalidPosting
from ledger.models import Account, Balance
from ledger.services import account_get_or_create, order_account, system_account

pytestmark = pytest.mark.django_db


def test_the_same_identity_gives_the_same_account_with_one_zero_balance():
    asset = uuid.uuid4()
    first = order_account(order_id="42", asset=asset, purpose=Account.Purpose.AVAILABLE)
    again = order_account(order_id="42", asset=str(asset), purpose=Account.Purpose.AVAILABLE)

    assert again.pk == first.pk
    assert Balance.objects.get(account=first).amount == 0
    assert Account.objects.count() == Balance.objects.count() == 1


def test_each_purpose_and_asset_is_its_own_account():
    asset = uuid.uuid4()
    available = order_account(order_id="42", asset=asset, purpose=Account.Purpose.AVAILABLE)
    locked = order_account(order_id="42", asset=asset, purpose=Account.Purpose.LOCKED)
    other_asset = order_account(order_id="42", asset=uuid.uuid4(), purpose="available")

    assert len({available.pk, locked.pk, other_asset.pk}) == 3


def test_only_external_accounts_may_go_negative():
    asset = uuid.uuid4()
    external = system_account(asset=asset, purpose=Account.Purpose.EXTERNAL)
    revenue = system_account(asset=asset, purpose=Account.Purpose.REVENUE)

    assert external.may_go_negative and external.balance.may_go_negative
    assert not revenue.may_go_negative and not revenue.balance.may_go_negative


@pytest.mark.parametrize(
    ("owner_kind", "owner_id", "purpose"),
    [
        ("system", "7", "revenue"),  # the system has no owner id
        ("order", "", "available"),  # an order account needs one
        ("bank", "7", "available"),
        ("order", "7", "savings"),
    ],
)
def test_malformed_identities_are_refused(owner_kind, owner_id, purpose):
    with pytest.raises(InvalidPosting):
        account_get_or_create(
            owner_kind=owner_kind, owner_id=owner_id, asset=uuid.uuid4(), purpose=purpose
        )
    assert not Account.objects.exists()


def test_an_asset_must_be_a_uuid():
    with pytest.raises(InvalidPosting, match="not a Mixin asset id"):
        order_account(order_id="1", asset="BTC", purpose="available")
