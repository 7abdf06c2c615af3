"""JSON log lines carrying the bound context (see core.context)."""

import json
import logging
from datetime import UTC, datetime

from django.conf import settings

from core import context

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = {
            key: value
            for key, value in vars(record).items()
            if key not in _STANDARD_ATTRS and not key.startswith("_")
        }
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # The fixed field set first, in one order, each where it applies (a value passed in
        # `extra=` wins over the bound one), then the rest of the context and the extras.
        fields = {**context.current(), **extra, "version": settings.MRMARKET_VERSION}
        line.update({name: fields[name] for name in context.LOG_FIELDS if name in fields})
        line.update({k: v for k, v in fields.items() if k not in context.LOG_FIELDS})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
