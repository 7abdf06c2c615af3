"""`MixinClient`: the Mixin port as signed HTTP calls to MIXIN_API_BASE (the Mixin API or
the simulator).

Requests are signed with mixinsdk's EdDSA JWT (`sig` = SHA-256 of method + URI with query
+ raw body) under the bot's session key. Answers are classified here, once, into the
errors `protocol` lists.
"""

import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any, Self, cast
from urllib.parse import urlencode

import httpx
from django.conf import settings
from mixinsdk.clients._sign import sign_authentication_token

from core.errors import InDoubtError, RemoteNotFoundError, RetryableError
from mixin_kernel.crypto import hash_members
from wallet.client.protocol import PAGE_LIMIT, MixinObject
from wallet.errors import WalletNotConfiguredError, error_for_code
from wallet.keystore import MixinKeystore

logger = logging.getLogger(__name__)


class MixinClient:
    def __init__(self, *, base_url: str, keystore: MixinKeystore, timeout_seconds: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.keystore = keystore
        self._http = httpx.Client(timeout=timeout_seconds)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- transport -------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        body: object = None,
        has_effect: bool = False,
        signed: bool = True,
        bearer: str | None = None,
    ) -> Any:
        """Mixin's `data`, decoded; its shape is the one Mixin documents for the path."""
        params = {k: v for k, v in (query or {}).items() if v is not None}
        uri = f"{path}?{urlencode(params)}" if params else path
        raw_body = "" if body is None else json.dumps(body, separators=(",", ":"))
        headers = {
            "Content-Type": "application/json",
            "X-Request-Id": str(uuid.uuid4()),
        }
        if signed:
            token = sign_authentication_token(
                self.keystore.app_id,
                self.keystore.session_id,
                self.keystore.session_seed,
                "EdDSA",
                method,
                uri,
                raw_body,
            )
            headers["Authorization"] = f"Bearer {token}"
        elif bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        try:
            response = self._http.request(
                method, self.base_url + uri, content=raw_body or None, headers=headers
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RetryableError(f"Mixin unreachable on {method} {path}: {exc!r}") from exc
        except httpx.TransportError as exc:
            if has_effect:
                raise InDoubtError(
                    f"no answer from Mixin to {method} {path}; read it back before retrying",
                    detail={"path": path},
                ) from exc
            raise RetryableError(f"no answer from Mixin to {method} {path}: {exc!r}") from exc
        return self._unwrap(response, method=method, path=path, has_effect=has_effect)

    @staticmethod
    def _unwrap(response: httpx.Response, *, method: str, path: str, has_effect: bool) -> Any:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict) and error.get("code"):
            code = int(error["code"])
            if has_effect and 500 <= code < 600:
                raise InDoubtError(
                    f"Mixin failed on {method} {path} ({code}); read it back before retrying",
                    detail={"mixin_code": code, "path": path},
                )
            raise error_for_code(code, str(error.get("description", "")))
        if response.status_code >= 500 or not isinstance(payload, dict):
            if has_effect:
                raise InDoubtError(
                    f"Mixin answered {response.status_code} to {method} {path}",
                    detail={"http_status": response.status_code, "path": path},
                )
            raise RetryableError(f"Mixin answered {response.status_code} to {method} {path}")
        if response.status_code != 200:
            raise error_for_code(response.status_code, response.reason_phrase)
        return payload.get("data")

    # -- identity --------------------------------------------------------------------

    def me(self) -> MixinObject:
        return cast(MixinObject, self._call("GET", "/me"))

    def me_with_access_token(self, access_token: str) -> MixinObject:
        """The profile of the user who granted `access_token` in the OAuth flow."""
        return cast(MixinObject, self._call("GET", "/me", signed=False, bearer=access_token))

    def oauth_token(self, *, code: str, code_verifier: str | None = None) -> MixinObject:
        body = {
            "client_id": self.keystore.app_id,
            "code": code,
            "client_secret": self.keystore.oauth_client_secret,
            "code_verifier": code_verifier,
        }
        return cast(MixinObject, self._call("POST", "/oauth/token", body=body, signed=False))

    # -- snapshots and outputs -------------------------------------------------------

    def snapshots(
        self,
        *,
        offset: str | None,
        limit: int = PAGE_LIMIT,
        asset: str | None = None,
        opponent: str | None = None,
    ) -> list[MixinObject]:
        """Snapshots ascending from `offset` (an RFC3339Nano created_at, inclusive or not)."""
        query = {"asset": asset, "opponent": opponent, "offset": offset, "limit": limit}
        return cast(list[MixinObject], self._call("GET", "/safe/snapshots", query=query))

    def outputs(
        self,
        *,
        members_hash: str,
        threshold: int,
        asset: str | None,
        state: str = "unspent",
        offset: int = 0,
        limit: int = PAGE_LIMIT,
    ) -> list[MixinObject]:
        query = {
            "members": members_hash,
            "threshold": threshold,
            "asset": asset,
            "state": state,
            "offset": offset,
            "limit": limit,
        }
        return cast(list[MixinObject], self._call("GET", "/safe/outputs", query=query))

    def unspent_outputs(self, *, asset: str | None) -> list[MixinObject]:
        """Every unspent output of the bot (of one asset, or all), in sequence order."""
        members = hash_members([self.keystore.app_id])
        found: list[MixinObject] = []
        offset = 0
        while True:
            page = self.outputs(
                members_hash=members, threshold=1, asset=asset, offset=offset, limit=PAGE_LIMIT
            )
            found.extend(page)
            if len(page) < PAGE_LIMIT:
                return found
            offset = int(page[-1]["sequence"]) + 1

    def ghost_keys(self, requests: list[MixinObject]) -> list[MixinObject]:
        """`[{receivers, index, hint}]` → `[{mask, keys}]`, one per request, in order."""
        return cast(list[MixinObject], self._call("POST", "/safe/keys", body=requests))

    # -- transactions ----------------------------------------------------------------

    def transaction_requests_create(self, requests: list[MixinObject]) -> list[MixinObject]:
        """Register unsigned transactions `[{request_id, raw}]`; answers carry the views.

        Re-sending a request id answers with the existing request, so this has no effect
        worth being in doubt about."""
        return cast(
            list[MixinObject], self._call("POST", "/safe/transaction/requests", body=requests)
        )

    def transactions_submit(self, requests: list[MixinObject]) -> list[MixinObject]:
        """Submit signed transactions `[{request_id, raw}]`: this moves funds."""
        return cast(
            list[MixinObject],
            self._call("POST", "/safe/transactions", body=requests, has_effect=True),
        )

    def transaction(self, request_id: str) -> MixinObject | None:
        """The transaction request known under `request_id`, or None if Mixin has none."""
        try:
            return cast(MixinObject, self._call("GET", f"/safe/transactions/{request_id}"))
        except RemoteNotFoundError:
            return None

    # -- withdrawals and deposits ----------------------------------------------------

    def asset_fees(self, *, asset_id: str, destination: str) -> list[MixinObject]:
        path, query = f"/safe/assets/{asset_id}/fees", {"destination": destination}
        return cast(list[MixinObject], self._call("GET", path, query=query))

    def deposit_entries(self, *, chain_id: str) -> list[MixinObject]:
        body = {"members": [self.keystore.app_id], "threshold": 1, "chain_id": chain_id}
        return cast(list[MixinObject], self._call("POST", "/safe/deposit/entries", body=body))


def mixin_client() -> MixinClient:
    keystore = settings.MIXIN_KEYSTORE
    if keystore is None:
        raise WalletNotConfiguredError(
            "The Mixin wallet has no keystore: set MIXIN_KEYSTORE or MIXIN_KEYSTORE_FILE."
        )
    return MixinClient(
        base_url=settings.MIXIN_API_BASE,
        keystore=keystore,
        timeout_seconds=settings.MIXIN_HTTP_TIMEOUT_MS / 1000,
    )
