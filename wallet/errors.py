"""Mixin answers, classified once at the client into the product's error family."""

from enum import StrEnum

from core.errors import (
    ApplicationError,
    AuthFailedError,
    ExternalServiceError,
    RejectedError,
    RemoteNotFoundError,
    RetryableError,
)


class RejectReason(StrEnum):
    INVALID_ADDRESS = "invalid_address"
    INSUFFICIENT_FEE = "insufficient_fee"
    AMOUNT_TOO_SMALL = "amount_too_small"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    INVALID_FIELD = "invalid_field"
    OTHER = "other"


class MixinRejectedError(RejectedError):
    """Mixin refused the request; `reason` says why in words the order flow can act on."""

    def __init__(self, message: str, *, reason: RejectReason, mixin_code: int | None) -> None:
        super().__init__(
            message,
            code=f"mixin_{reason.value}",
            detail={"reason": reason.value, "mixin_code": mixin_code},
        )
        self.reason = reason
        self.mixin_code = mixin_code


# Mixin error codes (see shared/reference/mixin.md) and what they mean for a retry.
REJECT_REASONS = {
    10002: RejectReason.INVALID_FIELD,
    20117: RejectReason.INSUFFICIENT_BALANCE,
    20124: RejectReason.INSUFFICIENT_FEE,
    20127: RejectReason.AMOUNT_TOO_SMALL,
    30102: RejectReason.INVALID_ADDRESS,
}
RETRYABLE_CODES = frozenset({429, 10104, 500, 502, 503, 504})
AUTH_CODES = frozenset({401, 403})


def error_for_code(code: int, description: str) -> ExternalServiceError:
    message = f"Mixin error {code}: {description}"
    if code in AUTH_CODES:
        return AuthFailedError(message, detail={"mixin_code": code})
    if code in RETRYABLE_CODES:
        return RetryableError(message, detail={"mixin_code": code})
    if code == 404:
        return RemoteNotFoundError(message, detail={"mixin_code": code})
    return MixinRejectedError(
        message, reason=REJECT_REASONS.get(code, RejectReason.OTHER), mixin_code=code
    )


class WalletNotConfiguredError(ApplicationError):
    code = "wallet_not_configured"
    status_code = 503
