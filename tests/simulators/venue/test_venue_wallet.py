"""Deposits from the simulated chain, idempotent withdrawals, and delivery to the peer."""

import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import ccxt
import pytest
import requests

from demo.scenarios import binance_client
from simulators.venue.clock import SkippableClock
from simulators.venue.control import SimulatorControl
from simulators.venue.server import start_in_thread
from simulators.venue.venue import Venue

MIXIN_XIN = "c94ac88f-4671-3976-b60a-09064f1811e8"


@pytest.fixture
def xin_on_mixin(venue_control):
    venue_control.coin_configure(
        coin="XIN",
        network="MIXIN",
        withdraw_fee="0.01",
        withdraw_min="0.1",
        mixin_asset_id=MIXIN_XIN,
    )


def test_a_chain_deposit_to_a_deposit_address_is_credited_and_listed(
    xin_usdt, xin_on_mixin, venue_trader, venue_control
):
    trader = venue_trader()
    address = trader.gateway.deposit_address(asset="XIN", network="MIXIN")
    assert address.address and " " not in address.address
    assert trader.gateway.deposit_address(asset="XIN", network="MIXIN") == address

    # The Mixin simulator does not know the venue's coin names: the address says it all.
    venue_control.chain_incoming(address=address.address, tag="", amount="2.5", tx_hash="0xabc")
    venue_control.chain_incoming(address=address.address, tag="", amount="2.5", tx_hash="0xabc")

    [deposit] = trader.gateway.deposits(asset="XIN")
    assert (deposit.network, deposit.tx_hash, deposit.amount) == ("MIXIN", "0xabc", Decimal("2.5"))
    assert deposit.status == "ok"
    assert trader.gateway.balances().free("XIN") == Decimal("2.5")


def test_a_deposit_waits_for_the_coins_deposit_delay(
    xin_usdt, venue_trader, venue_control, venue_clock
):
    venue_control.coin_configure(coin="XIN", network="MIXIN", deposit_delay_ms=300)
    trader = venue_trader()
    address = trader.gateway.deposit_address(asset="XIN", network="MIXIN")
    venue_control.chain_incoming(address=address.address, tag="", amount="1", tx_hash="0x1")

    [pending] = trader.gateway.deposits(asset="XIN")
    assert pending.status == "pending" and trader.gateway.balances().free("XIN") == 0
    venue_clock.skip(ms=300)
    [done] = trader.gateway.deposits(asset="XIN")
    assert done.status == "ok" and trader.gateway.balances().free("XIN") == 1


def test_withdrawing_twice_with_one_withdraw_order_id_debits_once(
    xin_usdt, xin_on_mixin, venue_trader
):
    trader = venue_trader(XIN="5")
    first = trader.ccxt.withdraw(
        "XIN", "1", "mixin-dest-1", {"network": "MIXIN", "withdrawOrderId": "o7:exit:base"}
    )
    second = trader.ccxt.withdraw(
        "XIN", "1", "mixin-dest-1", {"network": "MIXIN", "withdrawOrderId": "o7:exit:base"}
    )

    assert first["id"] == second["id"]
    assert trader.gateway.balances().free("XIN") == Decimal(4)
    [withdrawal] = trader.gateway.withdrawals(asset="XIN")
    assert withdrawal.client_id == "o7:exit:base"
    assert (withdrawal.amount, withdrawal.fee) == (Decimal("0.99"), Decimal("0.01"))
    assert withdrawal.status == "ok" and len(withdrawal.tx_hash) == 64


def test_a_withdraw_order_id_cannot_name_a_different_withdrawal(
    xin_usdt, xin_on_mixin, venue_trader
):
    trader = venue_trader(XIN="5")
    trader.ccxt.withdraw("XIN", "1", "mixin-dest-1", {"network": "MIXIN", "withdrawOrderId": "k1"})
    with pytest.raises(ccxt.BadRequest, match="names another withdrawal"):
        trader.ccxt.withdraw(
            "XIN", "2", "mixin-dest-1", {"network": "MIXIN", "withdrawOrderId": "k1"}
        )
    assert trader.gateway.balances().free("XIN") == 4


class _Peer(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"path": self.path, **json.loads(body)})
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def peer():
    _Peer.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Peer)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Peer.received
    server.shutdown()
    server.server_close()


def test_a_completed_withdrawal_arrives_at_the_peer_as_a_chain_transfer(peer):
    peer_url, received = peer
    clock = SkippableClock()
    url, stop = start_in_thread(venue=Venue(peer_url=peer_url, clock=clock), agent_interval_s=0)
    try:
        control = SimulatorControl(url)
        control.coin_configure(
            coin="XIN",
            network="MIXIN",
            withdraw_fee="0.01",
            withdraw_delay_ms=200,
            mixin_asset_id=MIXIN_XIN,
        )
        control.market_create(
            symbol="XIN/USDT", mid="100", tick_size="0.01", step_size="0.001", agents=False
        )
        account = control.account_create(label="mm", permissions=["read", "withdraw"])
        control.credit(api_key=account["api_key"], asset="XIN", amount="3")
        client = binance_client(url, account["api_key"], account["secret"])
        client.load_markets()
        client.withdraw("XIN", "2", "mixin-dest", {"network": "MIXIN", "withdrawOrderId": "w1"})

        assert received == []  # not before the withdrawal delay
        clock.skip(ms=200)  # the server's clock loop completes it and hands it to the peer
        deadline = time.monotonic() + 3
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop()
    [transfer] = received
    assert transfer["path"] == "/_sim/chain/incoming"
    assert transfer["asset_id"] == MIXIN_XIN and transfer["amount"] == "1.99"
    assert transfer["address"] == "mixin-dest" and len(transfer["tx_hash"]) == 64


def test_a_transfer_to_an_address_the_venue_never_gave_out_is_refused(venue_control):
    with pytest.raises(requests.HTTPError, match="not a deposit address of this venue"):
        venue_control.chain_incoming(address="sim-unknown", tag="", amount="1", tx_hash="0x9")
    assert venue_control.state()["deposits"] == []
