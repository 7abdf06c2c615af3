"""`manage.py run_hufi_simulator` runs its own process, set up from a file, until SIGTERM."""

import json
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]


def test_command_serves_the_setup_and_stops_on_sigterm(tmp_path):
    setup = tmp_path / "hufi.json"
    setup.write_text(json.dumps({"tokens": [{"chain_id": 137, "symbol": "USDT", "decimals": 6}]}))
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_hufi_simulator", "--port", "0", "--seed", "2"]
        + ["--venue-url", "http://127.0.0.1:9", "--setup", str(setup), "--cycle-interval", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("hufi simulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1].strip()
        assert httpx.get(f"{url}/launcher/health/ping").json() == {"status": "ok"}
        assert [e["name"] for e in httpx.get(f"{url}/launcher/exchanges").json()] == ["binance"]
        [token] = httpx.get(f"{url}/_sim/state").json()["tokens"]
        assert (token["symbol"], token["decimals"]) == ("USDT", 6)
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
