"""The request/job context that every log line, audit record and task carries.

One contextvar holds a small dict (trace_id, order_id, job, exchange, api_key_id,
campaign_id). Web requests bind it in middleware; Celery tasks restore it from their
kwargs, so a trace id set by a request follows the work into the workers.
"""

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextvars import ContextVar

CONTEXT_FIELDS = ("trace_id", "order_id", "job", "exchange", "api_key_id", "campaign_id")

_context: ContextVar[dict[str, str]] = ContextVar("mrmarket_log_context", default={})  # noqa: B039

_TRACE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new_trace_id() -> str:
    return uuid.uuid4().hex


def is_valid_trace_id(value: str) -> bool:
    return bool(_TRACE_ID.match(value))


def current() -> dict[str, str]:
    return _context.get()


def current_trace_id() -> str | None:
    return _context.get().get("trace_id")


@contextlib.contextmanager
def bound(**fields: object) -> Iterator[dict[str, str]]:
    """Bind context fields for the duration of the block (None values are skipped)."""
    merged = dict(_context.get())
    merged.update({k: str(v) for k, v in fields.items() if v is not None})
    token = _context.set(merged)
    try:
        yield merged
    finally:
        _context.reset(token)
