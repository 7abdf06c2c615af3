"""One error family for the whole product, rendered as {"error": {code, message, detail}}."""

from typing import Any


class ApplicationError(Exception):
    code = "application_error"
    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        detail: Any = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.detail = detail if detail is not None else {}


class NotFoundError(ApplicationError):
    code = "not_found"
    status_code = 404


class ConflictError(ApplicationError):
    code = "conflict"
    status_code = 409


class ExternalServiceError(ApplicationError):
    """Base of errors raised by the ports to exchanges and Mixin."""

    code = "external_service_error"
    status_code = 502


class RetryableError(ExternalServiceError):
    """The call may succeed later (network, timeout on a read, rate limit, maintenance)."""

    code = "retryable"
    status_code = 503


class InDoubtError(ExternalServiceError):
    """No answer to a call with an effect: look it up by its key before doing anything else."""

    code = "in_doubt"


class RejectedError(ExternalServiceError):
    """The remote side refused the request; retrying the same request will not help."""

    code = "rejected"
    status_code = 422


class AuthFailedError(ExternalServiceError):
    code = "auth_failed"


class RemoteNotFoundError(ExternalServiceError):
    code = "remote_not_found"
    status_code = 404
