"""The wallet's records are visible to admins and cannot be edited by hand."""

import pytest

from tests.wallet.factories import MixinSnapshotFactory, MixinTransferFactory

PAGES = [
    "mixinsnapshot",
    "mixintransfer",
    "depositentry",
    "mixinuser",
    "snapshotcursor",
    "outputreservation",
]


@pytest.mark.django_db
def test_admins_see_snapshots_and_transfers_but_cannot_add_them(client, admin_client_user):
    client.force_login(admin_client_user)
    MixinSnapshotFactory()
    transfer = MixinTransferFactory()
    for page in PAGES:
        assert client.get(f"/admin/wallet/{page}/").status_code == 200
    assert transfer.idempotency_key.encode() in client.get("/admin/wallet/mixintransfer/").content
    assert client.get("/admin/wallet/mixintransfer/add/").status_code == 403
    assert client.get(f"/admin/wallet/mixintransfer/{transfer.pk}/delete/").status_code == 403
