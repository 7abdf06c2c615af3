"""HTTP front of the Mixin simulator: the Mixin API the wallet uses, a control API under
/_sim/, OAuth, and a small page where a demo user pays an invoice.

Stdlib ThreadingHTTPServer speaking HTTP/1.1 keep-alive with TCP_NODELAY. Signed
endpoints verify the bot's EdDSA JWT (uid, sid, expiry and `sig` over method + URI +
body) against its session public key.
"""

import hashlib
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from core import rfc3339
from simulators.http import KeepAliveHandler
from simulators.mixin.records import ChainDelivery, SimError, amount_text
from simulators.mixin.state import SimWorld

logger = logging.getLogger(__name__)

PAGE = Path(__file__).with_name("page.html")
PEER_DELIVERY_ATTEMPTS = 5


class SimHandler(KeepAliveHandler):
    label = "mixin simulator"
    server: "SimServer"

    def dispatch(self, method: str) -> None:
        self.raw_body = self.body_read()
        parts = urlsplit(self.path)
        self.route_path, self.query = parts.path, parse_qs(parts.query)
        fault = self.server.world.fault_take(method=method, path=self.route_path)
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None and fault.kind in ("http_500", "rate_limit", "error"):
            code = {"http_500": 500, "rate_limit": 429}.get(fault.kind, fault.code or 10002)
            status = {500: 500, 429: 429}.get(code, 202)
            self._error(SimError(code, f"injected fault {fault.kind}", http_status=status))
            return
        try:
            status, payload = self._dispatch(method)
        except SimError as exc:
            status, payload = exc.http_status, self._error_payload(exc)
        except (ValueError, TypeError, KeyError) as exc:  # a malformed parameter or field
            status, payload = 202, self._error_payload(SimError(10002, f"invalid field: {exc}"))
        except Exception:  # the simulator answers 500 like a server that broke
            logger.exception("mixin simulator failed on %s %s", method, self.path)
            status, payload = 500, self._error_payload(SimError(500, "Internal Server Error"))
        if fault is not None and fault.kind == "timeout":
            # The request took effect; the answer is lost, as when the network drops it.
            time.sleep(fault.delay_ms / 1000)
            self.close_connection = True
            return
        if status:  # 0: the route already answered (a page or a redirect)
            self._send(status, payload)

    @staticmethod
    def _error_payload(exc: SimError) -> dict:
        return {
            "error": {"status": exc.http_status, "code": exc.code, "description": exc.description}
        }

    def _error(self, exc: SimError) -> None:
        self._send(exc.http_status, self._error_payload(exc))

    def _send(self, status: int, payload: object, content_type: str = "application/json") -> None:
        if isinstance(payload, bytes):
            body = payload
        else:
            body = json.dumps(payload, default=str).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _redirect(self, location: str) -> tuple[int, object]:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return 0, None

    def _json(self) -> object:
        try:
            return json.loads(self.raw_body or b"null")
        except ValueError:
            raise SimError(10002, "the body is not JSON") from None

    def _param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def _verify_bot(self, method: str) -> None:
        """The request is signed by the bot's session key, for exactly this method+URI+body."""
        bot = self.server.world.bot
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise SimError(401, "Unauthorized, maybe invalid token.", http_status=401)
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(bot.session_public_key))
        try:
            claims = jwt.decode(header[7:], key=key, algorithms=["EdDSA"])
        except jwt.PyJWTError:
            raise SimError(401, "Unauthorized, maybe invalid token.", http_status=401) from None
        signed = hashlib.sha256(method.encode() + self.path.encode() + self.raw_body).hexdigest()
        if (
            claims.get("uid") != bot.app_id
            or claims.get("sid") != bot.session_id
            or claims.get("sig") != signed
        ):
            raise SimError(401, "Unauthorized, maybe invalid token.", http_status=401)

    # -- routes ----------------------------------------------------------------------

    def _dispatch(self, method: str) -> tuple[int, object]:
        world, path = self.server.world, self.route_path
        if path.startswith("/_sim/"):
            return 200, self._control(method, path)
        if path == "/" and method == "GET":
            return self._page()
        if path == "/oauth/authorize" and method == "GET":
            return self._authorize()
        if path == "/oauth/token" and method == "POST":
            return 200, {"data": world.oauth_token(self._json() or {})}
        if path == "/me" and method == "GET":
            return 200, {"data": self._me(method)}
        self._verify_bot(method)
        route = self._safe_routes().get((method, path))
        if route is not None:
            return 200, {"data": route()}
        match = re.fullmatch(r"/safe/transactions/([0-9a-fA-F-]{36})", path)
        if match and method == "GET":
            return 200, {"data": world.transaction_get(match.group(1))}
        match = re.fullmatch(r"/safe/assets/([0-9a-fA-F-]{36})/fees", path)
        if match and method == "GET":
            return 200, {"data": world.asset_fees(asset_id=match.group(1))}
        raise SimError(404, "The endpoint is not found.", http_status=404)

    def _safe_routes(self) -> dict[tuple[str, str], Callable[[], object]]:
        world = self.server.world
        return {
            ("GET", "/safe/snapshots"): self._snapshots,
            ("GET", "/safe/outputs"): lambda: world.outputs_list(
                members_hash=self._param("members") or "",
                threshold=int(self._param("threshold") or 1),
                asset=self._param("asset"),
                state=self._param("state") or "",
                offset=int(self._param("offset") or 0),
                limit=min(int(self._param("limit") or 500), 500),
            ),
            ("POST", "/safe/keys"): lambda: world.ghost_keys(self._list_body()),
            ("POST", "/safe/transaction/requests"): lambda: world.transaction_requests_create(
                self._list_body()
            ),
            ("POST", "/safe/transactions"): self._submit,
            ("POST", "/safe/deposit/entries"): lambda: world.deposit_entry(
                chain_id=(self._json() or {}).get("chain_id")
            ),
        }

    def _list_body(self) -> list[dict]:
        body = self._json()
        if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
            raise SimError(10002, "the body must be a JSON list of objects")
        return body

    def _me(self, method: str) -> dict:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        user = self.server.world.user_for_token(token)
        if user is not None:
            return user.as_json()
        self._verify_bot(method)
        bot = self.server.world.bot
        return {
            "type": "user",
            "user_id": bot.app_id,
            "full_name": "Mr.Market bot",
            "identity_number": "7000000000",
            "app": {"app_id": bot.app_id},
        }

    def _snapshots(self) -> list[dict]:
        offset = self._param("offset")
        try:
            offset_ns = rfc3339.parse_ns(offset) if offset else None
        except ValueError:
            raise SimError(10002, f"invalid offset {offset!r}") from None
        return self.server.world.snapshots_list(
            offset_ns=offset_ns,
            limit=min(int(self._param("limit") or 500), 500),
            asset=self._param("asset"),
            opponent=self._param("opponent"),
        )

    def _submit(self) -> list[dict]:
        answers, deliveries = self.server.world.transactions_submit(self._list_body())
        for delivery in deliveries:
            self.server.deliver_to_peer(delivery)
        return answers

    def _control(self, method: str, path: str) -> object:
        world = self.server.world
        body = self._json() if method == "POST" else None
        body = body if isinstance(body, dict) else {}
        if (method, path) == ("POST", "/_sim/users"):
            user = world.user_create(
                full_name=str(body.get("full_name") or ""), user_id=body.get("user_id")
            )
            return {"user_id": user.user_id, "identity_number": user.identity_number}
        match = re.fullmatch(r"/_sim/users/([0-9a-fA-F-]{36})/(credit|balances)", path)
        if match and (method, match.group(2)) == ("POST", "credit"):
            return world.user_credit(
                user_id=match.group(1), asset_id=body.get("asset_id"), amount=body.get("amount")
            )
        if match and (method, match.group(2)) == ("GET", "balances"):
            return world.user_balances(user_id=match.group(1))
        if (method, path) == ("POST", "/_sim/pay"):
            ids = world.pay(payer_id=str(body.get("payer_id")), url=str(body.get("url") or ""))
            return {"snapshot_ids": ids}
        if (method, path) == ("POST", "/_sim/oauth/codes"):
            return {"code": world.oauth_code_create(user_id=str(body.get("user_id")))}
        if (method, path) == ("POST", "/_sim/chain/incoming"):
            return world.chain_incoming(body)
        if (method, path) == ("POST", "/_sim/assets"):
            return vars(world.asset_register(body))
        if (method, path) == ("POST", "/_sim/faults"):
            return vars(world.fault_add(body))
        if (method, path) == ("POST", "/_sim/chaos"):
            try:
                return world.chaos.configure(body)
            except (TypeError, ValueError) as error:
                raise SimError(10002, str(error)) from None
        if (method, path) == ("GET", "/_sim/state"):
            return world.state_summary()
        raise SimError(404, "The endpoint is not found.", http_status=404)

    def _page(self) -> tuple[int, object]:
        self._send(200, PAGE.read_bytes(), content_type="text/html; charset=utf-8")
        return 0, None

    def _authorize(self) -> tuple[int, object]:
        """Stand-in for Mixin Messenger's consent screen: ?user_id= picks the demo user."""
        return_to, state = self._param("return_to") or "", self._param("state") or ""
        if self._param("client_id") != self.server.world.bot.app_id or not return_to:
            raise SimError(10002, "unknown client_id or missing return_to")
        user_id = self._param("user_id")
        if not user_id:
            self._send(200, PAGE.read_bytes(), content_type="text/html; charset=utf-8")
            return 0, None
        code = self.server.world.oauth_code_create(user_id=user_id)
        separator = "&" if "?" in return_to else "?"
        return self._redirect(f"{return_to}{separator}{urlencode({'code': code, 'state': state})}")


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], world: SimWorld) -> None:
        super().__init__(address, SimHandler)
        self.world = world

    def deliver_to_peer(self, delivery: ChainDelivery) -> None:
        """Send a withdrawal over the 'chain' to the peer simulator, off the request thread."""
        record = {
            "tx_hash": delivery.tx_hash,
            "address": delivery.address,
            "tag": delivery.tag,
            "amount": amount_text(delivery.amount),
            "asset_id": delivery.asset_id,
            "status": "pending" if self.world.peer_url else "external",
        }
        with self.world.lock:
            self.world.chain_deliveries.append(record)
        if self.world.peer_url:
            threading.Thread(target=self._post_to_peer, args=(record,), daemon=True).start()

    def _post_to_peer(self, record: dict) -> None:
        payload = {k: record[k] for k in ("asset_id", "address", "tag", "amount", "tx_hash")}
        for attempt in range(PEER_DELIVERY_ATTEMPTS):
            try:
                response = httpx.post(
                    f"{self.world.peer_url}/_sim/chain/incoming", json=payload, timeout=5
                )
            except httpx.HTTPError:
                time.sleep(0.2 * 2**attempt)
                continue
            status = "delivered" if response.status_code == 200 else "external"
            with self.world.lock:
                record["status"] = status
                record["peer_status"] = response.status_code
            return
        with self.world.lock:
            record["status"] = "undelivered"


def start_in_thread(
    world: SimWorld, *, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Serve `world` on a background thread; returns its base URL and a stop function."""
    server = SimServer((host, port), world)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://{host}:{server.server_address[1]}", stop
