"""Errors the ledger's services raise; all are ApplicationErrors with stable codes."""

from core.errors import ApplicationError, ConflictError


class InvalidPosting(ApplicationError):
    """The posting itself is malformed (amount type or scale, account, code, key)."""

    code = "ledger_invalid_posting"


class Unbalanced(InvalidPosting):
    code = "ledger_unbalanced"


class InsufficientBalance(ConflictError):
    code = "ledger_insufficient_balance"


class IdempotencyConflict(ConflictError):
    """The key was already used for a posting with different content."""

    code = "ledger_idempotency_conflict"


class AlreadyReversed(ConflictError):
    code = "ledger_already_reversed"
