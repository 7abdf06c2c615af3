"""Rows in the widest admin tables, with values as long as real ones (UUIDs, keys, hashes),
so a changelist test sees the columns an operator sees."""

import uuid
from decimal import Decimal

from django.utils import timezone

from executor.models import ExecutorEvent, ExecutorState, TrackedOrder
from ledger.models import Account
from orders.models import Payout
from tests.ledger.factories import AccountFactory, funded
from tests.orders.factories import MarketMakingOrderFactory
from tests.wallet.factories import MixinSnapshotFactory, MixinTransferFactory


def admin_rows_create() -> None:
    order = MarketMakingOrderFactory(base_amount=Decimal("1.5"))
    account = AccountFactory(owner_id=str(order.pk), purpose=Account.Purpose.AVAILABLE)
    funded(account, "1.5", key=f"order-{order.pk}:payment:{uuid.uuid4()}")
    MixinSnapshotFactory(amount=Decimal("1234567.12345678"))
    MixinTransferFactory(
        idempotency_key=f"order-{order.pk}:exit:withdrawal:quote", withdrawal_hash="ab" * 32
    )
    Payout.objects.create(
        order=order,
        kind=Payout.Kind.REFUND,
        idempotency_key=f"order-{order.pk}:refund:{uuid.uuid4()}",
        asset_id=uuid.uuid4(),
        amount=Decimal("0.5"),
        receiver_id=str(uuid.uuid4()),
        reason="order_expired",
    )
    now = timezone.now()
    ExecutorState.objects.create(
        order=order,
        pair=order.pair,
        api_key=order.api_key,
        config={},
        config_hash="c" * 64,
        trace_id=order.trace_id,
        kill_switch_tripped=True,
        kill_switch_reason="drawdown 12.5% over the 10% limit",
        last_reference_price=Decimal("123.45"),
        last_tick_at=now,
    )
    TrackedOrder.objects.create(
        order=order,
        api_key=order.api_key,
        symbol=order.pair.symbol,
        sequence=1,
        client_order_id=f"mm{uuid.uuid4().hex[:22]}.1",
        exchange_order_id=str(uuid.uuid4()),
        side=TrackedOrder.Side.BUY,
        price=Decimal("123.45"),
        amount=Decimal("0.5"),
        reserved_amount=Decimal("61.725"),
        trace_id=order.trace_id,
        created_at=now,
        updated_at=now,
    )
    ExecutorEvent.objects.create(
        order=order,
        kind="kill_switch_tripped",
        actor="system:executor",
        reason="drawdown 12.5% over the 10% limit",
        first_at=now,
        last_at=now,
        trace_id=order.trace_id,
    )
