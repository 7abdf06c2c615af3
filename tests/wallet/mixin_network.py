"""The keys Mixin's network holds for its users, enough to stand in for POST /safe/keys and
the `views` of POST /safe/transaction/requests in tests of the pure builders."""

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mixin_kernel import crypto, kernel
from mixin_kernel.builders import GhostKeyRequest, SpendableOutput


@dataclass(frozen=True)
class UserKeys:
    spend_seed: bytes
    view_private: bytes

    @property
    def member(self) -> crypto.MemberKeys:
        return crypto.MemberKeys(
            view_public=crypto.public_key(self.view_private),
            spend_public=crypto.public_key(crypto.scalar_from_seed(self.spend_seed)),
        )


@dataclass(frozen=True)
class OwnedOutput:
    spendable: SpendableOutput
    mask: bytes
    key: bytes


class SafeKeyring:
    def __init__(self) -> None:
        self.users: dict[str, UserKeys] = {}
        self.requests: list[list[GhostKeyRequest]] = []

    def user(self, user_id: str) -> UserKeys:
        if user_id not in self.users:
            self.users[user_id] = UserKeys(
                spend_seed=os.urandom(32),
                view_private=crypto.scalar_from_uniform_bytes(os.urandom(64)),
            )
        return self.users[user_id]

    def ghost_keys(self, requests: Sequence[GhostKeyRequest]) -> list[crypto.GhostKeys]:
        """Deterministic per hint, as the real endpoint is."""
        self.requests.append(list(requests))
        return [
            crypto.ghost_keys(
                mask_private=crypto.scalar_from_uniform_bytes(
                    hashlib.sha512(request.hint.encode()).digest()
                ),
                members=[self.user(member).member for member in request.receivers],
                output_index=request.index,
            )
            for request in requests
        ]

    def pay(self, user_id: str, amount: str, *, output_index: int = 0) -> OwnedOutput:
        """An output of a made-up transaction that `user_id` alone can spend."""
        mask_private = crypto.scalar_from_uniform_bytes(os.urandom(64))
        keys = crypto.ghost_keys(
            mask_private=mask_private,
            members=[self.user(user_id).member],
            output_index=output_index,
        )
        return OwnedOutput(
            spendable=SpendableOutput(
                transaction_hash=os.urandom(32).hex(),
                output_index=output_index,
                amount=Decimal(amount),
            ),
            mask=keys.mask,
            key=keys.keys[0],
        )

    def views(self, user_id: str, spent: Sequence[OwnedOutput]) -> list[str]:
        view_private = self.user(user_id).view_private
        return [
            crypto.ghost_view_key(o.mask, view_private, o.spendable.output_index).hex()
            for o in spent
        ]

    def can_spend(self, user_id: str, tx: kernel.Transaction, output_index: int) -> bool:
        keys = self.user(user_id)
        output = tx.outputs[output_index]
        private = crypto.derive_ghost_private_key(
            output.mask, keys.view_private, crypto.scalar_from_seed(keys.spend_seed), output_index
        )
        return crypto.public_key(private) in output.keys
