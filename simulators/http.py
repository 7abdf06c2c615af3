"""The HTTP plumbing every simulator shares: stdlib's threading server speaking HTTP/1.1
keep-alive with TCP_NODELAY, so a client's request is not held back by Nagle's algorithm
waiting for the previous response's ACK (40 ms per call otherwise)."""

import logging
import socket
from http.server import BaseHTTPRequestHandler

logger = logging.getLogger(__name__)


class KeepAliveHandler(BaseHTTPRequestHandler):
    """Routes GET, POST and DELETE to `dispatch(method)`; subclasses name themselves in
    `label` for the debug log."""

    protocol_version = "HTTP/1.1"
    timeout = 120  # an idle kept-alive connection is closed after this
    label = "simulator"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        logger.debug(f"{self.label}: " + format, *args)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self.dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self.dispatch("DELETE")

    def dispatch(self, method: str) -> None:
        raise NotImplementedError

    def body_read(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""
