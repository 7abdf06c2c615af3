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


class TooDeep(RecursionError):
    """The payload nests deeper than the walk goes (a RecursionError, as json.loads raises
    for the same input)."""


def find_credential_fields(payload: object, *, max_depth: int = 64) -> list[str]:
    """Dotted paths of every credential-named key anywhere in a JSON-like payload.

    Walked with an explicit stack: a hostile body nests far deeper than Python recurses.
    """
    found: list[str] = []
    stack: list[tuple[object, str, int]] = [(payload, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > max_depth:
            raise TooDeep(f"nested deeper than {max_depth} levels")
        children: list[tuple[object, str, int]] = []
        if isinstance(value, Mapping):
            for key, item in value.items():
                here = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and is_credential_field(key):
                    found.append(here)
                children.append((item, here, depth + 1))
        elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
            children.extend(
                (item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)
            )
        stack.extend(reversed(children))
    return found
