"""The HuFi port: what the product asks of HuFi's campaign launcher (public, read-only)
and its recording oracle (signed in with the node's EVM key).

Answers are HuFi's JSON objects as decoded (snake_case; amounts are decimal text). Errors
are classified once, by the implementation, into core.errors:
  RetryableError       HuFi unreachable, timed out, 5xx or 429: try again later (every call
                       here is safe to repeat: joining again answers the same id, a key
                       registered again replaces the stored one).
  AuthFailedError      the login was refused, or a token still failed after a fresh login.
  RejectedError        HuFi refused the request (4xx); detail holds its status and message.
  RemoteNotFoundError  the campaign (or path) is unknown to HuFi.
"""

from __future__ import annotations

from typing import Any, Protocol, Self, runtime_checkable

# One decoded JSON object of HuFi's answer; its fields are HuFi's (shared/reference/hufi.md).
HufiObject = dict[str, Any]

# The launcher answers at most this many campaigns a page.
LAUNCHER_PAGE_LIMIT = 1000


@runtime_checkable
class HufiSigner(Protocol):
    """The node's EVM identity for one exchange account, and where its tokens are kept."""

    @property
    def address(self) -> str: ...

    def sign_login(self, nonce: str) -> str:
        """The hex EIP-191 signature of the login message for `nonce`."""
        ...

    def tokens_load(self) -> tuple[str, str] | None:
        """(access token, refresh token) from the last login, if any."""
        ...

    def tokens_save(self, access_token: str, refresh_token: str) -> None: ...


@runtime_checkable
class HufiApi(Protocol):
    """HuFi's two services; a `with` block closes the connections it holds."""

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *_exc: object) -> None: ...

    # -- campaign launcher (public) -------------------------------------------------

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
        """`{has_more, results: [campaign]}`."""
        ...

    def campaign(self, *, chain_id: int, address: str) -> HufiObject: ...

    def daily_paid_amounts(self, *, chain_id: int, address: str) -> list[HufiObject]: ...

    def leaderboard(self, *, chain_id: int, address: str) -> HufiObject: ...

    def results_file(self, url: str) -> bytes:
        """The raw bytes of a results file (its sha256 is checked by the caller)."""
        ...

    # -- recording oracle (signed in as `signer`) -------------------------------------

    def login(self) -> None:
        """Sign the nonce with the signer's key and keep the tokens it returns."""
        ...

    def exchange_api_key_register(
        self, *, exchange_name: str, api_key: str, secret_key: str
    ) -> HufiObject: ...

    def exchange_api_keys(self) -> list[HufiObject]: ...

    def campaign_join(self, *, chain_id: int, address: str) -> HufiObject:
        """`{id}`; joining a campaign again answers the same id."""
        ...

    def campaign_join_status(self, *, chain_id: int, address: str) -> HufiObject: ...

    # -- the chain: campaign escrows and token transfers ----------------------------------

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
        """The escrow for a campaign; the same `request_id` answers the same escrow."""
        ...

    def escrow(self, *, chain_id: int, address: str) -> HufiObject:
        """`{address, status: pending|funded, balance, fund_amount, transfers}`."""
        ...

    def transfer_send(self, *, transfer: HufiObject) -> HufiObject:
        """Send a signed transfer; the same `transfer_id` answers the first transfer."""
        ...

    def transfer(self, *, transfer_id: str) -> HufiObject:
        """The transfer the chain holds under that id (RemoteNotFoundError: never sent)."""
        ...
