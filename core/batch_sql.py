"""Many rows in one statement (PostgreSQL): each column goes as one array parameter, and the
statement reads the rows back with `unnest`. Its text does not depend on the number of
rows, so it is written once per model and set of fields.

Django's cursor binds parameters on the client, and psycopg quotes each one in Python: the
answers of a tick's 40 creates, as a `VALUES` list, were 440 parameters, and the statement
took 6–7 ms from the call to its answer; as 11 arrays written here in one join each, 2.5–3
ms (benchmarks/tick.py's first round in one process, every statement timed).

An element is written as PostgreSQL's array input reads it back exactly: NULL unquoted,
numbers and UUIDs bare, everything else double-quoted with its backslashes and double
quotes escaped (so the string "NULL" stays a string).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Field, JSONField, Model

# One SQL statement and its parameters, not yet sent.
Statement = tuple[str, list[Any]]


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def number_array(values: Iterable[int | Decimal]) -> str:
    return "{" + ",".join(map(str, values)) + "}"


def text_array(values: Iterable[str]) -> str:
    return "{" + ",".join(map(quoted, values)) + "}"


def uuid_array(values: Iterable[UUID]) -> str:
    # str(UUID) is slow enough to matter for hundreds of entries of a few assets.
    text: dict[UUID, str] = {}
    return (
        "{"
        + ",".join(text.get(value) or text.setdefault(value, str(value)) for value in values)
        + "}"
    )


def element(value: object) -> str:
    """One value of a model field's column (after the field's get_prep_value), as an
    element of an array literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal | UUID):
        return str(value)
    if isinstance(value, date):
        return '"' + value.isoformat() + '"'
    return quoted(str(value))


# Values of these types are already what the column stores; anything else (a lazy text, a
# naive time, which the field makes aware) goes through the field's get_prep_value first.
_PLAIN = (str, int, Decimal, UUID, date, type(None))


def _plain(value: object) -> bool:
    return isinstance(value, _PLAIN) and not (isinstance(value, datetime) and value.tzinfo is None)


def column_array(field: Field[Any, Any], values: Iterable[object]) -> str:
    """The array literal of one field's values (model attribute values, as on the
    instance)."""
    prep = field.get_prep_value
    if isinstance(field, JSONField):
        encoder = field.encoder
        return (
            "{"
            + ",".join(
                "NULL" if value is None else quoted(json.dumps(prep(value), cls=encoder))
                for value in values
            )
            + "}"
        )
    return (
        "{" + ",".join(element(value if _plain(value) else prep(value)) for value in values) + "}"
    )


def _cast(field: Field[Any, Any]) -> str:
    return field.cast_db_type(connection)  # type: ignore[attr-defined, no-any-return]


def _fields(model: type[Model], names: Sequence[str]) -> list[Field[Any, Any]]:
    return [model._meta.get_field(name) for name in names]  # type: ignore[misc]


def _unnest(fields: Sequence[Field[Any, Any]]) -> tuple[str, list[str]]:
    """`unnest(%s::type[], …)` of the fields' arrays, and the names v0, v1, … of its
    columns."""
    arrays = ", ".join(f"%s::{_cast(f)}[]" for f in fields)
    return f"unnest({arrays})", [f"v{n}" for n in range(len(fields))]


def _pk(model: type[Model]) -> Field[Any, Any]:
    pk = model._meta.pk
    assert pk is not None
    return pk


@functools.cache
def _update_sql(model: type[Model], names: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    pk = _pk(model)
    fields = [*_fields(model, names), pk]
    unnest, columns = _unnest(fields)
    sets = ", ".join(
        f"{quote(field.column)} = v.{column}"
        for field, column in zip(fields[:-1], columns, strict=False)
    )
    table = quote(model._meta.db_table)
    return (
        f"UPDATE {table} SET {sets} FROM {unnest} AS v ({', '.join(columns)}) "  # noqa: S608 - names from the model
        f"WHERE {table}.{quote(pk.column)} = v.{columns[-1]}"
    )


def update_statement(
    model: type[Model], objects: Sequence[Model], names: tuple[str, ...]
) -> Statement:
    """UPDATE the named fields of each object by primary key: one statement, one array
    parameter per column (PostgreSQL)."""
    fields = [*_fields(model, names), _pk(model)]
    params = [column_array(f, [getattr(obj, f.attname) for obj in objects]) for f in fields]
    return _update_sql(model, names), params


@functools.cache
def insert_names(model: type[Model]) -> tuple[str, ...]:
    """Every stored field of the model but its primary key."""
    return tuple(f.name for f in model._meta.concrete_fields if not f.primary_key)


@functools.cache
def _insert_sql(model: type[Model]) -> str:
    quote = connection.ops.quote_name
    fields = _fields(model, insert_names(model))
    unnest, names_of = _unnest(fields)
    columns = ", ".join(names_of)
    # Rows go in, and come back from RETURNING, in the arrays' order (as Django's
    # bulk_create relies on for its VALUES).
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - names from the model
        f"SELECT {columns} FROM {unnest} WITH ORDINALITY AS v ({columns}, n) "
        f"ORDER BY n RETURNING {quote(_pk(model).column)}"
    )


def insert_statement(model: type[Model], objects: Sequence[Model]) -> Statement:
    """INSERT the objects (every stored field but the key): one statement, one array
    parameter per column (PostgreSQL). It returns the new primary keys in the objects'
    order."""
    fields = _fields(model, insert_names(model))
    # pre_save: the value the ORM would insert (auto_now_add and the like applied).
    params = [column_array(f, [f.pre_save(obj, True) for obj in objects]) for f in fields]
    return _insert_sql(model), params
