"""The simulated EVM chain under the launcher: token balances, signed transfers and campaign
escrows.

An escrow is created with its manifest (checked by the launcher's rules at creation), has
an address and a balance, and is `pending` until transfers to its address reach its fund
amount; then it is `funded` and its campaign is set up on the launcher (the campaign's
address is the escrow's). A transfer is signed by its sender over the exact canonical JSON
of its body (EIP-191, eth-account) and carries the sender's `transfer_id`: the same id
sent again answers the first transfer and moves nothing (a signed transaction is mined
once), and a transfer past its `deadline` is refused, so a sender that never saw an answer
knows, once the deadline has passed and the chain does not know the id, that it never will.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from eth_account import Account
from eth_account.messages import encode_defunct

from simulators.hufi.manifest import (
    ManifestError,
    iso_ms,
    json_value,
    manifest_validate,
    parse_decimal,
    parse_time_ms,
)
from simulators.hufi.records import HufiError, Token

PENDING, FUNDED = "pending", "funded"
TRANSFER_FIELDS = ("chain_id", "token", "from", "to", "amount", "transfer_id", "deadline")


def transfer_message(body: dict) -> bytes:
    """The bytes a sender signs: the transfer's fields as compact JSON with sorted keys."""
    signed = {name: str(body.get(name) or "") for name in TRANSFER_FIELDS}
    return json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()


