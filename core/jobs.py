"""The base class of every Celery task in the product.

Tasks take ids (never secrets) and a `trace_id` kwarg; the base restores the logging
context from the kwargs (the trace, the job's id and name, the order, exchange, chain and
campaign it works on: core.context), retries RetryableError with bounded exponential
backoff and jitter, acknowledges late (tasks are idempotent, so a task lost with its worker
runs again) and runs under time limits.
"""

import celery

from core import context
from core.errors import RetryableError


class MrMarketTask(celery.Task):  # type: ignore[misc]  # celery ships no types
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (RetryableError,)
    max_retries = 6
    retry_backoff = 2
    retry_backoff_max = 120
    retry_jitter = True
    soft_time_limit = 120
    time_limit = 180

    def __call__(self, *args: object, **kwargs: object) -> object:
        trace_id = kwargs.get("trace_id") or context.new_trace_id()
        with context.bound(
            trace_id=trace_id,
            job_id=self.request.id,
            job=self.name,
            **context.fields_from_ids(kwargs),
        ):
            return super().__call__(*args, **kwargs)
