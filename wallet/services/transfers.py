"""Outgoing Safe transfers and withdrawals, sent at most once.

Each one is persisted with its purpose, idempotency key and request id (uuid5 of the key)
before Mixin hears of it. Every attempt first reads the request back by id: a transaction
Mixin already holds is finished from where it stopped (signed when only registered,
recorded when already spent) and never rebuilt. Only a request Mixin has never seen is
built: unspent outputs → inputs, ghost keys for receivers and change, the unsigned
transaction (codec builders), registration, signing with the views and the spend key,
submission.
"""

import logging
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core import context
from core.errors import (
    ApplicationError,
    ConflictError,
    ExternalServiceError,
    RetryableError,
)
from core.money import to_decimal
from mixin_kernel import builders
from mixin_kernel.crypto import GhostKeys, sign_transaction
from mixin_kernel.errors import InsufficientInputsError, MixinCodecError
from mixin_kernel.kernel import AMOUNT_PRECISION, EXTRA_SIZE_GENERAL_LIMIT
from wallet.client import MixinClient
from wallet.errors import MixinRejectedError, RejectReason
from wallet.models import MixinTransfer, OutputReservation
from wallet.services.intake import withdrawal_hash_record

logger = logging.getLogger(__name__)

# Fixed forever: request ids already sent to Mixin derive from it.
REQUEST_ID_NAMESPACE = uuid.UUID("5b7b3d0e-6c1f-4f0a-9d57-0c2f3a9e8b41")
# States of a Mixin transaction request that mean it was signed and sent.
SENT_STATES = frozenset({"signed", "spent"})
RESERVE_ATTEMPTS = 3


def transfer_request_id(idempotency_key: str) -> uuid.UUID:
    return uuid.uuid5(REQUEST_ID_NAMESPACE, idempotency_key)


def _amount(value: object) -> Decimal:
    try:
        amount = to_decimal(value, places=AMOUNT_PRECISION)
    except ValueError as exc:
        raise ApplicationError(str(exc), code="invalid_amount") from None
    if amount <= 0:
        raise ApplicationError("A transfer amount must be positive.", code="invalid_amount")
    return amount


def _memo(memo: str) -> str:
    if len(memo.encode()) > EXTRA_SIZE_GENERAL_LIMIT:
        raise ApplicationError(
            f"A memo holds at most {EXTRA_SIZE_GENERAL_LIMIT} bytes.", code="memo_too_long"
        )
    return memo


# Durable: the key must be committed before Mixin hears of the transfer, so this cannot
# run inside a caller's transaction (Django refuses it with a RuntimeError).
@transaction.atomic(durable=True)
def _transfer_persist(*, idempotency_key: str, fields: dict[str, object]) -> MixinTransfer:
    """The transfer under this key: created now, or the existing one if it asks the same."""
    if fields["purpose"] not in MixinTransfer.Purpose.values:
        raise ApplicationError(
            f"Unknown transfer purpose {fields['purpose']!r}.",
            code="invalid_purpose",
            detail={"allowed": MixinTransfer.Purpose.values},
        )
    if not idempotency_key or len(idempotency_key) > 200:
        raise ApplicationError("An idempotency key has 1 to 200 characters.", code="invalid_key")
    existing = (
        MixinTransfer.objects.select_for_update().filter(idempotency_key=idempotency_key).first()
    )
    if existing is None:
        return MixinTransfer.objects.create(
            idempotency_key=idempotency_key,
            request_id=transfer_request_id(idempotency_key),
            **fields,
        )
    differing = sorted(
        name
        for name, value in fields.items()
        if name != "trace_id" and getattr(existing, name) != value
    )
    if differing:
        raise ConflictError(
            f"Idempotency key {idempotency_key!r} was used for a different transfer.",
            code="idempotency_key_reused",
            detail={"fields": differing},
        )
    return existing


def transfer_send(
    *,
    purpose: str,
    idempotency_key: str,
    asset_id: uuid.UUID,
    amount: Decimal,
    receiver_ids: Sequence[uuid.UUID],
    threshold: int = 1,
    memo: str = "",
    client: MixinClient,
) -> MixinTransfer:
    """Pay `amount` of `asset_id` to Mixin users, once per idempotency key."""
    receivers = sorted(str(uuid.UUID(str(r))) for r in receiver_ids)
    if not receivers or not 1 <= threshold <= len(receivers):
        raise ApplicationError("A transfer needs receivers and a threshold within them.")
    transfer = _transfer_persist(
        idempotency_key=idempotency_key,
        fields={
            "kind": MixinTransfer.Kind.TRANSFER,
            "purpose": purpose,
            "asset_id": uuid.UUID(str(asset_id)),
            "amount": _amount(amount),
            "receiver_ids": receivers,
            "threshold": threshold,
            "destination": "",
            "tag": "",
            "memo": _memo(memo),
            "trace_id": context.current_trace_id() or context.new_trace_id(),
        },
    )
    return _transfer_complete(transfer=transfer, client=client)


