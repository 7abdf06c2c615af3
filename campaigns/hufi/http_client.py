"""`HufiClient`: the HuFi port over httpx, to HUFI_LAUNCHER_URL and HUFI_ORACLE_URL.

Every call has the configured timeout. Reads and the oracle's calls are all safe to repeat
(joining answers the same id again, registering a key replaces it), so a transport failure
or a 5xx/429 is retried here a few times with a short backoff and then raised as
RetryableError for the task to retry later. A 401 on a signed call refreshes the tokens
(or logs in again) once before it counts as AuthFailedError.
"""

import logging
import time
from collections.abc import Mapping
from typing import Any, Self, cast

import httpx
from django.conf import settings

from campaigns.hufi.protocol import LAUNCHER_PAGE_LIMIT, HufiObject, HufiSigner
from core.errors import (
    AuthFailedError,
    ExternalServiceError,
    RejectedError,
    RemoteNotFoundError,
    RetryableError,
)

logger = logging.getLogger(__name__)

ATTEMPTS = 3
BACKOFF_SECONDS = 0.2


class HufiNotConfiguredError(ExternalServiceError):
    code = "hufi_not_configured"
    status_code = 503


class HufiClient:
    def __init__(
        self,
        *,
        launcher_url: str,
        oracle_url: str,
        timeout_seconds: float,
        signer: HufiSigner | None = None,
        chain_url: str = "",
    ) -> None:
        self.launcher_url = launcher_url.rstrip("/")
        self.chain_url = chain_url.rstrip("/")
        self.oracle_url = oracle_url.rstrip("/")
        self.signer = signer
        self._http = httpx.Client(timeout=timeout_seconds)
        self._tokens: tuple[str, str] | None = signer.tokens_load() if signer else None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- transport -------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        query: Mapping[str, object] | None = None,
        body: object = None,
        bearer: str | None = None,
    ) -> httpx.Response:
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        problem = ""
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
            try:
                response = self._http.request(
                    method, url, params=params, json=body, headers=headers
                )
            except httpx.TransportError as exc:
                problem = f"no answer from HuFi to {method} {url}: {exc!r}"
                continue
            if response.status_code >= 500 or response.status_code == 429:
                problem = f"HuFi answered {response.status_code} to {method} {url}"
                continue
            return response
        raise RetryableError(problem, detail={"url": url})

    @staticmethod
    def _decoded(response: httpx.Response, *, method: str, url: str) -> Any:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code == 200:
            if payload is None:
                raise RetryableError(f"HuFi answered {method} {url} with no JSON")
            return payload
        message = str(payload.get("message", "")) if isinstance(payload, dict) else ""
        detail = {"http_status": response.status_code, "url": url, "message": message}
        if isinstance(payload, dict) and payload.get("details"):
            detail["details"] = payload["details"]
        if response.status_code == 401:
            raise AuthFailedError(f"HuFi refused the credentials: {message}", detail=detail)
        if response.status_code == 404:
            raise RemoteNotFoundError(f"HuFi has no {url}: {message}", detail=detail)
        raise RejectedError(f"HuFi refused {method} {url}: {message}", detail=detail)

    def _public(self, path: str, query: Mapping[str, object] | None = None) -> Any:
        url = self.launcher_url + path
        return self._decoded(self._send("GET", url, query=query), method="GET", url=url)

    def _oracle(self, method: str, path: str, *, body: object = None, signed: bool = True) -> Any:
        url = self.oracle_url + path
        if not signed:
            return self._decoded(self._send(method, url, body=body), method=method, url=url)
        if self._tokens is None:
            self.login()
        for renewal in (self._refresh, self.login, None):
            assert self._tokens is not None
            response = self._send(method, url, body=body, bearer=self._tokens[0])
            if response.status_code != 401 or renewal is None:
                return self._decoded(response, method=method, url=url)
            try:
                renewal()
            except AuthFailedError:
                if renewal is self.login:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _keep(self, tokens: HufiObject) -> None:
        access, refresh = str(tokens["access_token"]), str(tokens["refresh_token"])
        self._tokens = (access, refresh)
        assert self.signer is not None
        self.signer.tokens_save(access, refresh)

    def _refresh(self) -> None:
        if self._tokens is None:
            raise AuthFailedError("no refresh token to renew with")
        self._keep(
            self._oracle(
                "POST", "/auth/refresh", body={"refresh_token": self._tokens[1]}, signed=False
            )
        )

    # -- campaign launcher -------------------------------------------------------------

    def campaigns_page(
        self,
        *,
        chain_id: int | None = None,
        status: str | None = None,
        exchange: str | None = None,
        campaign_type: str | None = None,
        limit: int = LAUNCHER_PAGE_LIMIT,
        skip: int = 0,
    ) -> HufiObject:
        query = {
            "chain_id": chain_id,
            "status": status,
            "exchange": exchange,
            "type": campaign_type,
            "limit": limit,
            "skip": skip,
        }
        return cast(HufiObject, self._public("/campaigns", query))

    def campaign(self, *, chain_id: int, address: str) -> HufiObject:
        return cast(HufiObject, self._public(f"/campaigns/{chain_id}-{address}"))

    def daily_paid_amounts(self, *, chain_id: int, address: str) -> list[HufiObject]:
        answer = self._public(f"/campaigns/{chain_id}-{address}/daily-paid-amounts")
        return cast(list[HufiObject], answer["results"])

    def leaderboard(self, *, chain_id: int, address: str) -> HufiObject:
        return cast(
            HufiObject,
            self._oracle("GET", f"/campaigns/{chain_id}-{address}/leaderboard", signed=False),
        )

    def results_file(self, url: str) -> bytes:
        response = self._send("GET", url)
        if response.status_code != 200:
            self._decoded(response, method="GET", url=url)
        return response.content

    # -- recording oracle ----------------------------------------------------------------

    def login(self) -> None:
        if self.signer is None:
            raise HufiNotConfiguredError("This HuFi client has no EVM identity to sign in with.")
        address = self.signer.address
        nonce = self._oracle("POST", "/auth/nonce", body={"address": address}, signed=False)
        signature = self.signer.sign_login(str(nonce["nonce"]))
        self._keep(
            self._oracle(
                "POST", "/auth", body={"address": address, "signature": signature}, signed=False
            )
        )
        logger.info("signed in to the HuFi recording oracle", extra={"address": address})

    def exchange_api_key_register(
        self, *, exchange_name: str, api_key: str, secret_key: str
    ) -> HufiObject:
        body = {"exchange_name": exchange_name, "api_key": api_key, "secret_key": secret_key}
        return cast(HufiObject, self._oracle("POST", "/exchange-api-keys", body=body))

    def exchange_api_keys(self) -> list[HufiObject]:
        return cast(list[HufiObject], self._oracle("GET", "/exchange-api-keys"))

    def campaign_join(self, *, chain_id: int, address: str) -> HufiObject:
        body = {"chain_id": chain_id, "address": address}
        return cast(HufiObject, self._oracle("POST", "/campaigns/join", body=body))

    def campaign_join_status(self, *, chain_id: int, address: str) -> HufiObject:
        body = {"chain_id": chain_id, "address": address}
        return cast(HufiObject, self._oracle("POST", "/campaigns/check-join-status", body=body))

    # -- the chain: escrows and transfers ---------------------------------------------------

    def _chain(self, method: str, path: str, *, body: object = None) -> Any:
        if not self.chain_url:
            raise HufiNotConfiguredError("HuFi's chain is not configured: set HUFI_CHAIN_URL.")
        url = self.chain_url + path
        return self._decoded(self._send(method, url, body=body), method=method, url=url)

    def escrow_create(
        self,
        *,
        chain_id: int,
        token: str,
        fund_amount: str,
        manifest: HufiObject,
        launcher: str,
        request_id: str,
    ) -> HufiObject:
        body = {
            "chain_id": chain_id,
            "token": token,
            "fund_amount": fund_amount,
            "manifest": manifest,
            "launcher": launcher,
            "request_id": request_id,
        }
        return cast(HufiObject, self._chain("POST", "/escrows", body=body))

    def escrow(self, *, chain_id: int, address: str) -> HufiObject:
        return cast(HufiObject, self._chain("GET", f"/escrows/{chain_id}-{address}"))

    def transfer_send(self, *, transfer: HufiObject) -> HufiObject:
        return cast(HufiObject, self._chain("POST", "/transfers", body=transfer))

    def transfer(self, *, transfer_id: str) -> HufiObject:
        return cast(HufiObject, self._chain("GET", f"/transfers/{transfer_id}"))


def hufi_client(*, signer: HufiSigner | None = None) -> HufiClient:
    if not settings.HUFI_LAUNCHER_URL or not settings.HUFI_ORACLE_URL:
        raise HufiNotConfiguredError(
            "HuFi is not configured: set HUFI_LAUNCHER_URL and HUFI_ORACLE_URL."
        )
    return HufiClient(
        launcher_url=settings.HUFI_LAUNCHER_URL,
        oracle_url=settings.HUFI_ORACLE_URL,
        timeout_seconds=settings.HUFI_HTTP_TIMEOUT_MS / 1000,
        signer=signer,
        chain_url=settings.HUFI_CHAIN_URL,
    )
