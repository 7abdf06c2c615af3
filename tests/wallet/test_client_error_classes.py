"""Mixin's answers become the product's error classes, decided once at the client."""

import uuid

import pytest

from core.errors import InDoubtError, RetryableError
from wallet.errors import MixinRejectedError, RejectReason


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (30102, RejectReason.INVALID_ADDRESS),
        (20124, RejectReason.INSUFFICIENT_FEE),
        (20127, RejectReason.AMOUNT_TOO_SMALL),
        (20117, RejectReason.INSUFFICIENT_BALANCE),
        (10002, RejectReason.INVALID_FIELD),
        (12345, RejectReason.OTHER),
    ],
)
def test_a_refusal_carries_a_typed_reason(mixin, mixin_sim, code, reason):
    mixin_sim.fault(path="/safe/transactions", method="POST", kind="error", code=code)
    with pytest.raises(MixinRejectedError) as refused:
        mixin.transactions_submit([{"request_id": str(uuid.uuid4()), "raw": "00"}])
    assert refused.value.reason == reason
    assert refused.value.mixin_code == code
    assert refused.value.detail["reason"] == reason.value


def test_a_read_that_times_out_may_simply_be_retried(mixin, mixin_sim):
    mixin_sim.fault(path="/safe/snapshots", method="GET", kind="timeout", delay_ms=1500)
    with pytest.raises(RetryableError):
        mixin.snapshots(offset=None)
    assert mixin.snapshots(offset=None) == []


def test_a_submission_without_an_answer_is_in_doubt(mixin, mixin_sim):
    mixin_sim.fault(path="/safe/transactions", method="POST", kind="timeout", delay_ms=1500)
    with pytest.raises(InDoubtError):
        mixin.transactions_submit([{"request_id": str(uuid.uuid4()), "raw": "00"}])


def test_a_server_error_on_a_submission_is_in_doubt_and_on_a_read_retryable(mixin, mixin_sim):
    mixin_sim.fault(path="/safe/transactions", method="POST", kind="http_500")
    with pytest.raises(InDoubtError):
        mixin.transactions_submit([{"request_id": str(uuid.uuid4()), "raw": "00"}])
    mixin_sim.fault(path="/safe/outputs", method="GET", kind="http_500")
    with pytest.raises(RetryableError):
        mixin.outputs(members_hash="00", threshold=1, asset=None)


def test_rate_limits_and_dropped_connections_are_retryable(mixin, mixin_sim):
    mixin_sim.fault(path="/safe/transactions", method="POST", kind="rate_limit")
    with pytest.raises(RetryableError) as limited:
        mixin.transactions_submit([{"request_id": str(uuid.uuid4()), "raw": "00"}])
    assert limited.value.detail["mixin_code"] == 429
    mixin_sim.fault(path="/me", method="GET", kind="drop")
    with pytest.raises(RetryableError):
        mixin.me()


def test_an_unknown_request_id_reads_back_as_none(mixin):
    assert mixin.transaction(str(uuid.uuid4())) is None
