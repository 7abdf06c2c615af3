"""The Mixin simulator's transactions: ghost keys for outputs, transaction requests the bot
signs, and submitted transactions applied to the bot's outputs and the users' balances.

A part of SimWorld (simulators.mixin.state), which holds the records and the lock.
"""

import hashlib
import threading
from decimal import Decimal

import nacl.bindings

from mixin_kernel import crypto as mixin_crypto
from mixin_kernel import decoding, kernel
from mixin_kernel.errors import MixinCodecError
from simulators.mixin.records import (
    EXTRA_LIMIT,
    FEE_USER_ID,
    BotIdentity,
    BotOutput,
    ChainDelivery,
    GhostRecord,
    SimError,
    SimUser,
    TxRequest,
    amount_text,
    parse_uuid,
)


def scalar_of(*parts: object) -> bytes:
    digest = hashlib.sha512(b"|".join(str(p).encode() for p in parts)).digest()
    return nacl.bindings.crypto_core_ed25519_scalar_reduce(digest)


def point_of(scalar: bytes) -> bytes:
    return nacl.bindings.crypto_scalarmult_ed25519_base_noclamp(scalar)


def _valid_address(address: str) -> bool:
    return 6 <= len(address) <= 128 and all(c.isalnum() or c in ":_-." for c in address)


