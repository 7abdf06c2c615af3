"""The HuFi simulator's HTTP server (HTTP/1.1 keep-alive, TCP_NODELAY, JSON in and out).

Bodies are parsed with Decimal for every JSON fraction, so no amount passes through a
float. Errors answer `{"status_code", "error", "message"[, "details"]}`. A background
loop scores the cycles that have ended by the simulator's clock.
`start_in_thread()` runs the same server on an ephemeral port for tests.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from decimal import Decimal
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from simulators.http import KeepAliveHandler
from simulators.hufi import api, oracle
from simulators.hufi.records import HufiError
from simulators.hufi.world import HufiWorld

logger = logging.getLogger(__name__)

RESULTS_FILE = re.compile(r"^/results/(?P<digest>[0-9a-f]{64})\.json$")


class HufiHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], world: HufiWorld) -> None:
        self.world = world
        super().__init__(address, HufiRequestHandler)


class HufiRequestHandler(KeepAliveHandler):
    label = "hufi simulator"
    server: HufiHTTPServer

    def dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        raw = self.body_read()
        results = RESULTS_FILE.match(url.path)
        if results and method == "GET":
            with self.server.world.lock:
                body = self.server.world.results_files.get(results["digest"])
            if body is None:
                self._send(404, _error(HufiError(404, "no such results file")))
            else:
                self._send_raw(200, body)
            return
        try:
            body = json.loads(raw, parse_float=Decimal) if raw else {}
            if not isinstance(body, dict):
                raise HufiError(400, "the body must be a JSON object")
            request = api.Request(
                method=method,
                path=url.path.rstrip("/") or "/",
                query=dict(parse_qsl(url.query)),
                body=body,
                bearer=self.headers.get("Authorization", "").removeprefix("Bearer ").strip(),
            )
            status, payload = api.dispatch(self.server.world, request)
        except json.JSONDecodeError:
            status, payload = 400, _error(HufiError(400, "the body must be JSON"))
        except HufiError as exc:
            status, payload = exc.status, _error(exc)
        except (ValueError, TypeError) as exc:
            status, payload = 400, _error(HufiError(400, str(exc)))
        except Exception:
            logger.exception("hufi simulator failed on %s %s", method, url.path)
            status, payload = 500, _error(HufiError(500, "Internal server error"))
        self._send(status, payload)

    def _send(self, status: int, payload: object) -> None:
        self._send_raw(status, json.dumps(payload).encode())

    def _send_raw(self, status: int, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _error(exc: HufiError) -> dict:
    body: dict[str, object] = {
        "status_code": exc.status,
        "error": HTTPStatus(exc.status).phrase,
        "message": exc.message,
    }
    if exc.details:
        body["details"] = exc.details
    return body


def _cycle_loop(world: HufiWorld, stop: threading.Event, interval_s: float) -> None:
    while not stop.wait(interval_s):
        try:
            oracle.cycles_run_due(world)
        except Exception:
            logger.exception("hufi simulator cycle round failed")


def serve(
    *, world: HufiWorld, host: str, port: int, cycle_interval_s: float = 5.0
) -> tuple[HufiHTTPServer, Callable[[], None]]:
    """Bind the server and start the cycle loop (0: cycles only through the control API)."""
    server = HufiHTTPServer((host, port), world)
    bound_host, bound_port = server.server_address[:2]
    world.base_url = f"http://{bound_host}:{bound_port}"
    stop_event = threading.Event()
    loop = None
    if cycle_interval_s > 0:
        loop = threading.Thread(
            target=_cycle_loop, args=(world, stop_event, cycle_interval_s), daemon=True
        )
        loop.start()

    def stop() -> None:
        stop_event.set()
        server.shutdown()
        server.server_close()
        if loop is not None:
            loop.join(timeout=5)

    return server, stop


def start_in_thread(
    *, world: HufiWorld | None = None, peer_url: str = "", cycle_interval_s: float = 0
) -> tuple[str, Callable[[], None]]:
    """Run a simulator on 127.0.0.1 and an ephemeral port; returns (base URL, stop)."""
    world = world or HufiWorld(peer_url=peer_url)
    server, stop_background = serve(
        world=world, host="127.0.0.1", port=0, cycle_interval_s=cycle_interval_s
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()

    def stop() -> None:
        stop_background()
        thread.join(timeout=5)

    return world.base_url, stop
