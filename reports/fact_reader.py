"""Reading many fact rows fast and exactly: a query's rows as the bundle's text, with
decimals as `decimal_text` and times as `time_text` (reports.facts).

Django turns each database value into a Python value through the backend's converters
(on SQLite a decimal is a float, quantized to the column; a time is text, parsed and made
aware), a few function calls per value that cost more than reading a bundle's 600,000
rows. This reads the rows through the query's own SQL and gives each column its text in
one step: a decimal's text is computed once per distinct database value, by Django's own
converters and `decimal_text`, and reused (prices, amounts and fees repeat); a naive
time as SQLite gives it (UTC) is written straight as the fixed-width UTC text, and any other
time goes through Django's converters and `time_text`. So each
value is what the ordinary query and the fact functions would give, only read faster
(tests/reports/test_fact_reader.py compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from core.money import decimal_text

CHUNK = 10_000


def _converted(converters: list[Callable[..., Any]], expression: Any, connection: Any) -> Any:
    def convert(value: Any) -> Any:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def _memo(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, computed once per distinct database value."""
    done: dict[Any, Any] = {}

    def read(value: Any) -> Any:
        try:
            return done[value]
        except KeyError:
            result = done[value] = convert(value)
            return result

    return read


def _decimal_text(convert: Callable[[Any], Any]) -> Callable[[Any], str | None]:
    def text(value: Any) -> str | None:
        decimal = convert(value)
        return None if decimal is None else decimal_text(decimal)

    return text


def _time_reader(convert: Callable[[Any], Any], *, naive_utc: bool) -> Callable[[Any], Any]:
    from reports.facts import time_text  # facts reads its rows through this module

    def read(value: Any) -> str | None:
        # SQLite keeps an aware time as naive UTC, which Django makes aware in UTC and
        # time_text writes as the naive time's fixed-width text with a Z.
        if naive_utc and type(value) is datetime and value.tzinfo is None:
            return value.isoformat(timespec="microseconds") + "Z"
        return time_text(convert(value))

    return read


def text_rows(query: QuerySet, fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """`query.values_list(*fields)`'s rows, decimals and times as the facts' text."""
    compiler = query.values_list(*fields).query.get_compiler(using=query.db)
    sql, params = compiler.as_sql()
    connection = connections[query.db]
    converters = compiler.get_converters([column[0] for column in compiler.select])
    naive_utc = connection.vendor == "sqlite" and str(connection.timezone) == "UTC"
    readers: list[Callable[[Any], Any] | None] = []
    for index, (expression, _, _) in enumerate(compiler.select[: len(fields)]):
        kind = expression.output_field.get_internal_type()
        found = converters.get(index)
        convert = _converted(found[0], found[1], connection) if found else (lambda value: value)
        if kind == "DecimalField":
            readers.append(_memo(_decimal_text(convert)))
        elif kind == "DateTimeField":
            readers.append(_time_reader(convert, naive_utc=naive_utc))
        else:  # booleans on SQLite, JSON, ...: Django's converters, if it has any
            readers.append(
                _memo(convert) if found and kind == "BooleanField" else convert if found else None
            )
    width = len(fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            # Column by column: one C-level map per column instead of a loop per value.
            columns = list(zip(*chunk, strict=True))[:width]
            yield from zip(
                *(
                    column if reader is None else map(reader, column)
                    for reader, column in zip(readers, columns, strict=True)
                ),
                strict=True,
            )
