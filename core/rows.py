"""Hand-written SQL for the few lookups every page makes, turned back into model instances.

The ORM compiles a query's SQL anew on every call, and for the lookups every signed-in page
makes (the session, the user with roles and practice, the GP's check) compiling costs more than
running: about a millisecond of CPU each, a third of a question page (docs/performance-profile.md).
The SQL here is plain text, so nothing is compiled per request. The column lists come from the
models' own fields, once per process, so a field added to a model is read without editing SQL,
and rows become instances through `Model.from_db` with the same value converters the ORM applies,
so what a view receives is what the ORM would have given it.
"""

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import Model


@functools.cache
def _fields(model: type[Model], names: tuple[str, ...] | None) -> tuple:
    fields = model._meta.concrete_fields
    if names is not None:
        fields = tuple(field for field in fields if field.attname in names or field.name in names)
    return tuple(fields)


def columns(model: type[Model], alias: str, names: Sequence[str] | None = None) -> str:
    """`alias."col", ...` for the model's concrete fields (or only `names`, by attname or name)."""
    fields = _fields(model, tuple(names) if names is not None else None)
    return ", ".join(f'{alias}."{field.column}"' for field in fields)


def width(model: type[Model], names: Sequence[str] | None = None) -> int:
    """How many columns `columns()` selects for the same arguments."""
    return len(_fields(model, tuple(names) if names is not None else None))


@functools.cache
def _converters(model: type[Model], names: tuple[str, ...] | None, alias: str) -> tuple:
    connection = connections[alias]
    found = []
    for index, field in enumerate(_fields(model, names)):
        expression = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(expression) + field.get_db_converters(
            connection
        )
        if functions:
            found.append((index, expression, tuple(functions)))
    return tuple(found)


def instance(
    model: type[Model], db: str, values: Sequence[Any], names: Sequence[str] | None = None
) -> Model:
    """A model instance from a row selected with `columns(model, ..., names)`; fields left out
    are deferred, exactly as with the ORM's only()/defer()."""
    key = tuple(names) if names is not None else None
    values = list(values)
    connection = connections[db]
    for index, expression, functions in _converters(model, key, db):
        for function in functions:
            values[index] = function(values[index], expression, connection)
    attnames = [field.attname for field in _fields(model, key)]
    return model.from_db(db, attnames, values)
