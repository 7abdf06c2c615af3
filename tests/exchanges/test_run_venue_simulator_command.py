"""`manage.py run_venue_simulator` runs its own process, set up from a file, until SIGTERM."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from exchanges.gateway import CcxtGateway
from tests.exchanges.venue_fixtures import binance_client

ROOT = Path(__file__).resolve().parents[2]
DEMO_KEY = "demo-market-maker-key"
DEMO_SECRET = "demo-market-maker-secret"


@pytest.fixture
def setup_file(tmp_path):
    path = tmp_path / "venue.json"
    path.write_text(
        json.dumps(
            {
                "coins": [{"coin": "XIN", "network": "MIXIN", "withdraw_fee": "0.01"}],
                "markets": [
                    {
                        "symbol": "XIN/USDT",
                        "mid": "150",
                        "tick_size": "0.01",
                        "step_size": "0.001",
                        "min_notional": "1",
                    }
                ],
                "accounts": [
                    {
                        "label": "demo",
                        "permissions": ["read", "trade", "withdraw"],
                        "api_key": DEMO_KEY,
                        "secret": DEMO_SECRET,
                        "credits": {"USDT": "5000", "XIN": "20"},
                    }
                ],
            }
        )
    )
    return path


def test_the_simulator_process_serves_the_set_up_venue_and_stops_on_sigterm(setup_file):
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_venue_simulator", "--port", "0", "--seed", "3"]
        + ["--setup", str(setup_file), "--agent-interval", "0.05"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        gateway = CcxtGateway(binance_client(url, DEMO_KEY, DEMO_SECRET))

        balances = gateway.balances()
        assert balances.free("USDT") == Decimal(5000) and balances.can_trade is True
        book = gateway.order_book(symbol="XIN/USDT")
        assert book.bids and book.asks  # the agents keep a book around the mid
        assert abs(book.bids[0].price - 150) < 5
        assert gateway.deposit_address(asset="XIN", network="MIXIN").address
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