def withdrawal_send(
    *,
    purpose: str,
    idempotency_key: str,
    asset_id: uuid.UUID,
    amount: Decimal,
    destination: str,
    tag: str = "",
    memo: str = "",
    client: MixinClient,
) -> MixinTransfer:
    """Withdraw `amount` of `asset_id` to a chain address, once per idempotency key; the
    network fee is paid on top, in whatever asset Mixin asks it in."""
    if not destination or destination.strip() != destination:
        raise MixinRejectedError(
            f"Invalid withdrawal address {destination!r}.",
            reason=RejectReason.INVALID_ADDRESS,
            mixin_code=None,
        )
    transfer = _transfer_persist(
        idempotency_key=idempotency_key,
        fields={
            "kind": MixinTransfer.Kind.WITHDRAWAL,
            "purpose": purpose,
            "asset_id": uuid.UUID(str(asset_id)),
            "amount": _amount(amount),
            "receiver_ids": [],
            "threshold": 1,
            "destination": destination,
            "tag": tag,
            "memo": _memo(memo),
            "trace_id": context.current_trace_id() or context.new_trace_id(),
        },
    )
    return _transfer_complete(transfer=transfer, client=client)


def _transfer_complete(*, transfer: MixinTransfer, client: MixinClient) -> MixinTransfer:
    if transfer.state in (MixinTransfer.State.SUBMITTED, MixinTransfer.State.FAILED):
        return transfer
    with context.bound(trace_id=transfer.trace_id):
        MixinTransfer.objects.filter(pk=transfer.pk).update(attempts=F("attempts") + 1)
        try:
            known = _requests_read_back(transfer=transfer, client=client)
            if known and all(r["state"] in SENT_STATES for r in known):
                _transfer_mark_submitted(transfer=transfer, answers=known)
            elif known:
                _requests_sign_and_submit(transfer=transfer, requests=known, client=client)
            else:
                _transfer_build_and_send(transfer=transfer, client=client)
        except MixinRejectedError as exc:
            _transfer_mark_failed(transfer=transfer, error=exc)
            raise
        except ExternalServiceError as exc:
            # Retryable or in doubt: the next call with the same key reads Mixin back first.
            MixinTransfer.objects.filter(pk=transfer.pk).update(error_message=exc.message[:2000])
            raise
    transfer.refresh_from_db()
    return transfer


def _request_ids(transfer: MixinTransfer) -> list[str]:
    ids = [str(transfer.request_id)]
    if transfer.fee_request_id:
        ids.append(str(transfer.fee_request_id))
    return ids


def _requests_read_back(*, transfer: MixinTransfer, client: MixinClient) -> list[dict]:
    """What Mixin already holds for this transfer: all of its requests, or nothing."""
    answers = [client.transaction(request_id) for request_id in _request_ids(transfer)]
    if answers[0] is None:
        return []
    if any(answer is None for answer in answers):
        # Only the fee request is unknown. Rebuilding gives the same withdrawal transaction
        # (same inputs, ghost keys derived from the request id), which Mixin answers with
        # the copy it holds, and registers the fee transaction next to it.
        logger.warning("a withdrawal's fee request is unknown to Mixin; rebuilding it")
        return []
    return answers


def _transfer_build_and_send(*, transfer: MixinTransfer, client: MixinClient) -> None:
    _outputs_release(transfer=transfer)  # Mixin holds nothing of an earlier attempt
    ghost_keys = _ghost_key_source(client)
    request_id = str(transfer.request_id)
    try:
        if transfer.kind == MixinTransfer.Kind.TRANSFER:
            inputs = _select_inputs(
                client=client,
                transfer=transfer,
                asset_id=str(transfer.asset_id),
                amount=transfer.amount,
            )
            requests = [
                builders.build_transfer(
                    request_id=request_id,
                    asset_id=str(transfer.asset_id),
                    inputs=inputs,
                    receivers=[
                        builders.Receiver(
                            members=tuple(transfer.receiver_ids),
                            threshold=transfer.threshold,
                            amount=transfer.amount,
                        )
                    ],
                    change_receiver_id=client.keystore.app_id,
                    ghost_keys=ghost_keys,
                    extra=transfer.memo.encode(),
                )
            ]
        else:
            requests = _withdrawal_requests(transfer=transfer, client=client, ghost_keys=ghost_keys)
    except ExternalServiceError:
        # Nothing was registered yet: outputs reserved for this attempt (a withdrawal's,
        # while its fee's outputs are contended) would only keep others waiting.
        _outputs_release(transfer=transfer)
        raise
    except InsufficientInputsError as exc:
        # Nothing was sent: the transfer stays pending and may be tried again later.
        raise MixinRejectedError(
            f"The wallet cannot cover this transfer: {exc}",
            reason=RejectReason.INSUFFICIENT_BALANCE,
            mixin_code=None,
        ) from exc
    answers = client.transaction_requests_create([r.as_json() for r in requests])
    MixinTransfer.objects.filter(pk=transfer.pk, state=MixinTransfer.State.PENDING).update(
        state=MixinTransfer.State.REQUESTED, kernel_hash=requests[0].transaction.hash
    )
    if all(answer["state"] in SENT_STATES for answer in answers):
        _transfer_mark_submitted(transfer=transfer, answers=answers)
        return
    _requests_sign_and_submit(transfer=transfer, requests=answers, client=client)


