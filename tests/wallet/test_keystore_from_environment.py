"""The bot keystore comes from MIXIN_KEYSTORE or MIXIN_KEYSTORE_FILE; a bad one stops
start-up naming the variable, and secrets are never printed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from wallet.keystore import generate_keystore_json

ROOT = Path(__file__).resolve().parents[2]


def check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "MIXIN_KEYSTORE", "MIXIN_KEYSTORE_FILE"}
    }
    env.update(
        {
            "MRMARKET_VAR_DIR": str(tmp_path),
            "SECRET_KEY": "x" * 50,
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "REPORT_SIGNING_KEY": "ab" * 32,
            "CELERY_BROKER_URL": "filesystem://",
            "DEBUG": "false",
            **overrides,
        }
    )
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.MIXIN_KEYSTORE); print(settings.MIXIN_API_BASE)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "mrmarket.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_keystore_from_json_is_read_and_printed_without_secrets(tmp_path):
    keystore = generate_keystore_json()
    result = check(tmp_path, MIXIN_KEYSTORE=keystore)
    assert result.returncode == 0, result.stderr
    assert "session_private_key=***" in result.stdout
    assert "https://api.mixin.one" in result.stdout
    for secret in ("session_private_key", "spend_private_key", "oauth_client_secret"):
        assert json.loads(keystore)[secret] not in result.stdout + result.stderr


def test_a_keystore_file_is_read(tmp_path):
    path = tmp_path / "keystore.json"
    path.write_text(generate_keystore_json())
    result = check(tmp_path, MIXIN_KEYSTORE_FILE=str(path))
    assert result.returncode == 0, result.stderr
    assert "MixinKeystore(app_id=" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MIXIN_KEYSTORE", "{not json"),
        ("MIXIN_KEYSTORE", '{"app_id": "x"}'),
        ("MIXIN_KEYSTORE_FILE", "/nonexistent/keystore.json"),
    ],
)
def test_a_bad_keystore_stops_startup_naming_the_variable(tmp_path, variable, value):
    result = check(tmp_path, **{variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line and variable in last_line


def test_without_a_keystore_production_starts_with_the_wallet_unconfigured(tmp_path):
    result = check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "None"
