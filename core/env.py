"""Strict readers for settings that come from the environment.

A malformed value stops start-up with an ImproperlyConfigured that names the variable,
so a typo never silently falls back to a default.
"""

import json
import os
from typing import overload
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from dj_database_url import DBConfig
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of {sorted(_TRUE | _FALSE)}."
    )


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> DBConfig:
    value = _raw(name) or default
    try:
        config = dj_database_url.parse(value)
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(f"{name} is not a usable database URL: {exc}") from None
    if config.get("ENGINE") not in {
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    }:
        raise ImproperlyConfigured(f"{name} must be a sqlite:// or postgres:// URL.")
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database.")
    return config


BROKER_SCHEMES = {"redis", "rediss", "amqp", "amqps", "pyamqp", "filesystem"}


def env_broker_url(name: str, default: str) -> str:
    value = _raw(name) or default
    scheme = urlsplit(value).scheme
    if scheme not in BROKER_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}={value!r} has scheme {scheme!r}; expected one of {sorted(BROKER_SCHEMES)}."
        )
    return value


def env_fernet_keys(name: str) -> list[str] | None:
    keys = env_list(name, [])
    if not keys:
        return None
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except Exception:
            raise ImproperlyConfigured(
                f"{name}: key #{position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return keys


def env_json_object(name: str) -> dict[str, str]:
    """A JSON object of strings, e.g. {"BNB/USDT": "600"}; empty when unset."""
    value = _raw(name)
    if value is None:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} is not valid JSON.") from None
    if not isinstance(parsed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
    ):
        raise ImproperlyConfigured(f"{name} must be a JSON object of strings.")
    return parsed


def env_hex_key(name: str, *, length: int) -> str | None:
    """A key given as hex of `length` bytes (e.g. an ed25519 seed); None when unset."""
    value = _raw(name)
    if value is None:
        return None
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raw = b""
    if len(raw) != length:
        raise ImproperlyConfigured(f"{name} must be {length} bytes as hex ({2 * length} digits).")
    return value.lower()