def _withdrawal_requests(
    *, transfer: MixinTransfer, client: MixinClient, ghost_keys: builders.GhostKeySource
) -> list[builders.TransactionRequest]:
    asset_id = str(transfer.asset_id)
    fee_asset_id, fee_amount = _withdrawal_fee(
        client=client, asset_id=asset_id, destination=transfer.destination
    )
    same_asset_fee = fee_asset_id == asset_id
    inputs = _select_inputs(
        client=client,
        transfer=transfer,
        asset_id=asset_id,
        amount=transfer.amount + (fee_amount if same_asset_fee else 0),
    )
    fee_inputs = (
        ()
        if same_asset_fee or not fee_amount
        else _select_inputs(
            client=client, transfer=transfer, asset_id=fee_asset_id, amount=fee_amount
        )
    )
    requests = builders.build_withdrawal(
        request_id=str(transfer.request_id),
        asset_id=asset_id,
        inputs=inputs,
        destination=builders.WithdrawalDestination(
            address=transfer.destination, tag=transfer.tag, amount=transfer.amount
        ),
        fee_asset_id=fee_asset_id,
        fee_amount=fee_amount,
        fee_inputs=fee_inputs,
        change_receiver_id=client.keystore.app_id,
        ghost_keys=ghost_keys,
        extra=transfer.memo.encode(),
    )
    MixinTransfer.objects.filter(pk=transfer.pk).update(
        fee_asset_id=uuid.UUID(fee_asset_id),
        fee_amount=fee_amount,
        fee_request_id=uuid.UUID(requests[1].request_id) if len(requests) > 1 else None,
    )
    transfer.refresh_from_db()
    return requests


def _withdrawal_fee(*, client: MixinClient, asset_id: str, destination: str) -> tuple[str, Decimal]:
    """The fee Mixin asks for this withdrawal: in the withdrawn asset when it offers that."""
    fees = client.asset_fees(asset_id=asset_id, destination=destination)
    if not fees:
        return asset_id, Decimal(0)
    chosen = next((fee for fee in fees if fee["asset_id"] == asset_id), fees[0])
    return str(uuid.UUID(chosen["asset_id"])), to_decimal(chosen["amount"])


def _ghost_key_source(client: MixinClient) -> builders.GhostKeySource:
    def ask(requests: Sequence[builders.GhostKeyRequest]) -> list[GhostKeys]:
        return [GhostKeys.from_json(k) for k in client.ghost_keys([r.as_json() for r in requests])]

    return ask


def _select_inputs(
    *, client: MixinClient, transfer: MixinTransfer, asset_id: str, amount: Decimal
) -> tuple[builders.SpendableOutput, ...]:
    """Unspent outputs covering `amount` that no other unfinished transfer spends, reserved
    for this one (a concurrent transfer picking the same outputs would make one of the
    two transactions spend outputs already spent).

    Outputs held by other unfinished transfers come back, as change or released, when
    those finish: a shortage that they make is contention, retried, never a refusal."""
    for _ in range(RESERVE_ATTEMPTS):
        held = set(
            OutputReservation.objects.exclude(transfer=transfer).values_list(
                "output_key", flat=True
            )
        )
        listed = [
            builders.SpendableOutput(
                transaction_hash=o["transaction_hash"],
                output_index=int(o["output_index"]),
                amount=to_decimal(o["amount"]),
            )
            for o in client.unspent_outputs(asset=asset_id)
        ]
        free = [o for o in listed if _output_key(o.transaction_hash, o.output_index) not in held]
        try:
            chosen = builders.select_inputs(unspent=free, amount=amount)
        except InsufficientInputsError as short:
            _shortage_check(listed=listed, free=free, amount=amount, short=short)
            raise
        try:
            with transaction.atomic():
                OutputReservation.objects.bulk_create(
                    OutputReservation(
                        output_key=_output_key(o.transaction_hash, o.output_index),
                        transfer=transfer,
                    )
                    for o in chosen
                )
        except IntegrityError:
            continue  # another transfer reserved one of them first: choose again
        return chosen
    raise RetryableError("Unspent outputs are contended by other transfers; try again.")