class TransactionBook:
    """SimWorld's transaction half: the records, the lock and the snapshot and output
    helpers it uses are SimWorld's."""

    bot: BotIdentity
    lock: threading.RLock
    users: dict[str, SimUser]
    outputs: dict[tuple[str, int], BotOutput]
    ghosts: dict[tuple[str, ...], GhostRecord]
    requests: dict[str, TxRequest]

    def ghost_keys(self, requests: list[dict]) -> list[dict]:
        """Ghost keys per output; deterministic in (receivers, index, hint) like Mixin's."""
        with self.lock:
            answers = []
            for request in requests:
                receivers = [parse_uuid(r, "receiver") for r in request.get("receivers") or []]
                if not receivers:
                    raise SimError(10002, "ghost keys need receivers")
                index, hint = int(request.get("index", 0)), str(request.get("hint", ""))
                keys, views = [], []
                for receiver in receivers:
                    if receiver == self.bot.app_id:
                        view = scalar_of("ghost-view", hint, index, receiver)
                        key = nacl.bindings.crypto_core_ed25519_add(
                            point_of(view), self._spend_public
                        )
                    else:
                        view = None
                        key = point_of(scalar_of("ghost-key", hint, index, receiver))
                    keys.append(key.hex())
                    views.append(view)
                self.ghosts[tuple(keys)] = GhostRecord(
                    receivers=receivers,
                    threshold=int(request.get("threshold", 1)),
                    view=views[0] if receivers == [self.bot.app_id] else None,
                )
                mask = point_of(scalar_of("ghost-mask", hint, index)).hex()
                answers.append({"type": "ghost_key", "mask": mask, "keys": keys})
            return answers

    def _decode(self, raw: object) -> kernel.Transaction:
        try:
            return decoding.decode_transaction_hex(str(raw))
        except (MixinCodecError, ValueError) as exc:
            raise SimError(10002, f"invalid raw transaction: {exc}") from None

    def _unspent_inputs(self, tx: kernel.Transaction, asset_id: str) -> list[BotOutput]:
        inputs = []
        for tx_input in tx.inputs:
            output = self.outputs.get((tx_input.hash.hex(), tx_input.index))
            if output is None or output.state != "unspent" or output.asset_id != asset_id:
                raise SimError(
                    20117,
                    f"insufficient balance: input {tx_input.hash.hex()}:{tx_input.index} "
                    "is not an unspent output of the bot",
                )
            inputs.append(output)
        return inputs

    def _receiver_of(self, output: kernel.Output, asset_id: str) -> dict:
        if output.type == kernel.OUTPUT_TYPE_WITHDRAWAL_SUBMIT and output.withdrawal:
            address, tag = output.withdrawal.address, output.withdrawal.tag
            if not _valid_address(address):
                raise SimError(30102, f"invalid address {address!r}")
            if output.amount < self.asset(asset_id).minimum_withdrawal:
                raise SimError(20127, "withdrawal amount too small")
            return {
                "members": [],
                "members_hash": "",
                "threshold": 0,
                "destination": address,
                "tag": tag,
                "withdrawal_hash": "",
                "amount": amount_text(output.amount),
            }
        ghost = self.ghosts.get(tuple(key.hex() for key in output.keys))
        if output.type != kernel.OUTPUT_TYPE_SCRIPT or ghost is None:
            raise SimError(10002, "output keys were not issued by /safe/keys")
        return {
            "members": ghost.receivers,
            "members_hash": mixin_crypto.hash_members(ghost.receivers),
            "threshold": ghost.threshold,
            "amount": amount_text(output.amount),
        }

    def transaction_requests_create(self, requests: list[dict]) -> list[dict]:
        with self.lock:
            created: list[tuple[TxRequest, kernel.Transaction]] = []
            answers = []
            for request in requests:
                request_id = parse_uuid(request.get("request_id"), "request_id")
                if request_id in self.requests:
                    answers.append(self.requests[request_id])
                    continue
                tx = self._decode(request.get("raw"))
                asset_id = self._asset_by_kernel_hash(tx.asset)
                inputs = self._unspent_inputs(tx, asset_id)
                total_in = sum((o.amount for o in inputs), Decimal(0))
                total_out = sum((o.amount for o in tx.outputs), Decimal(0))
                if total_out > total_in:
                    raise SimError(20117, f"insufficient balance: {total_out} > {total_in}")
                if total_out != total_in:
                    raise SimError(10002, f"inputs {total_in} and outputs {total_out} differ")
                if len(tx.extra) > EXTRA_LIMIT:
                    raise SimError(10002, f"extra of {len(tx.extra)} bytes is too large")
                receivers = [self._receiver_of(o, asset_id) for o in tx.outputs]
                sent = sum(
                    (Decimal(r["amount"]) for r in receivers if r["members"] != [self.bot.app_id]),
                    Decimal(0),
                )
                tx_request = TxRequest(
                    request_id=request_id,
                    transaction_hash=tx.hash,
                    asset_id=asset_id,
                    amount=sent,
                    extra=tx.extra.hex(),
                    raw=tx.encode().hex(),
                    views=[o.view.hex() for o in inputs],
                    receivers=receivers,
                    inputs=[(i.hash.hex(), i.index) for i in tx.inputs],
                    created_ns=self._now_ns(),
                )
                created.append((tx_request, tx))
                answers.append(tx_request)
            self._check_withdrawal_fees(created)
            for tx_request, _ in created:
                self.requests[tx_request.request_id] = tx_request
            return [a.as_json(self.bot.app_id) for a in answers]

    def _check_withdrawal_fees(self, batch: list[tuple["TxRequest", kernel.Transaction]]) -> None:
        """A withdrawal pays its fee to the fee user: in the same transaction when the fee is
        in the withdrawn asset, else in a transaction of the fee asset referencing it."""
        for tx_request, _ in batch:
            if not any(r.get("destination") for r in tx_request.receivers):
                continue
            asset = self.asset(tx_request.asset_id)
            if asset.withdrawal_fee <= 0:
                continue
            if asset.fee_asset_id == tx_request.asset_id:
                fee_paid = self._fee_paid(tx_request)
            else:
                fee_paid = sum(
                    (
                        self._fee_paid(other)
                        for other, other_tx in batch
                        if other.asset_id == asset.fee_asset_id
                        and bytes.fromhex(tx_request.transaction_hash) in other_tx.references
                    ),
                    Decimal(0),
                )
            if fee_paid < asset.withdrawal_fee:
                raise SimError(20124, f"insufficient fee: {fee_paid} < {asset.withdrawal_fee}")

    @staticmethod
    def _fee_paid(tx_request: TxRequest) -> Decimal:
        return sum(
            (Decimal(r["amount"]) for r in tx_request.receivers if r["members"] == [FEE_USER_ID]),
            Decimal(0),
        )

    def transactions_submit(self, requests: list[dict]) -> tuple[list[dict], list[ChainDelivery]]:
        with self.lock:
            checked: list[tuple[TxRequest, kernel.Transaction | None]] = []
            for request in requests:
                request_id = parse_uuid(request.get("request_id"), "request_id")
                tx_request = self.requests.get(request_id)
                if tx_request is None:
                    raise SimError(10002, f"no transaction request {request_id}")
                if tx_request.state == "spent":
                    checked.append((tx_request, None))
                    continue
                tx = self._decode(request.get("raw"))
                if tx.hash != tx_request.transaction_hash:
                    raise SimError(10002, "the signed transaction differs from its request")
                inputs = self._unspent_inputs(tx, tx_request.asset_id)
                try:
                    mixin_crypto.verify_transaction_signatures(
                        tx,
                        [[bytes.fromhex(k) for k in o.keys] for o in inputs],
                        thresholds=[1] * len(inputs),
                    )
                except MixinCodecError as exc:
                    raise SimError(10002, f"invalid signature: {exc}") from None
                checked.append((tx_request, tx))
            deliveries: list[ChainDelivery] = []
            for tx_request, tx in checked:
                if tx is not None:
                    deliveries.extend(self._apply(tx_request, tx))
            return [r.as_json(self.bot.app_id) for r, _ in checked], deliveries

    def _apply(self, tx_request: TxRequest, tx: kernel.Transaction) -> list[ChainDelivery]:
        for key in tx_request.inputs:
            self.outputs[key].state = "spent"
        deliveries, opponent, withdrawal = [], "", None
        for index, (output, receiver) in enumerate(
            zip(tx.outputs, tx_request.receivers, strict=True)
        ):
            if receiver.get("destination"):
                withdrawal_hash = hashlib.sha256(f"{tx.hash}:{index}".encode()).hexdigest()
                receiver["withdrawal_hash"] = withdrawal_hash
                withdrawal = {
                    "withdrawal_hash": withdrawal_hash,
                    "receiver": receiver["destination"],
                }
                deliveries.append(
                    ChainDelivery(
                        tx_request.asset_id,
                        receiver["destination"],
                        receiver["tag"],
                        output.amount,
                        withdrawal_hash,
                    )
                )
                continue
            if receiver["members"] == [self.bot.app_id]:
                ghost = self.ghosts[tuple(key.hex() for key in output.keys)]
                self._bot_output_add(
                    asset_id=tx_request.asset_id,
                    amount=output.amount,
                    transaction_hash=tx.hash,
                    index=index,
                    view=ghost.view,
                )
                continue
            for member in receiver["members"][:1]:
                user = self.users.get(member) or SimUser(member, "Mixin user", "0")
                self.users[member] = user
                user.balances[tx_request.asset_id] = (
                    user.balances.get(tx_request.asset_id, Decimal(0)) + output.amount
                )
                if member != FEE_USER_ID:
                    opponent = opponent or member
        snapshot = self._snapshot_add(
            asset_id=tx_request.asset_id,
            amount=-tx_request.amount,
            opponent_id=opponent,
            transaction_hash=tx.hash,
            memo=tx.extra.hex(),
            request_id=tx_request.request_id,
            withdrawal=withdrawal,
        )
        tx_request.state = "spent"
        tx_request.signed_raw = tx.encode().hex()
        tx_request.snapshot_id = snapshot["snapshot_id"]
        tx_request.snapshot_at_ns = snapshot["_ns"]
        return deliveries

    def transaction_get(self, request_id: str) -> dict:
        with self.lock:
            tx_request = self.requests.get(str(request_id))
            if tx_request is None:
                raise SimError(404, "The endpoint is not found.")
            return tx_request.as_json(self.bot.app_id)
