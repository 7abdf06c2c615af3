"""The Mixin port: what the product asks of the Mixin API (or the simulator speaking it).

Answers are Mixin's JSON objects as decoded, `data` unwrapped. Errors are classified by
the implementation, once: RetryableError (nothing happened, try again), InDoubtError (a
call with an effect got no answer: read back by request id before anything else),
MixinRejectedError (refused, with a typed reason), AuthFailedError, RemoteNotFoundError.
"""

from __future__ import annotations

from typing import Any, Protocol, Self, runtime_checkable

from wallet.keystore import MixinKeystore

# One decoded JSON object of Mixin's answer; its fields are Mixin's API documentation's.
MixinObject = dict[str, Any]

# The most a Mixin list call answers at once: a shorter page is the last one.
PAGE_LIMIT = 500


@runtime_checkable
class MixinApi(Protocol):
    """The bot's signed calls; a `with` block closes the connections it holds."""

    @property
    def keystore(self) -> MixinKeystore: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *_exc: object) -> None: ...

    def me(self) -> MixinObject: ...

    def me_with_access_token(self, access_token: str) -> MixinObject:
        """The profile of the user who granted `access_token` in the OAuth flow."""
        ...

    def oauth_token(self, *, code: str, code_verifier: str | None = None) -> MixinObject: ...

    def snapshots(
        self,
        *,
        offset: str | None,
        limit: int = PAGE_LIMIT,
        asset: str | None = None,
        opponent: str | None = None,
    ) -> list[MixinObject]:
        """Snapshots ascending from `offset` (an RFC3339Nano created_at)."""
        ...

    def outputs(
        self,
        *,
        members_hash: str,
        threshold: int,
        asset: str | None,
        state: str = "unspent",
        offset: int = 0,
        limit: int = PAGE_LIMIT,
    ) -> list[MixinObject]: ...

    def unspent_outputs(self, *, asset: str | None) -> list[MixinObject]:
        """Every unspent output of the bot (of one asset, or all), in sequence order."""
        ...

    def ghost_keys(self, requests: list[MixinObject]) -> list[MixinObject]:
        """`[{receivers, index, hint}]` → `[{mask, keys}]`, one per request, in order."""
        ...

    def transaction_requests_create(self, requests: list[MixinObject]) -> list[MixinObject]:
        """Register unsigned transactions `[{request_id, raw}]`; answers carry the views."""
        ...

    def transactions_submit(self, requests: list[MixinObject]) -> list[MixinObject]:
        """Submit signed transactions `[{request_id, raw}]`: this moves funds."""
        ...

    def transaction(self, request_id: str) -> MixinObject | None:
        """The transaction request known under `request_id`, or None if Mixin has none."""
        ...

    def asset_fees(self, *, asset_id: str, destination: str) -> list[MixinObject]: ...

    def deposit_entries(self, *, chain_id: str) -> list[MixinObject]: ...
