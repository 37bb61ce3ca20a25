"""Plain SELECTs for the reads every issue page makes: the SQL is written once per
process from the models' metadata and run with the connection's cursor.

Rendering No. 6 from scratch spent a third of its time in the ORM's query
compiler: each of its queries took about 0.3 ms to compile and 0.03 ms to run.
A :class:`PlainSelect` is the same query, compiled once. It reads columns of
one table (and of one table joined to it by a foreign key), filtered by
equality on columns, in the model's default ordering. Values come back as the
ORM gives them (dates, aware datetimes, booleans), converted by each field's
public ``from_db_value`` or ``to_python``, and rows become model instances with
``Model.from_db``, as the ORM makes them. Anything more (a published rule, a
subquery, a lookup) belongs in the ORM.
"""

import datetime

from django.conf import settings
from django.db import connections
from django.utils import timezone

#: Fields whose database value is converted with ``to_python`` (SQLite returns text and integers).
_CONVERTED = {"BooleanField", "DateField", "DateTimeField"}
#: Fields whose database value is the value on every backend.
_AS_READ = {
    *("AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField"),
    *("PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "FloatField"),
    *("CharField", "TextField", "SlugField", "EmailField", "URLField", "FileField", "ImageField", "FilePathField"),
    *("ForeignKey", "OneToOneField"),
}


def _quoted(name):
    return '"' + name.replace('"', '""') + '"'


def _converter(field, connection):
    if hasattr(field, "from_db_value"):
        return lambda value: field.from_db_value(value, None, connection)
    kind = field.get_internal_type()
    if kind in _AS_READ:
        return None
    if kind not in _CONVERTED:
        # Decimals, durations, times, UUIDs... differ between backends: read them with the ORM.
        raise ValueError(f"{field.model.__name__}.{field.name} ({kind}) is not read by a plain select")
    if kind == "DateTimeField" and settings.USE_TZ:

        def aware(value):
            value = field.to_python(value)
            if value is not None and timezone.is_naive(value):
                value = timezone.make_aware(value, datetime.UTC)  # as SQLite stores them
            return value

        return aware
    return field.to_python


class _Table:
    """One model's part of a select: its alias, fields and converters."""

    def __init__(self, model, alias, field_names):
        self.model = model
        self.alias = alias
        if field_names is None:
            self.fields = list(model._meta.concrete_fields)
        else:
            self.fields = [model._meta.get_field(name) for name in field_names]
        self.attnames = [field.attname for field in self.fields]

    def columns(self):
        return [f"{self.alias}.{_quoted(field.column)}" for field in self.fields]

    def ordering(self):
        """The model's default ordering as ORDER BY terms (plain field names only)."""
        terms = []
        for name in self.model._meta.ordering:
            if not isinstance(name, str) or "__" in name:
                raise ValueError(f"{self.model.__name__}'s ordering {name!r} is not a column of its table")
            descending = name.startswith("-")
            field = self.model._meta.get_field(name.lstrip("-")) if name.lstrip("-") != "pk" else self.model._meta.pk
            terms.append(f"{self.alias}.{_quoted(field.column)}{' DESC' if descending else ''}")
        return terms


class PlainSelect:
    """``model``'s rows where ``where`` columns equal the given values, in the model's ordering.

    ``fields``: the field names to read (all concrete fields by default; others are
    deferred, as with ``only()``). ``join``: ``(foreign_key_name, fields)`` reads the
    related row in the same query (an inner join: the key must not be null) and sets
    it on each instance, as ``select_related`` does. ``through``: ``(owner, name)``,
    the many-to-many field ``name`` of ``owner`` that leads to ``model``: the rows are
    those linked to the owner whose id is given (``where`` is then empty).
    """

    def __init__(self, model, where=(), *, fields=None, join=None, through=None, using="default"):
        self.using = using
        self.main = _Table(model, "t0", fields)
        self.where = tuple(where)
        sql = f"SELECT {', '.join(self.main.columns())}"
        tables = f"{_quoted(model._meta.db_table)} t0"
        self.related = None
        if join is not None:
            name, related_fields = join
            key = model._meta.get_field(name)
            self.key_name = name
            self.related = _Table(key.related_model, "t1", related_fields)
            sql += ", " + ", ".join(self.related.columns())
            target = key.target_field.column
            tables += (
                f" INNER JOIN {_quoted(key.related_model._meta.db_table)} t1"
                f" ON t1.{_quoted(target)} = t0.{_quoted(key.column)}"
            )
        if through is not None:
            owner, name = through
            table = owner._meta.get_field(name).remote_field.through._meta
            (to_owner,) = [f.column for f in table.fields if f.is_relation and f.related_model is owner]
            (to_model,) = [f.column for f in table.fields if f.is_relation and f.related_model is model]
            tables += f" INNER JOIN {_quoted(table.db_table)} m ON m.{_quoted(to_model)} = t0.{_quoted(model._meta.pk.column)}"
            conditions = [f"m.{_quoted(to_owner)} = %s"]
        else:
            conditions = [f"t0.{_quoted(model._meta.get_field(name).column)} = %s" for name in self.where]
        sql += f" FROM {tables} WHERE {' AND '.join(conditions)}"
        ordering = self.main.ordering()
        if ordering:
            sql += f" ORDER BY {', '.join(ordering)}"
        self.sql = sql
        self._converters = None
        self._row_converters()  # a field it cannot read is refused here, when the module is imported

    def _row_converters(self):
        if self._converters is None:
            connection = connections[self.using]
            fields = self.main.fields + (self.related.fields if self.related else [])
            self._converters = [(i, c) for i, f in enumerate(fields) if (c := _converter(f, connection)) is not None]
        return self._converters

    def rows(self, *values):
        """The rows as tuples of converted values, main model's fields first."""
        if None in values:  # "= NULL" matches nothing, where the ORM's filter(x=None) means IS NULL
            raise ValueError("A plain select compares with values, not None")
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, values)
            rows = cursor.fetchall()
        converters = self._row_converters()
        if not converters:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            row = list(row)
            for i, convert in converters:
                if row[i] is not None:
                    row[i] = convert(row[i])
            converted.append(tuple(row))
        return converted

    def __call__(self, *values):
        """The rows as model instances, with the joined instance set on each."""
        width = len(self.main.fields)
        instances = []
        for row in self.rows(*values):
            instance = self.main.model.from_db(self.using, self.main.attnames, row[:width])
            if self.related is not None:
                setattr(
                    instance, self.key_name, self.related.model.from_db(self.using, self.related.attnames, row[width:])
                )
            instances.append(instance)
        return instances
