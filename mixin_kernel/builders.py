"""Unsigned Safe transactions for the transfer service: transfers and withdrawals.

The builders are pure. Ghost keys for receivers come from the Mixin API (POST /safe/keys);
the caller passes a function that asks for them, and the builder calls it once per
transaction with requests whose hints derive from the request id, so that rebuilding the
same request after a crash yields the same ghost keys and the same transaction hash.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mixin_kernel.crypto import GhostKeys, ghost_key_hint
from mixin_kernel.errors import InsufficientInputsError, InvalidAmountError, MixinCodecError
from mixin_kernel.invoice import MixAddress
from mixin_kernel.kernel import (
    EXTRA_SIZE_GENERAL_LIMIT,
    OUTPUT_TYPE_SCRIPT,
    OUTPUT_TYPE_WITHDRAWAL_SUBMIT,
    REFERENCES_COUNT_LIMIT,
    SLICE_COUNT_LIMIT,
    Input,
    Output,
    Transaction,
    WithdrawalData,
    amount_from_integer,
    amount_to_integer,
    asset_hash,
    threshold_script,
)

MIXIN_FEE_USER_ID = "674d6776-d600-4346-af46-58e77d8df185"


def _positive_units(what: str, amount: Decimal) -> int:
    units = amount_to_integer(amount)
    if units == 0:
        raise InvalidAmountError(f"{what} must be positive")
    return units


def _hash_bytes(text: str) -> bytes:
    try:
        value = bytes.fromhex(text)
    except ValueError:
        value = b""
    if len(value) != 32:
        raise MixinCodecError(f"{text!r} is not a transaction hash")
    return value


@dataclass(frozen=True)
class SpendableOutput:
    """An unspent output of the bot, as GET /safe/outputs lists it."""

    transaction_hash: str
    output_index: int
    amount: Decimal

    def __post_init__(self) -> None:
        _hash_bytes(self.transaction_hash)
        _positive_units("an unspent output", self.amount)


@dataclass(frozen=True)
class Receiver:
    """`amount` paid to an output that `threshold` of the user ids in `members` can spend."""

    members: tuple[str, ...]
    threshold: int
    amount: Decimal

    def __post_init__(self) -> None:
        address = MixAddress(members=self.members, threshold=self.threshold)
        if not address.has_uuid_members:
            raise MixinCodecError("transfers go to Mixin user ids, not kernel addresses")
        _positive_units("a transfer amount", self.amount)


@dataclass(frozen=True)
class WithdrawalDestination:
    address: str
    tag: str
    amount: Decimal

    def __post_init__(self) -> None:
        if not self.address or self.address.strip() != self.address:
            raise MixinCodecError(f"invalid withdrawal address {self.address!r}")
        _positive_units("a withdrawal amount", self.amount)


@dataclass(frozen=True)
class GhostKeyRequest:
    """One entry of POST /safe/keys."""

    receivers: tuple[str, ...]
    index: int
    hint: str

    def as_json(self) -> dict[str, Any]:
        return {"receivers": list(self.receivers), "index": self.index, "hint": self.hint}


GhostKeySource = Callable[[Sequence[GhostKeyRequest]], Sequence[GhostKeys]]


@dataclass(frozen=True)
class TransactionRequest:
    """An unsigned transaction and the request id it is sent under."""

    request_id: str
    transaction: Transaction

    @property
    def raw(self) -> str:
        return self.transaction.encode().hex()

    def as_json(self) -> dict[str, str]:
        """One entry of POST /safe/transaction/requests."""
        return {"request_id": self.request_id, "raw": self.raw}


def fee_request_id(request_id: str) -> str:
    """The request id of the fee transaction that accompanies a withdrawal."""
    return str(uuid.uuid5(uuid.UUID(request_id), "FEE"))


def select_inputs(
    *, unspent: Sequence[SpendableOutput], amount: Decimal
) -> tuple[SpendableOutput, ...]:
    """The first unspent outputs, in the given order, whose sum covers `amount`."""
    needed = _positive_units("the amount to cover", amount)
    selected: list[SpendableOutput] = []
    total = 0
    for output in unspent:
        if total >= needed:
            break
        selected.append(output)
        total += amount_to_integer(output.amount)
    if total < needed:
        raise InsufficientInputsError(
            f"unspent outputs hold {amount_from_integer(total)}, {amount} needed"
        )
    if len(selected) > SLICE_COUNT_LIMIT:
        raise InsufficientInputsError(
            f"covering {amount} takes {len(selected)} outputs, more than one transaction holds"
        )
    return tuple(selected)


def build_transfer(
    *,
    request_id: str,
    asset_id: str,
    inputs: Sequence[SpendableOutput],
    receivers: Sequence[Receiver],
    change_receiver_id: str,
    ghost_keys: GhostKeySource,
    extra: bytes = b"",
    references: Sequence[str] = (),
) -> TransactionRequest:
    """Pay `receivers` from `inputs`; what is left over returns to `change_receiver_id`."""
    recipients = _with_change(inputs, list(receivers), change_receiver_id)
    return _build(
        request_id=request_id,
        asset_id=asset_id,
        inputs=inputs,
        recipients=recipients,
        ghost_keys=ghost_keys,
        extra=extra,
        references=references,
    )


def build_withdrawal(
    *,
    request_id: str,
    asset_id: str,
    inputs: Sequence[SpendableOutput],
    destination: WithdrawalDestination,
    fee_asset_id: str,
    fee_amount: Decimal,
    fee_inputs: Sequence[SpendableOutput] = (),
    change_receiver_id: str,
    ghost_keys: GhostKeySource,
    extra: bytes = b"",
) -> list[TransactionRequest]:
    """Send `destination.amount` to a chain address and pay the network fee.

    The withdrawal output comes first. A fee in the same asset is a second output of the
    same transaction; a fee in another asset is a second transaction, spending
    `fee_inputs`, that references the first and is sent in the same batch.
    """
    fee_units = amount_to_integer(fee_amount)
    fee_receiver = (
        [Receiver(members=(MIXIN_FEE_USER_ID,), threshold=1, amount=fee_amount)]
        if fee_units
        else []
    )
    if fee_asset_id == asset_id:
        recipients = _with_change(inputs, [destination, *fee_receiver], change_receiver_id)
        return [
            _build(
                request_id=request_id,
                asset_id=asset_id,
                inputs=inputs,
                recipients=recipients,
                ghost_keys=ghost_keys,
                extra=extra,
                references=(),
            )
        ]

    withdrawal = _build(
        request_id=request_id,
        asset_id=asset_id,
        inputs=inputs,
        recipients=_with_change(inputs, [destination], change_receiver_id),
        ghost_keys=ghost_keys,
        extra=extra,
        references=(),
    )
    if not fee_receiver:
        return [withdrawal]
    fee = _build(
        request_id=fee_request_id(request_id),
        asset_id=fee_asset_id,
        inputs=fee_inputs,
        recipients=_with_change(fee_inputs, fee_receiver, change_receiver_id),
        ghost_keys=ghost_keys,
        extra=extra,
        references=(withdrawal.transaction.hash,),
    )
    return [withdrawal, fee]


Recipient = Receiver | WithdrawalDestination


def _with_change(
    inputs: Sequence[SpendableOutput], recipients: list[Recipient], change_receiver_id: str
) -> list[Recipient]:
    available = sum(amount_to_integer(i.amount) for i in inputs)
    spent = sum(amount_to_integer(r.amount) for r in recipients)
    if available < spent:
        raise InsufficientInputsError(
            f"inputs hold {amount_from_integer(available)}, "
            f"outputs need {amount_from_integer(spent)}"
        )
    if available == spent:
        return recipients
    change = Receiver(
        members=(change_receiver_id,), threshold=1, amount=amount_from_integer(available - spent)
    )
    return [*recipients, change]


def _build(
    *,
    request_id: str,
    asset_id: str,
    inputs: Sequence[SpendableOutput],
    recipients: Sequence[Recipient],
    ghost_keys: GhostKeySource,
    extra: bytes,
    references: Sequence[str],
) -> TransactionRequest:
    try:
        uuid.UUID(request_id)
    except ValueError as exc:
        raise MixinCodecError(f"request id {request_id!r} is not a UUID") from exc
    if not inputs:
        raise InsufficientInputsError("a transaction needs at least one input")
    if len(inputs) > SLICE_COUNT_LIMIT or len(recipients) > SLICE_COUNT_LIMIT:
        raise MixinCodecError(f"a transaction holds at most {SLICE_COUNT_LIMIT} inputs and outputs")
    if len(extra) > EXTRA_SIZE_GENERAL_LIMIT:
        raise MixinCodecError(
            f"extra is {len(extra)} bytes, at most {EXTRA_SIZE_GENERAL_LIMIT} allowed"
        )
    if len(references) > REFERENCES_COUNT_LIMIT:
        raise MixinCodecError(f"at most {REFERENCES_COUNT_LIMIT} references allowed")

    requests = [
        GhostKeyRequest(
            receivers=tuple(sorted(r.members)),
            index=index,
            hint=ghost_key_hint(request_id, index),
        )
        for index, r in enumerate(recipients)
        if isinstance(r, Receiver)
    ]
    answered = list(ghost_keys(requests)) if requests else []
    if len(answered) != len(requests):
        raise MixinCodecError(f"{len(answered)} ghost keys for {len(requests)} outputs")
    keys_by_index = {request.index: keys for request, keys in zip(requests, answered, strict=True)}

    outputs = []
    for index, recipient in enumerate(recipients):
        if isinstance(recipient, WithdrawalDestination):
            outputs.append(
                Output(
                    type=OUTPUT_TYPE_WITHDRAWAL_SUBMIT,
                    amount=recipient.amount,
                    withdrawal=WithdrawalData(address=recipient.address, tag=recipient.tag),
                )
            )
            continue
        keys = keys_by_index[index]
        if len(keys.keys) != len(recipient.members):
            raise MixinCodecError(
                f"output {index} got {len(keys.keys)} ghost keys for "
                f"{len(recipient.members)} members"
            )
        outputs.append(
            Output(
                type=OUTPUT_TYPE_SCRIPT,
                amount=recipient.amount,
                keys=keys.keys,
                mask=keys.mask,
                script=threshold_script(recipient.threshold),
            )
        )

    transaction = Transaction(
        asset=asset_hash(asset_id),
        inputs=tuple(
            Input(hash=_hash_bytes(i.transaction_hash), index=i.output_index) for i in inputs
        ),
        outputs=tuple(outputs),
        references=tuple(_hash_bytes(r) for r in references),
        extra=extra,
    )
    return TransactionRequest(request_id=request_id, transaction=transaction)
