"""Hand-written SQL for the few lookups every page makes, turned back into model instances.

The ORM compiles a query's SQL anew on every call, and for the lookups every signed-in page
makes (the session, the user with roles and practice, the GP's check) compiling costs more than
running: about a millisecond of CPU each, a third of a question page (docs/performance-profile.md).
The SQL here is plain text, so nothing is compiled per request. The column lists come from the
models' own fields, once per process, so a field added to a model is read without editing SQL,
and rows become instances through `Model.from_db` with the same value converters the ORM applies,
so what a view receives is what the ORM would have given it.
"""

import copy
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

from core.prepared import statement_sql


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
    return model.from_db(db, _attnames(model, key), values)


@functools.cache
def _attnames(model: type[Model], names: tuple[str, ...] | None) -> list[str]:
    return [field.attname for field in _fields(model, names)]


@functools.cache
def _pk_index(model: type[Model], names: tuple[str, ...] | None) -> int:
    return _attnames(model, names).index(model._meta.pk.attname)


@dataclass(frozen=True)
class Part:
    """One model's columns in a joined row: the model, its alias in the SQL, and the fields
    selected (None for all)."""

    model: type[Model]
    alias: str
    names: tuple[str, ...] | None = None


def select_list(parts: Sequence[Part]) -> str:
    return ", ".join(columns(part.model, part.alias, part.names) for part in parts)


def split(row: Sequence[Any], parts: Sequence[Part], db: str) -> list[Model | None]:
    """The instances in a row selected with `select_list(parts)`, in order; None for a part
    whose primary key is NULL (an outer join that found nothing)."""
    found: list[Model | None] = []
    start = 0
    for part in parts:
        end = start + width(part.model, part.names)
        values = row[start:end]
        pk_index = _pk_index(part.model, part.names)
        found.append(
            None if values[pk_index] is None else instance(part.model, db, values, part.names)
        )
        start = end
    return found


@dataclass(frozen=True)
class Equal:
    """A placeholder found among a compiled query's parameters by equality rather than by
    identity, and wherever it occurs: for a value the ORM rebuilds on its way to SQL, or one a
    query uses more than once (a keyset cursor's values). It must be a value no real query
    sends (a date a thousand years ago, a string with a control character)."""

    value: Any