def _digest(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


@dataclass
class Escrow:
    chain_id: int
    address: str
    token: Token
    fund_amount: Decimal
    manifest: dict
    launcher: str
    request_id: str
    created_at_ms: int
    balance: Decimal = Decimal(0)
    status: str = PENDING
    funded_at_ms: int | None = None
    transfers: list[str] = field(default_factory=list)  # tx hashes, in arrival order

    @property
    def key(self) -> str:
        return f"{self.chain_id}-{self.address}"

    def as_json(self) -> dict:
        return {
            "chain_id": self.chain_id,
            "address": self.address,
            "token": self.token.address,
            "token_symbol": self.token.symbol,
            "token_decimals": self.token.decimals,
            "fund_amount": json_value(self.fund_amount),
            "balance": json_value(self.balance),
            "status": self.status,
            "launcher": self.launcher,
            "request_id": self.request_id,
            "created_at": iso_ms(self.created_at_ms),
            "funded_at": iso_ms(self.funded_at_ms) if self.funded_at_ms else None,
            "transfers": list(self.transfers),
        }


@dataclass(frozen=True)
class ChainTransfer:
    tx_hash: str
    transfer_id: str
    chain_id: int
    token: str
    sender: str
    to: str
    amount: Decimal
    signed: bool
    at_ms: int

    def as_json(self) -> dict:
        return {
            "tx_hash": self.tx_hash,
            "transfer_id": self.transfer_id,
            "chain_id": self.chain_id,
            "token": self.token,
            "from": self.sender,
            "to": self.to,
            "amount": json_value(self.amount),
            "signed": self.signed,
            "at": iso_ms(self.at_ms),
        }


class Chain:
    """Balances, transfers and escrows; the world's lock guards every call."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.balances: dict[tuple[int, str, str], Decimal] = {}  # (chain, token, holder)
        self.transfers: dict[str, ChainTransfer] = {}  # by transfer id
        self.escrows: dict[str, Escrow] = {}  # by "chain-address", lower-case
        self.escrow_requests: dict[str, str] = {}  # request id -> escrow key

    def balance(self, chain_id: int, token: str, holder: str) -> Decimal:
        return self.balances.get((chain_id, token.lower(), holder.lower()), Decimal(0))

    def _move(self, chain_id: int, token: str, holder: str, amount: Decimal) -> None:
        key = (chain_id, token.lower(), holder.lower())
        self.balances[key] = self.balances.get(key, Decimal(0)) + amount

    def mint(self, token: Token, holder: str, amount: Decimal) -> Decimal:
        self._move(token.chain_id, token.address, holder, amount)
        return self.balance(token.chain_id, token.address, holder)

    def escrow_create(
        self, body: dict, *, token: Token, now_ms: int, exchanges: set[str]
    ) -> Escrow:
        request_id = str(body.get("request_id") or "")
        if not request_id:
            raise HufiError(400, "request_id is required (the launcher's key for this escrow)")
        if request_id in self.escrow_requests:
            return self.escrows[self.escrow_requests[request_id]]
        fund = parse_decimal(body.get("fund_amount"), "fund_amount")
        if fund != fund.quantize(Decimal(1).scaleb(-token.decimals)):
            raise HufiError(400, f"fund_amount has more than {token.decimals} decimals")
        manifest = body.get("manifest")
        if not isinstance(manifest, dict):
            raise HufiError(400, "manifest must be an object")
        try:
            manifest_validate(manifest, now_ms=now_ms, fund_amount=fund, exchanges=exchanges)
        except ManifestError as exc:
            raise HufiError(
                400, "the manifest breaks the launcher's rules", details=exc.problems
            ) from None
        address = "0x" + _digest("escrow", self.seed, token.chain_id, request_id)[:40]
        escrow = Escrow(
            chain_id=token.chain_id,
            address=address,
            token=token,
            fund_amount=fund,
            manifest=manifest,
            launcher=str(body.get("launcher") or ""),
            request_id=request_id,
            created_at_ms=now_ms,
        )
        self.escrows[escrow.key.lower()] = escrow
        self.escrow_requests[request_id] = escrow.key.lower()
        return escrow

    def escrow(self, key: str) -> Escrow:
        escrow = self.escrows.get(key.lower())
        if escrow is None:
            raise HufiError(404, f"escrow {key} not found")
        return escrow

    def escrow_at(self, chain_id: int, address: str) -> Escrow | None:
        return self.escrows.get(f"{chain_id}-{address}".lower())

    def transfer(
        self, body: dict, *, token: Token, now_ms: int, signed: bool
    ) -> tuple[ChainTransfer, Escrow | None]:
        """Move tokens; answers the transfer and, when it paid an escrow, the escrow."""
        transfer_id = str(body.get("transfer_id") or "")
        if not transfer_id:
            raise HufiError(400, "transfer_id is required")
        sender, to = str(body.get("from") or ""), str(body.get("to") or "")
        amount = parse_decimal(body.get("amount"), "amount")
        done = self.transfers.get(transfer_id)
        if done is not None:
            same = (done.sender.lower(), done.to.lower(), done.amount) == (
                sender.lower(),
                to.lower(),
                amount,
            )
            if not same:
                raise HufiError(409, f"transfer {transfer_id} was sent with other values")
            return done, self.escrow_at(done.chain_id, done.to)
        if signed:
            self._signature_check(body, sender)
            deadline = body.get("deadline")
            if not deadline or parse_time_ms(deadline, "deadline") < now_ms:
                raise HufiError(400, "the transfer's deadline has passed")
        if amount <= 0 or amount != amount.quantize(Decimal(1).scaleb(-token.decimals)):
            raise HufiError(400, f"amount must be positive with at most {token.decimals} decimals")
        if self.balance(token.chain_id, token.address, sender) < amount:
            raise HufiError(400, "insufficient funds: the sender's balance is below the amount")
        escrow = self.escrow_at(token.chain_id, to)
        if escrow is not None and escrow.token != token:
            raise HufiError(400, "the escrow holds another token")
        self._move(token.chain_id, token.address, sender, -amount)
        self._move(token.chain_id, token.address, to, amount)
        record = ChainTransfer(
            tx_hash="0x" + _digest("tx", token.chain_id, transfer_id),
            transfer_id=transfer_id,
            chain_id=token.chain_id,
            token=token.address,
            sender=sender,
            to=to,
            amount=amount,
            signed=signed,
            at_ms=now_ms,
        )
        self.transfers[transfer_id] = record
        if escrow is not None:
            escrow.balance += amount
            escrow.transfers.append(record.tx_hash)
        return record, escrow

    @staticmethod
    def _signature_check(body: dict, sender: str) -> None:
        try:
            signer = Account.recover_message(
                encode_defunct(primitive=transfer_message(body)),
                signature=str(body.get("signature") or ""),
            )
        except Exception:  # noqa: BLE001 - any undecodable signature is a refusal
            raise HufiError(401, "the transfer's signature cannot be read") from None
        if signer.lower() != sender.lower():
            raise HufiError(401, "the transfer is not signed by its sender")
