"""`loop_check` reports snapshots neither booked nor refunded and orders nobody expired,
and only those that stopped (fresh work in flight is not a finding)."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from orders.models import MarketMakingOrder
from tests.orders.factories import MarketMakingOrderFactory
from tests.wallet.factories import MixinSnapshotFactory
from wallet.models import MixinSnapshot

pytestmark = pytest.mark.django_db
State = MixinSnapshot.ProcessingState


def aged(snapshot: MixinSnapshot, minutes: int) -> MixinSnapshot:
    MixinSnapshot.objects.filter(pk=snapshot.pk).update(
        recorded_at=timezone.now() - timedelta(minutes=minutes)
    )
    return snapshot


def run_check() -> dict:
    out = StringIO()
    try:
        call_command("loop_check", "--json", stdout=out)
    except CommandError:
        pass
    return json.loads(out.getvalue())


def test_a_clean_loop_passes():
    aged(MixinSnapshotFactory(processing_state=State.PROCESSED), 60)
    aged(MixinSnapshotFactory(processing_state=State.DISPATCHED), 1)  # still in flight
    out = StringIO()
    call_command("loop_check", stdout=out)
    assert "loop ok" in out.getvalue()


@pytest.mark.parametrize("state", [State.RECORDED, State.DISPATCHED])
def test_a_snapshot_left_undecided_is_found(state):
    stuck = aged(MixinSnapshotFactory(processing_state=state), 30)
    with pytest.raises(CommandError, match="1 stuck"):
        call_command("loop_check", stdout=StringIO())
    result = run_check()
    assert result["ok"] is False
    assert result["findings"] == [
        {
            "kind": "snapshot_undecided",
            "detail": {
                "snapshot_id": str(stuck.snapshot_id),
                "state": state,
                "recorded_at": MixinSnapshot.objects.get(pk=stuck.pk).recorded_at.isoformat(),
                "note": "",
            },
        }
    ]


def test_an_order_nobody_expired_is_found(presets_seeded):
    order = MarketMakingOrderFactory()
    MarketMakingOrder.objects.filter(pk=order.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    findings = run_check()["findings"]
    assert [(f["kind"], f["detail"]["order_id"]) for f in findings] == [
        ("order_not_expired", str(order.pk))
    ]


def test_the_window_is_configurable():
    aged(MixinSnapshotFactory(processing_state=State.DISPATCHED), 3)
    call_command("loop_check", stdout=StringIO())  # 10 minutes by default
    with pytest.raises(CommandError):
        call_command("loop_check", "--stale-after", "60", stdout=StringIO())