class Compiled:
    """A queryset compiled to SQL once by the ORM, with placeholder values, then run with real
    ones: for a query some page makes on every request whose shape never changes. The rule it
    expresses stays written once, with the ORM; only the values change.

    Each placeholder must be an object that appears exactly once among the compiled query's
    parameters (a date no real query asks for, a list object passed through RawSQL), or an
    `Equal` value that appears at least once; that is checked when compiling, so a query whose
    shape changes fails loudly at its first use. With `counted`, the SQL counts the queryset's
    rows as QuerySet.count() does (`SELECT COUNT(*) FROM (...) subquery`): for a capped count,
    pass `queryset.values("pk")[:cap + 1]`.
    """

    def __init__(self, queryset: QuerySet, *, counted: bool = False, **placeholders: Any) -> None:
        self.model = queryset.model
        compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        # The ORM's own SQL, wrapped as QuerySet.count() wraps a sliced query.
        self.sql = f"SELECT COUNT(*) FROM ({sql}) subquery" if counted else sql  # noqa: S608
        self.params = tuple(params)
        self.slots: dict[str, tuple[int, ...]] = {}
        self._sent_as: dict[int, type] = {}
        for name, value in placeholders.items():
            if isinstance(value, Equal):
                # The ORM may send a value as a subclass of its type (psycopg's Int8 for a
                # bigint column): the real value is then sent as that type too.
                kind = type(value.value)
                found = [
                    i
                    for i, param in enumerate(params)
                    if isinstance(param, kind) and param == value.value
                ]
                self._sent_as.update(
                    {i: type(params[i]) for i in found if type(params[i]) is not kind}
                )
            else:
                found = [i for i, param in enumerate(params) if param is value]
                found = found if len(found) == 1 else []
            if not found:
                raise ImproperlyConfigured(f"Placeholder {name} is not one parameter of {self.sql}")
            self.slots[name] = tuple(found)
        self.selected = (
            ("count",)
            if counted
            else tuple(
                getattr(getattr(column, "target", None), "attname", None)
                for column, _, _ in compiler.select
            )
        )
        self._compiler = None if counted else compiler

    def params_for(self, **values: Any) -> list[Any]:
        """The query's parameters with the placeholders replaced by `values`: with `self.sql`,
        for a caller that sends the query with other statements in one round trip."""
        params = list(self.params)
        for name, value in values.items():
            for slot in self.slots[name]:
                params[slot] = self._sent_as[slot](value) if slot in self._sent_as else value
        return params

    def rows(self, **values: Any) -> list[tuple]:
        using = router.db_for_read(self.model)
        with connections[using].cursor() as cursor:
            cursor.execute(self.sql, self.params_for(**values))
            return cursor.fetchall()

    def instances(self, names: Sequence[str] | None = None, **values: Any) -> list[Model]:
        """The rows as instances of the queryset's model; its columns must be the model's
        (only `names`, in model order), which is checked."""
        return self.instances_of(self.rows(**values), names)

    def instances_of(
        self, found: Sequence[Sequence[Any]], names: Sequence[str] | None = None
    ) -> list[Model]:
        """Rows this query returned (however they were fetched) as instances, as instances()."""
        expected = tuple(f.attname for f in _fields(self.model, tuple(names) if names else None))
        if self.selected != expected:
            raise ImproperlyConfigured(f"{self.sql} does not select {expected}")
        using = router.db_for_read(self.model)
        return [instance(self.model, using, row, names) for row in found]

    def models_of(self, found: Sequence[Sequence[Any]]) -> list[Model]:
        """Rows this query returned (however they were fetched) as the ORM's ModelIterable
        builds them from the same SQL: the model's instances with their select_related()
        instances and annotations, fields left out deferred, each value converted."""
        compiler = self._compiler
        if compiler is None:
            raise ImproperlyConfigured(f"{self.sql} does not select model instances")
        using = router.db_for_read(self.model)
        # The compiler as compiled, with this thread's connection (Django's are per thread):
        # its converters are asked of the connection that read the rows.
        compiler = copy.copy(compiler)
        compiler.connection = connections[using]
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        made = []
        for row in compiler.results_iter([found]):
            obj = klass_info["model"].from_db(using, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in compiler.annotation_col_map.items():
                setattr(obj, name, row[position])
            made.append(obj)
        return made


def parts_of(
    compiled: Compiled, parts: Sequence[Part], found: Sequence[Sequence[Any]]
) -> list[list]:
    """The rows of a compiled select_related() query (however they were fetched), each split
    into its models' instances (`split`); the query must select exactly each part's fields, in
    model order, part after part, which is checked (parts_checked), so a query whose columns
    change fails loudly at its first use."""
    using = parts_checked(compiled, parts)
    return [split(row, parts, using) for row in found]


def parts_checked(compiled: Compiled, parts: Sequence[Part]) -> str:
    """The database `compiled` reads, once it is checked to select exactly `parts`' fields, in
    model order, part after part (ImproperlyConfigured otherwise)."""
    expected = tuple(
        field.attname
        for part in parts
        for field in _fields(part.model, tuple(part.names) if part.names else None)
    )
    if compiled.selected != expected:
        raise ImproperlyConfigured(f"{compiled.sql} does not select {expected}")
    return router.db_for_read(compiled.model)


def read_together(*reads: tuple[Compiled, dict[str, Any]]) -> list[list[tuple]]:
    """Each compiled query's rows, for its placeholders' values, from one round trip to
    PostgreSQL (the statements run in order; the connection of the first one's model), each
    sent as EXECUTE of a statement prepared once per connection (core.prepared), so a page's
    compiled reads are neither compiled nor planned again. Each parameter must have a type
    PostgreSQL can infer, as core.prepared says."""
    using = router.db_for_read(reads[0][0].model)
    connection = connections[using]
    sql = "; ".join(statement_sql(connection, compiled.sql) for compiled, _ in reads)
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [param for compiled, values in reads for param in compiled.params_for(**values)]
        )
        found = [cursor.fetchall()]
        while cursor.nextset():
            found.append(cursor.fetchall())
    return found
