import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from wallet.models import MixinSnapshot, MixinTransfer


class MixinSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MixinSnapshot

    snapshot_id = factory.LazyFunction(uuid.uuid4)
    asset_id = factory.LazyFunction(uuid.uuid4)
    opponent_id = factory.LazyFunction(uuid.uuid4)
    amount = Decimal("1.5")
    created_at_text = "2025-01-01T00:00:00.5Z"
    mixin_created_at = factory.LazyFunction(timezone.now)
    direction = MixinSnapshot.Direction.INCOMING
    trace_id = factory.LazyFunction(lambda: uuid.uuid4().hex)


class MixinTransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MixinTransfer

    kind = MixinTransfer.Kind.TRANSFER
    purpose = MixinTransfer.Purpose.REFUND
    idempotency_key = factory.Sequence(lambda n: f"order-{n}:refund")
    request_id = factory.LazyFunction(uuid.uuid4)
    asset_id = factory.LazyFunction(uuid.uuid4)
    amount = Decimal("1")
    receiver_ids = factory.LazyFunction(lambda: [str(uuid.uuid4())])
    trace_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
