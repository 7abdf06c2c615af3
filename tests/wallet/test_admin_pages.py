"""The wallet's records are visible to admins and cannot be edited by hand."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from wallet.models import MixinSnapshot, MixinTransfer


@pytest.mark.django_db
def test_admins_see_snapshots_and_transfers_but_cannot_add_them(client, admin_client_user):
    client.force_login(admin_client_user)
    MixinSnapshot.objects.create(
        snapshot_id=uuid.uuid4(),
        asset_id=uuid.uuid4(),
        amount=Decimal("1.5"),
        created_at_text="2024-01-01T00:00:00Z",
        mixin_created_at=timezone.now(),
        direction=MixinSnapshot.Direction.INCOMING,
        trace_id="trace-123456",
    )
    MixinTransfer.objects.create(
        kind=MixinTransfer.Kind.TRANSFER,
        purpose=MixinTransfer.Purpose.REFUND,
        idempotency_key="o:refund",
        request_id=uuid.uuid4(),
        asset_id=uuid.uuid4(),
        amount=Decimal("1"),
        trace_id="trace-123456",
    )
    pages = ["mixinsnapshot", "mixintransfer", "depositentry", "mixinuser", "snapshotcursor"]
    for page in [*pages, "outputreservation"]:
        assert client.get(f"/admin/wallet/{page}/").status_code == 200
    assert b"o:refund" in client.get("/admin/wallet/mixintransfer/").content
    assert client.get("/admin/wallet/mixintransfer/add/").status_code == 403
