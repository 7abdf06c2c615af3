"""The venue simulator's HTTP server: the Binance dialect plus the /_sim/ control API.

Keep-alive (HTTP/1.1) with TCP_NODELAY on every accepted socket: ccxt reuses its
connections, and without TCP_NODELAY each small response waits on Nagle's algorithm and
the client's delayed ACK (tens of milliseconds per call on loopback).

`start_in_thread()` runs the same server on an ephemeral port for tests and benchmarks.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit

from simulators.http import KeepAliveHandler
from simulators.venue.control import handle_control
from simulators.venue.dialect import Dialect
from simulators.venue.faults import Fault
from simulators.venue.request import Request
from simulators.venue.venue import Venue

logger = logging.getLogger(__name__)

CLOCK_INTERVAL_S = 0.05
PEER_ATTEMPTS = 10
PEER_RETRY_S = 1.0


class VenueHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], venue: Venue) -> None:
        self.venue = venue
        self.dialect = Dialect(venue)
        super().__init__(address, VenueRequestHandler)


class VenueRequestHandler(KeepAliveHandler):
    label = "venue simulator"
    server: VenueHTTPServer

    def dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        body = self.body_read()
        if url.path.startswith("/_sim/"):
            try:
                payload = json.loads(body) if body else {}
            except json.JSONDecodeError:
                self._send(400, {"error": "the body must be JSON"})
                return
            self._send(*handle_control(self.server.venue, method, url.path, payload))
            return
        dialect = self.server.dialect
        if not dialect.handles(method, url.path):
            self._send(404, {"code": -1000, "msg": f"Unknown endpoint {method} {url.path}."})
            return
        venue = self.server.venue
        fault = venue.faults.take(path=url.path, method=method) or _chaos_fault(
            venue, path=url.path, method=method
        )
        if fault is not None and self._refuse_with(fault):
            return
        request = Request(
            method=method,
            path=url.path,
            query=url.query,
            body=body,
            api_key=self.headers.get("X-MBX-APIKEY", ""),
        )
        try:
            status, response = dialect.handle(request)
        except Exception:
            logger.exception("venue simulator failed on %s %s", method, url.path)
            status, response = 500, {"code": -1000, "msg": "An unknown error occurred."}
        if fault is not None and fault.kind == "timeout":
            # The effect happened; the answer never comes (the in-doubt case).
            time.sleep(fault.delay_ms / 1000)
            self.close_connection = True
            return
        self._send(status, response)

    def _refuse_with(self, fault: Fault) -> bool:
        """Answer for a fault that stops the request before the venue sees it."""
        if fault.kind == "delay":
            time.sleep(fault.delay_ms / 1000)
            return False
        if fault.kind == "http_500":
            self._send_raw(500, b"Internal Server Error", "text/plain")
        elif fault.kind == "rate_limit":
            self._send(429, {"code": -1003, "msg": "Too many requests; slow down."})
        elif fault.kind == "maintenance":
            self._send(503, {"code": 1, "msg": "System is under maintenance."})
        elif fault.kind == "reject":
            self._send(400, {"code": fault.code, "msg": fault.msg})
        elif fault.kind == "disconnect":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            return False
        return True

    def _send(self, status: int, payload: object) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json")

    def _send_raw(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _chaos_fault(venue: Venue, *, path: str, method: str) -> Fault | None:
    """A chaos draw (simulators/chaos.py) as this simulator's fault; the kinds share names."""
    kind = venue.chaos.draw()
    if kind is None:
        return None
    return Fault(path=path, method=method, kind=kind, count=1, delay_ms=venue.chaos.delay_ms)


def _clock_loop(venue: Venue, stop: threading.Event, agent_interval_s: float) -> None:
    """Completes due deposits/withdrawals and runs the agents' rounds until stopped."""
    next_round = time.monotonic() + agent_interval_s
    while not stop.wait(CLOCK_INTERVAL_S):
        try:
            venue.run_due()
            if agent_interval_s > 0 and time.monotonic() >= next_round:
                venue.agents_run_round()
                next_round = time.monotonic() + agent_interval_s
        except Exception:
            logger.exception("venue simulator clock round failed")


def _peer_loop(venue: Venue, stop: threading.Event) -> None:
    """Hands completed withdrawals to the peer, retrying while the peer is not up yet."""
    while (record := venue.peer_outbox.get()) is not None:  # None: the server stops
        for _ in range(PEER_ATTEMPTS):
            if venue.peer_deliver(record) or stop.wait(PEER_RETRY_S):
                break


def serve(
    *, venue: Venue, host: str, port: int, agent_interval_s: float = 0.5
) -> tuple[VenueHTTPServer, Callable[[], None]]:
    """Bind the server and start its background threads; returns (server, stop)."""
    server = VenueHTTPServer((host, port), venue)
    stop_event = threading.Event()
    workers = [
        threading.Thread(
            target=_clock_loop, args=(venue, stop_event, agent_interval_s), daemon=True
        ),
        threading.Thread(target=_peer_loop, args=(venue, stop_event), daemon=True),
    ]
    for worker in workers:
        worker.start()

    def stop() -> None:
        stop_event.set()
        venue.peer_outbox.put(None)
        server.shutdown()
        server.server_close()
        for worker in workers:
            worker.join(timeout=2)

    return server, stop


def start_in_thread(
    *,
    venue: Venue | None = None,
    seed: int = 0,
    peer_url: str = "",
    agent_interval_s: float = 0.5,
) -> tuple[str, Callable[[], None]]:
    """Run a simulator on 127.0.0.1 and an ephemeral port; returns (base URL, stop)."""
    venue = venue or Venue(seed=seed, peer_url=peer_url)
    server, stop_background = serve(
        venue=venue, host="127.0.0.1", port=0, agent_interval_s=agent_interval_s
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]

    def stop() -> None:
        stop_background()
        thread.join(timeout=5)

    return f"http://{host}:{port}", stop
