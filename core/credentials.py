"""Names of fields that carry raw credentials, and how to find them in a payload."""

from collections.abc import Iterable, Mapping

CREDENTIAL_FIELD_NAMES = frozenset(
    {
        "api_key",
        "apikey",
        "api_secret",
        "secret",
        "secret_key",
        "secretkey",
        "private_key",
        "privatekey",
        "spend_private_key",
        "session_private_key",
        "password",
        "passphrase",
        "passwd",
        "mnemonic",
        "seed",
        "pin",
        "access_token",
        "refresh_token",
        "client_secret",
        "oauth_client_secret",
    }
)


def normalize_field_name(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def is_credential_field(name: str) -> bool:
    return normalize_field_name(name) in CREDENTIAL_FIELD_NAMES


def find_credential_fields(payload: object, path: str = "") -> list[str]:
    """Dotted paths of every credential-named key anywhere in a JSON-like payload."""
    found: list[str] = []
    if isinstance(payload, Mapping):
        for key, value in payload.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and is_credential_field(key):
                found.append(here)
            found.extend(find_credential_fields(value, here))
    elif isinstance(payload, Iterable) and not isinstance(payload, str | bytes):
        for index, value in enumerate(payload):
            found.extend(find_credential_fields(value, f"{path}[{index}]"))
    return found
