"""A payment with a bad memo, an unknown asset or from an unknown payer is recorded and
handed to the order flow as it is: intake writes nothing else, and the memo's defect is a
typed error the order flow can refund with."""

import uuid
from decimal import Decimal

import base58
import pytest
from django.apps import apps

from mixin_kernel.invoice import PayRequest
from wallet.memo import MemoChecksumError, MemoEncodingError, snapshot_memo_decode
from wallet.models import MixinSnapshot, SnapshotCursor
from wallet.services.intake import snapshots_poll


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model not in (MixinSnapshot, SnapshotCursor)
    }


@pytest.mark.parametrize(
    ("memo", "error"),
    [
        ("hello, not a memo", MemoEncodingError),
        (base58.b58encode(bytes([1, 1, 1]) + bytes(36)).decode(), MemoChecksumError),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_a_bad_memo_is_recorded_handed_over_and_typed(mixin, mixin_sim, sent_tasks, memo, error):
    stranger_asset = str(uuid.uuid4())
    payer = mixin_sim.user("Stranger", **{stranger_asset: "1"})
    url = PayRequest(
        recipient_id=mixin.keystore.app_id,
        asset_id=stranger_asset,
        amount=Decimal("1"),
        trace_id=str(uuid.uuid4()),
        memo=memo,
    ).url()
    (snapshot_id,) = mixin_sim.pay(payer, url)
    before = row_counts()

    snapshots_poll(client=mixin)

    assert row_counts() == before
    snapshot = MixinSnapshot.objects.get()
    assert str(snapshot.snapshot_id) == snapshot_id
    assert str(snapshot.opponent_id) == payer
    assert [kwargs["snapshot_id"] for _, kwargs in sent_tasks] == [snapshot_id]
    with pytest.raises(error):
        snapshot_memo_decode(snapshot.memo)
