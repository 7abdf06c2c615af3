"""`manage.py run_venue_simulator` runs its own process, set up from a file, until SIGTERM."""

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from demo.scenarios import binance_client
from exchanges.gateway import CcxtGateway
from simulators.venue.control import SimulatorControl

ROOT = Path(__file__).resolve().parents[3]
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


@contextlib.contextmanager
def simulator_process(setup_file: Path, agent_interval: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_venue_simulator", "--port", "0", "--seed", "3"]
        + ["--setup", str(setup_file), "--agent-interval", agent_interval],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process.stdout.readline().split()[-1]
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_the_simulator_process_serves_the_set_up_venue_and_stops_on_sigterm(setup_file):
    with simulator_process(setup_file, agent_interval="0.05") as url:
        gateway = CcxtGateway(binance_client(url, DEMO_KEY, DEMO_SECRET))

        balances = gateway.balances()
        assert balances.free("USDT") == Decimal(5000) and balances.can_trade is True
        book = gateway.order_book(symbol="XIN/USDT")
        assert book.bids and book.asks  # the agents keep a book around the mid
        assert abs(book.bids[0].price - 150) < 5


def test_a_deposit_address_survives_a_restart_with_the_same_setup(setup_file):
    with simulator_process(setup_file, agent_interval="0") as url:
        gateway = CcxtGateway(binance_client(url, DEMO_KEY, DEMO_SECRET))
        address = gateway.deposit_address(asset="XIN", network="MIXIN").address

    with simulator_process(setup_file, agent_interval="0") as url:
        # Paid without asking for the address again after the restart.
        SimulatorControl(url).chain_incoming(
            address=address, tag="", amount="2", tx_hash="0xafter-restart"
        )
        gateway = CcxtGateway(binance_client(url, DEMO_KEY, DEMO_SECRET))
        assert gateway.balances().free("XIN") == Decimal(22)
        assert gateway.deposit_address(asset="XIN", network="MIXIN").address == address
