"""The recording oracle's login message: not SIWE, but the compact JSON `{"nonce":"…"}`
signed with EIP-191 personal_sign; and a chain transfer's message, signed the same way."""

import json

from eth_account import Account
from eth_account.messages import encode_defunct


def login_message(nonce: str) -> bytes:
    """The exact bytes signed: no spaces, as HuFi's oracle rebuilds them to verify."""
    return json.dumps({"nonce": nonce}, separators=(",", ":")).encode()


def login_signature(*, private_key: str, nonce: str) -> str:
    signed = Account.sign_message(encode_defunct(primitive=login_message(nonce)), private_key)
    return "0x" + bytes(signed.signature).hex()


TRANSFER_FIELDS = ("chain_id", "token", "from", "to", "amount", "transfer_id", "deadline")


def transfer_message(transfer: dict[str, object]) -> bytes:
    """The exact bytes a token transfer's sender signs: its fields as text, in compact JSON
    with sorted keys (the chain rebuilds them the same way to verify)."""
    signed = {name: str(transfer.get(name) or "") for name in TRANSFER_FIELDS}
    return json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()


def transfer_signature(*, private_key: str, transfer: dict[str, object]) -> str:
    signed = Account.sign_message(encode_defunct(primitive=transfer_message(transfer)), private_key)
    return "0x" + bytes(signed.signature).hex()
