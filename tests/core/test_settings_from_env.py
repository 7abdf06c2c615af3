"""A malformed environment value stops start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = Fernet.generate_key().decode()


def start(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        {
            "MRMARKET_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "x" * 50,
            "FIELD_ENCRYPTION_KEYS": GOOD_KEY,
            "REPORT_SIGNING_KEY": "ab" * 32,
            "CELERY_BROKER_URL": "filesystem://",
            "DEBUG": "false",
        }
    )
    env.update(overrides)
    env = {k: v for k, v in env.items() if v != "<unset>"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_good_environment_starts(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://nobody@nowhere/db"),
        ("DATABASE_URL", "not a url"),
        ("CELERY_BROKER_URL", "http://127.0.0.1:6379"),
        ("FIELD_ENCRYPTION_KEYS", f"{GOOD_KEY},not-a-fernet-key"),
        ("DATABASE_CONN_MAX_AGE", "soon"),
        ("REPORT_SIGNING_KEY", "not hex"),
        ("REPORT_SIGNING_KEY", "ab" * 31),
    ],
)
def test_malformed_value_stops_startup_naming_the_variable(tmp_path, variable, value):
    overrides = {variable: value}
    if variable == "DATABASE_CONN_MAX_AGE":
        overrides["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/unused"
    result = start(tmp_path, **overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("variable", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "REPORT_SIGNING_KEY"])
def test_missing_secret_is_an_error_without_debug(tmp_path, variable):
    result = start(tmp_path, **{variable: "<unset>"})
    assert result.returncode != 0
    assert variable in result.stderr.splitlines()[-1]
    assert not any(tmp_path.iterdir()) or not (tmp_path / "secret_key").exists()


def test_debug_generates_demo_secrets_once(tmp_path):
    unset = dict.fromkeys(("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "REPORT_SIGNING_KEY"), "<unset>")
    first = start(tmp_path, DEBUG="true", **unset)
    assert first.returncode == 0, first.stderr
    secret = (tmp_path / "secret_key").read_text()
    key = (tmp_path / "field_encryption_key").read_text()
    Fernet(key.encode())  # a usable key
    report_key = (tmp_path / "report_signing_key").read_text()
    assert len(bytes.fromhex(report_key)) == 32  # an ed25519 seed
    second = start(tmp_path, DEBUG="true", **unset)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "secret_key").read_text() == secret
    assert (tmp_path / "field_encryption_key").read_text() == key
    assert (tmp_path / "report_signing_key").read_text() == report_key
