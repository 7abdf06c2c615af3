"""The bot's Mixin keystore: identity, session key, spend key, OAuth secret.

Read once from the environment (`MIXIN_KEYSTORE` JSON or `MIXIN_KEYSTORE_FILE` path) by
settings. Secrets live only in this object; its repr masks them so a log line or a debug
page never shows one.
"""

import json
import secrets
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nacl.signing
from django.core.exceptions import ImproperlyConfigured

REQUIRED_FIELDS = (
    "app_id",
    "session_id",
    "server_public_key",
    "session_private_key",
    "spend_private_key",
    "oauth_client_secret",
)


@dataclass(frozen=True)
class MixinKeystore:
    app_id: str
    session_id: str
    server_public_key: str
    session_seed: bytes = field(repr=False)
    spend_seed: bytes = field(repr=False)
    oauth_client_secret: str = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"MixinKeystore(app_id={self.app_id!r}, session_id={self.session_id!r}, "
            "session_private_key=***, spend_private_key=***, oauth_client_secret=***)"
        )

    __str__ = __repr__

    @property
    def session_public_key(self) -> str:
        return nacl.signing.SigningKey(self.session_seed).verify_key.encode().hex()

    @property
    def spend_public_key(self) -> str:
        """Y = y·G with y the clamped SHA-512 of the spend seed (plain Ed25519 public key)."""
        return nacl.signing.SigningKey(self.spend_seed).verify_key.encode().hex()

    @property
    def spend_private_key_hex(self) -> str:
        return self.spend_seed.hex()


def _seed(source: str, name: str, value: object) -> bytes:
    """A 32-byte Ed25519 seed from hex; a 64-byte seed‖public key is accepted as well."""
    if not isinstance(value, str):
        raise ImproperlyConfigured(f"{source}: {name} must be a hex string.")
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise ImproperlyConfigured(f"{source}: {name} is not hex.") from None
    if len(raw) not in (32, 64):
        raise ImproperlyConfigured(f"{source}: {name} must be 32 (or 64) bytes of hex.")
    return raw[:32]


def _uuid(source: str, name: str, value: object) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ImproperlyConfigured(f"{source}: {name} is not a UUID.") from None


def keystore_from_json(text: str, *, source: str) -> MixinKeystore:
    try:
        data = json.loads(text)
    except ValueError:
        raise ImproperlyConfigured(f"{source} is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"{source} must be a JSON object.")
    missing = [name for name in REQUIRED_FIELDS if not data.get(name)]
    if missing:
        raise ImproperlyConfigured(f"{source} lacks {', '.join(missing)}.")
    return MixinKeystore(
        app_id=_uuid(source, "app_id", data["app_id"]),
        session_id=_uuid(source, "session_id", data["session_id"]),
        server_public_key=str(data["server_public_key"]),
        session_seed=_seed(source, "session_private_key", data["session_private_key"]),
        spend_seed=_seed(source, "spend_private_key", data["spend_private_key"]),
        oauth_client_secret=str(data["oauth_client_secret"]),
    )


def keystore_from_env(*, json_text: str | None, file_path: str | None) -> MixinKeystore | None:
    """The keystore named by MIXIN_KEYSTORE or MIXIN_KEYSTORE_FILE (not both), or None."""
    if json_text and file_path:
        raise ImproperlyConfigured("Set MIXIN_KEYSTORE or MIXIN_KEYSTORE_FILE, not both.")
    if json_text:
        return keystore_from_json(json_text, source="MIXIN_KEYSTORE")
    if file_path:
        path = Path(file_path)
        if not path.is_file():
            raise ImproperlyConfigured(f"MIXIN_KEYSTORE_FILE={file_path!r} is not a file.")
        return keystore_from_json(path.read_text(), source="MIXIN_KEYSTORE_FILE")
    return None


def generate_keystore_json() -> str:
    """A fresh keystore for the embedded demo, whose Mixin is the simulator."""
    return json.dumps(
        {
            "app_id": str(uuid.uuid4()),
            "session_id": str(uuid.uuid4()),
            "server_public_key": nacl.signing.SigningKey.generate().verify_key.encode().hex(),
            "session_private_key": secrets.token_bytes(32).hex(),
            "spend_private_key": secrets.token_bytes(32).hex(),
            "oauth_client_secret": secrets.token_hex(32),
        },
        indent=2,
    )
