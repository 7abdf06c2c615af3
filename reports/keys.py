"""The node's report key: ed25519, kept with the node's other secrets.

Production reads its seed from REPORT_SIGNING_KEY; debug generates one once under var/
(mrmarket/settings.py). The public key is what anyone checks a bundle's signature with.
"""

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
