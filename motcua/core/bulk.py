"""Writing many rows quickly: the demo, the import, the indicator aggregates and the benches
share these.

:func:`write_rows` inserts prepared rows with ``COPY`` on PostgreSQL and ``executemany`` on
SQLite; :class:`Inserter` builds such rows for a model's columns (defaults, datetimes);
:func:`indexes_set_aside` drops a table's secondary indexes for a bulk load and builds them
again at its end.

Django's ``bulk_create`` prepares every value through the field machinery, which costs
more than the whole database work for 200,000 dossiers. The demo instead gives rows as
tuples of plain Python values for the columns it names; the model's other columns get their
field default, prepared once. Values must already be what the column stores: JSON as a
string, aware datetimes (converted here to SQLite's UTC text; a value repeated on every row
can be converted once with :meth:`Inserter.prepare`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

Row = tuple[Any, ...]


class Inserter:
    """Writes rows of ``model`` given as tuples for ``columns`` (attribute names)."""

    def __init__(
        self, model: type[models.Model], columns: Sequence[str], *, prepared: bool = False
    ) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [str(fields[c].column) for c in columns] + [str(f.column) for f in rest]
        self.defaults: Row = tuple(_default(f) for f in rest)
        self.sqlite = connection.vendor == "sqlite"
        # With ``prepared``, the caller gives datetimes already through :meth:`prepare`.
        self.datetimes = [
            i
            for i, c in enumerate(columns)
            if isinstance(fields[c], models.DateTimeField) and not prepared
        ]

    def insert(self, rows: Iterable[Row]) -> None:
        full = (row + self.defaults for row in rows)
        if self.sqlite and self.datetimes:
            full = (self._sqlite_row(row) for row in full)
        write_rows(self.table, self.columns, full)

    def prepare(self, value: dt.datetime) -> Any:
        """A datetime in the column's stored form (for a value repeated on many rows)."""
        return _sqlite_datetime(value) if self.sqlite else value

    def _sqlite_row(self, row: Row) -> Row:
        values = list(row)
        for i in self.datetimes:
            value = values[i]
            if value is not None and not isinstance(value, str):
                values[i] = _sqlite_datetime(value)
        return tuple(values)


def write_rows(table: str, columns: Sequence[str], rows: Iterable[Row]) -> None:
    """Insert ``rows`` (tuples of values as ``columns`` store them) into ``table``: ``COPY``
    on PostgreSQL, ``executemany`` in batches on SQLite. No model machinery: the caller
    gives every value in its stored form."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        # Table and column names come from models, values are parameters.
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
        it = iter(rows)
        while batch := list(itertools.islice(it, WRITE_BATCH)):
            cursor.executemany(sql, batch)


WRITE_BATCH = 5000  # rows per executemany on SQLite (bounded memory for generators)


def write_copy_text(table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """PostgreSQL only: ``COPY`` rows given as text lines already in ``COPY``'s text format
    (:func:`copy_text` plus a newline), written in large pieces — for rows prepared in
    another process, where one string travels more cheaply than a tuple of values."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    sql = f"COPY {quote(table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        piece: list[str] = []
        size = 0
        for line in lines:
            piece.append(line)
            size += len(line)
            if size >= COPY_PIECE:
                copy.write("".join(piece))
                piece.clear()
                size = 0
        if piece:
            copy.write("".join(piece))


COPY_PIECE = 1 << 20  # characters per write of write_copy_text


def copy_field(value: Any) -> str:
    """One value in PostgreSQL's ``COPY`` text format (as psycopg's ``write_row`` sends it):
    NULL as ``\\N``, booleans as ``t``/``f``, text with backslash, tab, newline and carriage
    return escaped."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copy_text(values: Sequence[Any]) -> str:
    """A row's values as ``COPY`` text fields, tab-separated (no line end)."""
    fields = [value if type(value) is str else copy_field(value) for value in values]
    line = "\t".join(fields)
    # Unescaped, the only backslashes are those of the NULLs and the only tabs separators.
    nulls = values.count(None)
    if (
        "\n" in line
        or "\r" in line
        or line.count("\\") != nulls
        or line.count("\t") != len(fields) - 1
    ):
        return "\t".join([copy_field(value) for value in values])  # some text to escape
    return line


def _sqlite_datetime(value: dt.datetime) -> str:
    """Django's SQLite form: naive UTC, ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (the UTC text
    without its ``+00:00``: a fifth cheaper than going through a naive copy)."""
    return value.astimezone(dt.UTC).isoformat(" ")[:-6]


def _default(field: models.Field[Any, Any]) -> Any:
    value = field.get_db_prep_save(field.get_default(), connection)
    return value


# Page cache (KiB) while the demo writes: the big tables' indexes stay in memory.
SQLITE_CACHE_KIB = 262_144


@contextlib.contextmanager
def large_sqlite_cache(kib: int = SQLITE_CACHE_KIB) -> Iterator[None]:
    """A larger SQLite page cache (``kib`` KiB) for this connection, restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


@contextlib.contextmanager
def indexes_set_aside(*models_: type[models.Model], foreign_keys: bool = False) -> Iterator[None]:
    """Drop the tables' secondary indexes, and create them again (exactly as the database
    had them) when the block ends: building an index from all the rows at once is far
    cheaper than maintaining it while every row goes in.

    Unique and primary-key indexes stay (they are constraints, and inserts need them). Use
    inside the caller's transaction, so a failure restores them; on PostgreSQL, readers of
    the tables wait for the commit (``DROP INDEX`` locks the table), so this is for bulk
    loads that own the tables: the demo build, a full rebuild of the aggregates. If the
    block raises, the indexes are not rebuilt: the rollback restores them.

    ``foreign_keys``: on PostgreSQL, also drop the tables' foreign keys and add them back at
    the end, where one join checks them instead of two trigger events per inserted row;
    writers of the referenced tables then wait from the keys' return to the commit. (SQLite
    checks foreign keys at commit without triggers; nothing to set aside there.)
    """
    tables = [m._meta.db_table for m in models_]
    quote = connection.ops.quote_name
    keys: list[tuple[str, str, str]] = []  # (table, constraint, definition)
    with connection.cursor() as cursor:
        indexes: list[tuple[str, str]] = []
        for table in tables:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                    "AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                    "AND NOT x.indisprimary AND NOT x.indisunique ORDER BY i.relname",
                    [quote(table)],
                )
            indexes += cursor.fetchall()
            if foreign_keys and connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [quote(table)],
                )
                keys += [(table, name, definition) for name, definition in cursor.fetchall()]
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        if keys:
            # A table with checks still pending cannot be altered: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _ in keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # An index cannot be built over rows with foreign-key checks still pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def reset_sequences(*models_: type[models.Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def next_id(model: type[models.Model]) -> int:
    last = model._default_manager.aggregate(m=models.Max("pk"))["m"]
    return int(last or 0) + 1
