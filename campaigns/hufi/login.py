"""The recording oracle's login message: not SIWE, but the compact JSON `{"nonce":"…"}`
signed with EIP-191 personal_sign."""

import json

from eth_account import Account
from eth_account.messages import encode_defunct


def login_message(nonce: str) -> bytes:
    """The exact bytes signed: no spaces, as HuFi's oracle rebuilds them to verify."""
    return json.dumps({"nonce": nonce}, separators=(",", ":")).encode()


def login_signature(*, private_key: str, nonce: str) -> str:
    signed = Account.sign_message(encode_defunct(primitive=login_message(nonce)), private_key)
    return "0x" + bytes(signed.signature).hex()