def _shortage_check(
    *,
    listed: Sequence[builders.SpendableOutput],
    free: Sequence[builders.SpendableOutput],
    amount: Decimal,
    short: InsufficientInputsError,
) -> None:
    """Raise RetryableError when the wallet holds `amount` and only other unfinished
    transfers' outputs keep it from this one; return when the wallet is short."""
    total = sum((o.amount for o in listed), Decimal(0))
    if total < amount or len(free) == len(listed):
        return
    held = total - sum((o.amount for o in free), Decimal(0))
    raise RetryableError(
        f"The wallet holds {total} of this asset but {held} of it is in outputs held by "
        f"other unfinished transfers ({short}); try again when they finish.",
        detail={"held": str(held), "total": str(total), "needed": str(amount)},
    )


def _output_key(transaction_hash: str, output_index: object) -> str:
    return f"{transaction_hash}:{int(output_index)}"


def _outputs_release(*, transfer: MixinTransfer) -> None:
    OutputReservation.objects.filter(transfer=transfer).delete()


def _requests_sign_and_submit(
    *, transfer: MixinTransfer, requests: list[dict], client: MixinClient
) -> None:
    spend_key = client.keystore.spend_private_key_hex
    try:
        signed = [
            {
                "request_id": r["request_id"],
                "raw": sign_transaction(r["raw_transaction"], r["views"], spend_key),
            }
            for r in requests
            if r["state"] not in SENT_STATES
        ]
    except MixinCodecError as exc:
        raise ApplicationError(f"Cannot sign the transaction: {exc}", code="sign_failed") from exc
    answers = client.transactions_submit(signed)
    by_id = {a["request_id"]: a for a in [*requests, *answers]}
    _transfer_mark_submitted(transfer=transfer, answers=[by_id[r["request_id"]] for r in requests])


@transaction.atomic
def _transfer_mark_submitted(*, transfer: MixinTransfer, answers: list[dict]) -> None:
    main = answers[0]
    fee = answers[1] if len(answers) > 1 else None
    MixinTransfer.objects.filter(pk=transfer.pk).exclude(
        state=MixinTransfer.State.SUBMITTED
    ).update(
        state=MixinTransfer.State.SUBMITTED,
        kernel_hash=main["transaction_hash"],
        fee_kernel_hash=fee["transaction_hash"] if fee else "",
        submitted_at=timezone.now(),
        error_reason="",
        error_message="",
    )
    _outputs_release(transfer=transfer)  # spent now: Mixin no longer lists them
    logger.info(
        "Mixin transfer submitted",
        extra={"transfer_id": transfer.pk, "kernel_hash": main["transaction_hash"]},
    )
    withdrawal_hash = _withdrawal_hash(main)
    if withdrawal_hash:
        withdrawal_hash_record(
            kernel_hash=main["transaction_hash"], withdrawal_hash=withdrawal_hash
        )


def _withdrawal_hash(answer: dict) -> str:
    return next(
        (
            r.get("withdrawal_hash")
            for r in answer.get("receivers") or []
            if r.get("withdrawal_hash")
        ),
        "",
    )


def _transfer_mark_failed(*, transfer: MixinTransfer, error: MixinRejectedError) -> None:
    """A refusal by Mixin is final, except a short balance: funds may arrive (or outputs
    taken by a concurrent transfer come back as change), so that one stays pending and
    the same key may be tried again later."""
    fields = {"error_reason": error.reason.value, "error_message": error.message[:2000]}
    if error.mixin_code is not None and error.reason != RejectReason.INSUFFICIENT_BALANCE:
        fields["state"] = MixinTransfer.State.FAILED
    _outputs_release(transfer=transfer)
    MixinTransfer.objects.filter(pk=transfer.pk).exclude(
        state=MixinTransfer.State.SUBMITTED
    ).update(**fields)
    logger.warning(
        "Mixin transfer refused", extra={"transfer_id": transfer.pk, "reason": error.reason}
    )


def withdrawal_track(*, transfer: MixinTransfer, client: MixinClient) -> MixinTransfer:
    """Look up the chain hash of a submitted withdrawal; recorded with its time when known."""
    if transfer.kind != MixinTransfer.Kind.WITHDRAWAL or transfer.withdrawal_hash:
        return transfer
    answer = client.transaction(str(transfer.request_id))
    withdrawal_hash = _withdrawal_hash(answer) if answer else ""
    if withdrawal_hash:
        withdrawal_hash_record(
            kernel_hash=answer["transaction_hash"], withdrawal_hash=withdrawal_hash
        )
    transfer.refresh_from_db()
    return transfer
