"""The node's report key: ed25519, kept with the node's other secrets.

Production reads its seed from REPORT_SIGNING_KEY; debug generates one once under var/
(mrmarket/settings.py). The public key is what anyone checks a bundle's signature with.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from nacl.encoding import HexEncoder
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey


def report_signing_key() -> SigningKey:
    return SigningKey(settings.REPORT_SIGNING_KEY.encode(), encoder=HexEncoder)


def report_public_key() -> str:
    """The node's report public key as hex, for the proof page and report_verify."""
    return report_signing_key().verify_key.encode(encoder=HexEncoder).decode()


def signature_valid(*, public_key_hex: str, message: bytes, signature_hex: str) -> bool:
    try:
        VerifyKey(public_key_hex.encode(), encoder=HexEncoder).verify(
            message, bytes.fromhex(signature_hex)
        )
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class Signature:
    sha256: str  # hex of the hashed bytes' sha256
    signature: str  # hex of the ed25519 signature of those 32 hash bytes
    public_key: str


def sign_canonical(body: bytes, *, key: SigningKey | None = None) -> Signature:
    """How the node signs a document (a report bundle, its proof): the ed25519 signature of
    the sha256 of its canonical bytes."""
    key = key or report_signing_key()
    digest = hashlib.sha256(body).digest()
    return Signature(
        sha256=digest.hex(),
        signature=key.sign(digest).signature.hex(),
        public_key=key.verify_key.encode(encoder=HexEncoder).decode(),
    )


def signer_problems(
    *, digest: bytes, public_key: str, signature: str, expected_key: str, what: str
) -> list[str]:
    """The signer must be the expected key and the signature that key's, over `digest`."""
    problems = []
    if public_key != expected_key:
        problems.append(f"signature: signed by key {public_key}, not the node's {expected_key}")
    if not signature_valid(public_key_hex=public_key, message=digest, signature_hex=signature):
        problems.append(f"signature: does not match {what}")
    return problems
