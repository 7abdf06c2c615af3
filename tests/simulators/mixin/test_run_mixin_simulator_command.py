"""`manage.py run_mixin_simulator` serves the simulator for the bot in MIXIN_KEYSTORE."""

import os
import subprocess
import sys
from pathlib import Path

import httpx

from wallet.client import MixinClient
from wallet.keystore import generate_keystore_json, keystore_from_json

ROOT = Path(__file__).resolve().parents[3]


def test_the_command_serves_the_configured_bot(tmp_path):
    keystore_json = generate_keystore_json()
    env = {
        **os.environ,
        "DEBUG": "true",
        "MRMARKET_VAR_DIR": str(tmp_path),
        "MIXIN_KEYSTORE": keystore_json,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_mixin_simulator", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = process.stdout.readline()
        url = banner.split(" on ")[-1].strip()
        keystore = keystore_from_json(keystore_json, source="test")
        assert keystore.app_id in banner
        with MixinClient(base_url=url, keystore=keystore, timeout_seconds=5) as client:
            assert client.me()["user_id"] == keystore.app_id
        assert "Mixin simulator" in httpx.get(url + "/").text
    finally:
        process.terminate()
        process.wait(timeout=10)
