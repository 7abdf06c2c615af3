"""The recording oracle's login: a nonce signed with EIP-191 personal_sign, then tokens.

Not SIWE: the signed message is exactly the compact JSON `{"nonce":"<nonce>"}`. An
unknown address gets the nonce "signup"; signing it creates the user. Each successful
login turns the nonce over, so a signature is good once. Access tokens live an hour and
refresh tokens thirty days on the simulator's clock; a refresh turns both over.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import is_address, to_checksum_address

from simulators.hufi.records import HufiError

SIGNUP_NONCE = "signup"
ACCESS_TTL_MS = 3_600_000
REFRESH_TTL_MS = 30 * 86_400_000


def login_message(nonce: str) -> bytes:
    """The exact bytes a participant signs (before the EIP-191 prefix)."""
    return json.dumps({"nonce": nonce}, separators=(",", ":")).encode()


def signer_of(nonce: str, signature: str) -> str:
    """The lower-case address that signed the login message for `nonce`, or a 401."""
    try:
        signer = Account.recover_message(
            encode_defunct(primitive=login_message(nonce)), signature=signature
        )
    except Exception as exc:  # eth-account raises several types for a malformed signature
        raise HufiError(401, f"the signature is not valid: {exc}") from None
    return signer.lower()


def checked_address(raw: object) -> str:
    if not isinstance(raw, str) or not is_address(raw):
        raise HufiError(400, "address must be an EVM address")
    return to_checksum_address(raw)


def new_nonce() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Grant:
    address: str  # lower case
    expires_ms: int


class Sessions:
    """Access and refresh tokens (opaque); callers hold the world's lock."""

    def __init__(self) -> None:
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, Grant] = {}

    def issue(self, *, address: str, now_ms: int) -> dict:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.access[access] = Grant(address, now_ms + ACCESS_TTL_MS)
        self.refresh[refresh] = Grant(address, now_ms + REFRESH_TTL_MS)
        return {"access_token": access, "refresh_token": refresh}

    def address_of(self, access_token: str, *, now_ms: int) -> str:
        grant = self.access.get(access_token)
        if grant is None or grant.expires_ms <= now_ms:
            raise HufiError(401, "the access token is missing, unknown or expired")
        return grant.address

    def renew(self, refresh_token: str, *, now_ms: int) -> dict:
        grant = self.refresh.pop(refresh_token, None)
        if grant is None or grant.expires_ms <= now_ms:
            raise HufiError(401, "the refresh token is unknown or expired")
        return self.issue(address=grant.address, now_ms=now_ms)

    def revoke(self, address: str) -> None:
        for tokens in (self.access, self.refresh):
            for token in [t for t, grant in tokens.items() if grant.address == address]:
                del tokens[token]
