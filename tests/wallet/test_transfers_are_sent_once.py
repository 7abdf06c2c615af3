"""A transfer is persisted before Mixin hears of it and is sent once, even across retries."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction

from core.errors import ApplicationError, ConflictError, InDoubtError, RetryableError
from tests.conftest import requires_postgres
from wallet.client import MixinClient
from wallet.errors import MixinRejectedError, RejectReason
from wallet.models import MixinTransfer, OutputReservation
from wallet.selectors import transfers_unfinished
from wallet.services.transfers import transfer_request_id, transfer_send

ASSET = str(uuid.uuid4())


def pay_user(mixin, user_id: str, amount: str, key: str = "order-1:refund:base"):
    return transfer_send(
        purpose=MixinTransfer.Purpose.REFUND,
        idempotency_key=key,
        asset_id=uuid.UUID(ASSET),
        amount=Decimal(amount),
        receiver_ids=[uuid.UUID(user_id)],
        memo="refund: wrong asset",
        client=mixin,
    )


@pytest.mark.django_db
def test_a_transfer_pays_the_user_and_returns_the_change_to_the_bot(mixin, mixin_sim):
    mixin_sim.fund_bot(ASSET, "10")
    user = mixin_sim.user("Refunded")

    transfer = pay_user(mixin, user, "2.5")

    assert transfer.state == MixinTransfer.State.SUBMITTED
    assert transfer.request_id == transfer_request_id("order-1:refund:base")
    assert mixin_sim.control("GET", f"/_sim/users/{user}/balances") == {ASSET: "2.5"}
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "7.5"}
    sent = mixin.transaction(str(transfer.request_id))
    assert sent["state"] == "spent"
    assert sent["transaction_hash"] == transfer.kernel_hash
    outgoing = mixin.snapshots(offset=None)[-1]
    assert (outgoing["amount"], outgoing["opponent_id"]) == ("-2.5", user)
    assert bytes.fromhex(outgoing["memo"]).decode() == "refund: wrong asset"


@pytest.mark.django_db
def test_a_transfer_retried_after_a_timeout_is_sent_once(mixin, mixin_sim):
    mixin_sim.fund_bot(ASSET, "10")
    user = mixin_sim.user("Refunded")
    mixin_sim.fault(path="/safe/transactions", method="POST", kind="timeout", delay_ms=1500)

    with pytest.raises(InDoubtError):
        pay_user(mixin, user, "4")
    in_doubt = MixinTransfer.objects.get()
    assert in_doubt.state == MixinTransfer.State.REQUESTED
    assert "read it back" in in_doubt.error_message
    assert transfers_unfinished().count() == 1

    transfer = pay_user(mixin, user, "4")

    assert not transfers_unfinished().exists()
    assert transfer.state == MixinTransfer.State.SUBMITTED
    assert transfer.attempts == 2
    assert transfer.error_message == ""
    assert mixin_sim.control("GET", f"/_sim/users/{user}/balances") == {ASSET: "4"}
    assert len(mixin_sim.state()["transaction_requests"]) == 1
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "6"}


@pytest.mark.django_db
def test_a_transfer_registered_but_never_signed_is_finished_from_mixins_copy(mixin, mixin_sim):
    mixin_sim.fund_bot(ASSET, "10")
    user = mixin_sim.user("Refunded")
    mixin_sim.fault(path="/safe/transactions", method="POST", kind="drop")

    with pytest.raises(InDoubtError):  # a dropped connection leaves no answer either way
        pay_user(mixin, user, "1")
    assert mixin.transaction(str(transfer_request_id("order-1:refund:base")))["state"] == (
        "unspent"
    )

    transfer = pay_user(mixin, user, "1")

    assert transfer.state == MixinTransfer.State.SUBMITTED
    assert mixin_sim.control("GET", f"/_sim/users/{user}/balances") == {ASSET: "1"}


@pytest.mark.django_db
def test_a_finished_transfer_asked_again_sends_nothing(mixin, mixin_sim):
    mixin_sim.fund_bot(ASSET, "10")
    user = mixin_sim.user("Refunded")
    first = pay_user(mixin, user, "1")
    again = pay_user(mixin, user, "1")
    assert again.pk == first.pk
    assert again.attempts == 1
    assert mixin_sim.control("GET", f"/_sim/users/{user}/balances") == {ASSET: "1"}


@pytest.mark.django_db
def test_the_same_key_for_a_different_transfer_is_an_error(mixin, mixin_sim):
    mixin_sim.fund_bot(ASSET, "10")
    user = mixin_sim.user("Refunded")
    pay_user(mixin, user, "1")
    with pytest.raises(ConflictError) as conflict:
        pay_user(mixin, user, "2")
    assert conflict.value.detail == {"fields": ["amount"]}


@pytest.mark.django_db
def test_a_transfer_beyond_the_balance_is_refused_before_anything_is_sent(mixin, mixin_sim):
    mixin_sim.fund_bot(ASSET, "1")
    user = mixin_sim.user("Refunded")
    with pytest.raises(MixinRejectedError) as refused:
        pay_user(mixin, user, "5")
    assert refused.value.reason == RejectReason.INSUFFICIENT_BALANCE
    transfer = MixinTransfer.objects.get()
    assert transfer.state == MixinTransfer.State.PENDING
    assert transfer.error_reason == "insufficient_balance"
    assert mixin_sim.state()["transaction_requests"] == []


@pytest.mark.django_db
def test_amounts_with_more_than_eight_places_are_refused_at_the_boundary(mixin, mixin_sim):
    user = mixin_sim.user("Refunded")
    with pytest.raises(ApplicationError, match="more than 8 decimal places"):
        pay_user(mixin, user, "0.000000001")
    assert not MixinTransfer.objects.exists()


@pytest.mark.django_db
def test_a_transfer_refuses_to_start_inside_a_callers_transaction(mixin, mixin_sim):
    """Its key must be committed before Mixin hears of it, which an outer transaction prevents."""
    user = mixin_sim.user("Refunded")
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        pay_user(mixin, user, "1")
    assert mixin_sim.state()["transaction_requests"] == []


@pytest.mark.django_db
def test_a_short_balance_reported_by_mixin_leaves_the_transfer_to_be_tried_again(mixin, mixin_sim):
    mixin_sim.fund_bot(ASSET, "10")
    user = mixin_sim.user("Refunded")
    mixin_sim.fault(path="/safe/transaction/requests", method="POST", kind="error", code=20117)
    with pytest.raises(MixinRejectedError):
        pay_user(mixin, user, "1")
    assert MixinTransfer.objects.get().state == MixinTransfer.State.PENDING

    assert pay_user(mixin, user, "1").state == MixinTransfer.State.SUBMITTED


@pytest.mark.django_db
def test_an_unknown_purpose_is_refused(mixin, mixin_sim):
    with pytest.raises(ApplicationError) as refused:
        transfer_send(
            purpose="gift",
            idempotency_key="o:gift",
            asset_id=uuid.UUID(ASSET),
            amount=Decimal(1),
            receiver_ids=[uuid.uuid4()],
            client=mixin,
        )
    assert refused.value.code == "invalid_purpose"


@pytest.mark.django_db
def test_outputs_held_by_an_unfinished_transfer_are_not_spent_by_another(mixin, mixin_sim):
    mixin_sim.fund_bot(ASSET, "5")
    mixin_sim.fund_bot(ASSET, "5")
    first_user, second_user = mixin_sim.user("First"), mixin_sim.user("Second")
    mixin_sim.fault(path="/safe/transactions", method="POST", kind="drop")
    with pytest.raises(InDoubtError):
        pay_user(mixin, first_user, "1", key="o1:refund")
    held = MixinTransfer.objects.get(idempotency_key="o1:refund")
    assert held.reserved_outputs.count() == 1

    second = pay_user(mixin, second_user, "1", key="o2:refund")
    first = pay_user(mixin, first_user, "1", key="o1:refund")

    assert (first.state, second.state) == (MixinTransfer.State.SUBMITTED,) * 2
    assert mixin_sim.control("GET", f"/_sim/users/{first_user}/balances") == {ASSET: "1"}
    assert mixin_sim.control("GET", f"/_sim/users/{second_user}/balances") == {ASSET: "1"}
    assert not OutputReservation.objects.exists()


@pytest.mark.django_db
def test_outputs_held_by_an_unfinished_transfer_make_another_wait_not_fail(mixin, mixin_sim):
    """The wallet holds enough, but in an output that an unfinished transfer holds (its
    change comes back when it finishes): the other transfer is retried, never refused."""
    mixin_sim.fund_bot(ASSET, "10")
    first_user, second_user = mixin_sim.user("First"), mixin_sim.user("Second")
    mixin_sim.fault(path="/safe/transactions", method="POST", kind="drop")
    with pytest.raises(InDoubtError):
        pay_user(mixin, first_user, "1", key="o1:refund")

    with pytest.raises(RetryableError, match="held by other unfinished transfers") as waiting:
        pay_user(mixin, second_user, "5", key="o2:refund")
    assert waiting.value.detail == {"held": "10", "total": "10", "needed": "5"}
    second = MixinTransfer.objects.get(idempotency_key="o2:refund")
    assert (second.state, second.error_reason) == (MixinTransfer.State.PENDING, "")
    assert not second.reserved_outputs.exists()

    assert pay_user(mixin, first_user, "1", key="o1:refund").state == "submitted"
    assert pay_user(mixin, second_user, "5", key="o2:refund").state == "submitted"
    assert mixin_sim.control("GET", f"/_sim/users/{second_user}/balances") == {ASSET: "5"}
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "4"}
    assert not OutputReservation.objects.exists()


class _MeetingClient(MixinClient):
    """The real client, except that two transfers meet after listing the same outputs."""

    barrier: threading.Barrier

    def unspent_outputs(self, *, asset):
        outputs = super().unspent_outputs(asset=asset)
        try:
            self.barrier.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # the second listing of the loser has no partner
        return outputs


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transfers_of_one_asset_spend_different_outputs(keystore, mixin_sim):
    mixin_sim.fund_bot(ASSET, "5")
    mixin_sim.fund_bot(ASSET, "5")
    users = [mixin_sim.user("First"), mixin_sim.user("Second")]
    barrier, states, errors = threading.Barrier(2), [], []

    def refund(user: str) -> None:
        client = _MeetingClient(base_url=mixin_sim.url, keystore=keystore, timeout_seconds=5)
        client.barrier = barrier
        try:
            states.append(pay_user(client, user, "1", key=f"{user}:refund").state)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            client.close()
            connection.close()

    threads = [threading.Thread(target=refund, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert states == [MixinTransfer.State.SUBMITTED] * 2
    for user in users:
        assert mixin_sim.control("GET", f"/_sim/users/{user}/balances") == {ASSET: "1"}
    assert mixin_sim.state()["bot"]["balances"] == {ASSET: "8"}
