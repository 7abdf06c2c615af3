import pytest

from ledger.models import Account, Balance, Entry, Transaction
from tests.ledger.factories import AccountFactory, funded

pytestmark = pytest.mark.django_db

MODELS = ["account", "balance", "transaction", "entry"]


@pytest.fixture
def admin(client, admin_client_user):
    client.force_login(admin_client_user)
    return client


@pytest.fixture
def two_orders():
    first, second = AccountFactory(owner_id="order-1"), AccountFactory(owner_id="order-2")
    return funded(first, "10", key="key-1"), funded(second, "20", key="key-2")


@pytest.mark.parametrize("model", MODELS)
def test_every_ledger_page_is_viewable_but_nothing_can_be_added_changed_or_deleted(
    admin, two_orders, model
):
    changelist = admin.get(f"/admin/ledger/{model}/")
    assert changelist.status_code == 200
    assert changelist.context["cl"].model_admin.show_full_result_count is False
    assert not changelist.context["has_add_permission"]
    assert admin.get(f"/admin/ledger/{model}/add/").status_code == 403

    obj = changelist.context["cl"].result_list[0]
    detail = admin.get(f"/admin/ledger/{model}/{obj.pk}/change/")
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert admin.post(f"/admin/ledger/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.post(f"/admin/ledger/{model}/{obj.pk}/change/", {}).status_code == 403

    assert (Account.objects.count(), Balance.objects.count()) == (4, 4)
    assert (Transaction.objects.count(), Entry.objects.count()) == (2, 4)


def test_entries_filter_by_order_key_code_asset_and_account(admin, two_orders):
    first, second = two_orders
    first_account = first.entries.get(amount__gt=0).account

    def entry_ids(query: str) -> set[int]:
        page = admin.get("/admin/ledger/entry/" + query)
        assert page.status_code == 200
        return {entry.pk for entry in page.context["cl"].result_list}

    first_entries = set(first.entries.values_list("id", flat=True))
    assert entry_ids("?q=order-1") == {first_account.entries.get().pk}
    assert entry_ids("?q=key-2") == set(second.entries.values_list("id", flat=True))
    assert entry_ids(f"?q={first_account.asset}") == first_entries
    assert entry_ids("?transaction__code__exact=payment_credit") == first_entries | set(
        second.entries.values_list("id", flat=True)
    )
    assert entry_ids("?transaction__code__exact=payout") == set()
    assert entry_ids(f"?account__id__exact={first_account.pk}") == {first_account.entries.get().pk}


def test_transactions_filter_by_code_and_key(admin, two_orders):
    first, _ = two_orders

    page = admin.get("/admin/ledger/transaction/?q=key-1&code__exact=payment_credit")

    assert [tx.pk for tx in page.context["cl"].result_list] == [first.pk]


def test_accounts_are_found_by_owner(admin, two_orders):
    page = admin.get("/admin/ledger/account/?q=order-2")

    assert [a.owner_id for a in page.context["cl"].result_list] == ["order-2"]
