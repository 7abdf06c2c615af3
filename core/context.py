"""The request/job context that every log line, audit record and task carries.

One contextvar holds a small dict. Web requests bind it in middleware; Celery tasks
restore it from their kwargs, so a trace id set by a request follows the work into the
workers. Apps teach the context what an id they own implies (an order's exchange, say)
with `resolver_register`, so the fields appear without each task binding them. What a
resolver found is kept for the life of the process (an order's or a pair's exchange never
changes), so a task pays its lookup once per id and process, not on every run: the executor's
tick, once a second per market, would otherwise add a query per tick for a log field.
"""

import contextlib
import logging
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar

# The fixed field set of a log line (docs/operations.md), each present where it applies.
LOG_FIELDS = ("trace_id", "order_id", "job_id", "exchange", "chain_id", "campaign_id", "version")
# Bound from a task's kwargs when it has them; `job` (the task's name) and `api_key_id`
# ride along with the fixed set.
KWARG_FIELDS = ("order_id", "exchange", "chain_id", "campaign_id", "api_key_id")

_context: ContextVar[dict[str, str]] = ContextVar("mrmarket_log_context", default={})  # noqa: B039

_TRACE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

Resolver = Callable[[str], Mapping[str, object]]
_resolvers: dict[str, Resolver] = {}
# (kwarg, value) -> what its resolver found; only found fields are kept (an id not known
# yet may be known later). Bounded: the oldest half goes when it fills up.
_resolved: dict[tuple[str, str], dict[str, object]] = {}
RESOLVED_LIMIT = 10_000
logger = logging.getLogger(__name__)


def new_trace_id() -> str:
    return uuid.uuid4().hex


def is_valid_trace_id(value: str) -> bool:
    return bool(_TRACE_ID.match(value))


def current() -> dict[str, str]:
    return _context.get()


def current_trace_id() -> str | None:
    return _context.get().get("trace_id")


def _merged(fields: Mapping[str, object]) -> dict[str, str]:
    merged = dict(_context.get())
    merged.update({k: str(v) for k, v in fields.items() if v is not None})
    return merged


@contextlib.contextmanager
def bound(**fields: object) -> Iterator[dict[str, str]]:
    """Bind context fields for the duration of the block (None values are skipped)."""
    token = _context.set(_merged(fields))
    try:
        yield _context.get()
    finally:
        _context.reset(token)


def bind_more(**fields: object) -> None:
    """Add fields to the context bound by an enclosing `bound` block, which drops them
    when it ends (for middleware that learns the fields after the block began)."""
    _context.set(_merged(fields))


def resolver_register(kwarg: str, resolve: Resolver) -> None:
    """`resolve(value)` gives the context fields a `kwarg` (e.g. order_id) implies."""
    _resolvers[kwarg] = resolve
    resolver_cache_clear()


def resolver_cache_clear() -> None:
    """Forget what the resolvers found (tests whose ids repeat across rolled-back data)."""
    _resolved.clear()


def _resolve(kwarg: str, value: str, resolve: Resolver) -> Mapping[str, object]:
    found = _resolved.get((kwarg, value))
    if found is not None:
        return found
    derived = dict(resolve(value))
    if derived:
        if len(_resolved) >= RESOLVED_LIMIT:
            for stale in list(_resolved)[: RESOLVED_LIMIT // 2]:
                del _resolved[stale]
        _resolved[(kwarg, value)] = derived
    return derived


def fields_from_ids(ids: Mapping[str, object]) -> dict[str, object]:
    """The context fields of a task's kwargs or a view's URL kwargs: the ids themselves,
    then what the registered resolvers derive from them (never overriding a given one)."""
    fields: dict[str, object] = {k: ids.get(k) for k in KWARG_FIELDS if ids.get(k) is not None}
    for kwarg, resolve in _resolvers.items():
        value = ids.get(kwarg)
        if value is None:
            continue
        try:
            derived = _resolve(kwarg, str(value), resolve)
        except Exception:  # a log field is never worth failing the work for
            logger.debug("context resolver failed", exc_info=True, extra={"kwarg": kwarg})
            continue
        for name, field_value in derived.items():
            fields.setdefault(name, field_value)
    return fields
