"""Buffered bulk writes with ids chosen by the generator: COPY on PostgreSQL, executemany elsewhere.

Rows are dicts keyed by the models' attribute names (``proposal_id``, not ``proposal``); every
concrete column must be given, since Django keeps defaults in Python, not in the database
(``add_row`` takes a tuple in ``columns(model)`` order, for the hottest tables). The
generator picks primary keys itself (``new_id``) so that content can name them before the
row is written (a receipt names its proposal and attachments). Buffers are flushed together,
in the order the tables were first used (parents first), in one transaction per flush,
whenever one of them holds ``chunk`` rows; on PostgreSQL the sequences are reset at the end.

On PostgreSQL:

* when the role may (a superuser, as on the reference machine), rows are written with
  ``session_replication_role = replica``: the per-row foreign-key triggers do not fire,
  which more than halves the database's work. ``finish`` then checks every foreign key of
  the tables written with one anti-join each and raises ``OrphanRows`` if a row points
  nowhere. Otherwise the database checks each row as usual;
* outside a transaction, a background thread with its own connection runs the COPYs while
  the generator builds the next chunk (at most two chunks wait, so memory stays flat): on
  two cores the database and Python work at the same time.

Not through ``bulk_create``: it would build a model instance per row and overwrite
``created_at``/``updated_at`` with the current time, so two runs with the same seed would
differ. The same values go to both paths, so SQLite and PostgreSQL receive the same rows.
"""

import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.core.management.color import no_style
from django.db import DatabaseError, connections, models, transaction

Converter = Callable[[Any], Any] | None
Batch = list[tuple["Table", list[tuple[Any, ...]]]]


@dataclass
class Table:
    model: type[models.Model]
    attnames: list[str]
    sql: str
    converters: list[Converter]
    getter: Callable[[dict[str, Any]], tuple[Any, ...]]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    checked: bool = False
    written: int = 0
    seconds: float = 0.0
    next_id: int = 0


def backend_cpu_seconds(connection: Any) -> float | None:
    """CPU time used so far by the PostgreSQL process serving ``connection``, if readable.

    Only when the server runs on this machine (its /proc is ours); None otherwise.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, DatabaseError):
        return None


class OrphanRows(Exception):
    """Rows whose foreign key names no row: a bug in the generator."""


class Writer:
    def __init__(
        self, *, using: str = "default", chunk: int = 10_000, background: bool | None = None
    ) -> None:
        self.connection = connections[using]
        self.using = using
        self.chunk = chunk
        self.copy = self.connection.vendor == "postgresql"
        self.tables: dict[type[models.Model], Table] = {}
        self.flushes = 0
        self.check_seconds = 0.0
        self.wait_seconds = 0.0
        self.database_cpu_seconds: float | None = None
        if background is None:
            background = self.copy and not self.connection.in_atomic_block
        self.background = background and self.copy
        self.deferred_keys = self.copy and self._replica(self.connection, True)
        self.error: BaseException | None = None
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.thread: threading.Thread | None = None
        if self.background:
            self.thread = threading.Thread(target=self._drain, name="synthetic-copy", daemon=True)
            self.thread.start()

    def _replica(self, connection: Any, on: bool) -> bool:
        """Turn the per-row foreign-key triggers off (or back on); False when not allowed."""
        value = "replica" if on else "DEFAULT"
        try:
            with transaction.atomic(using=self.using), connection.cursor() as cursor:
                cursor.execute(f"SET session_replication_role = {value}")
        except DatabaseError:
            return False
        return True

    # Tables

    def table(self, model: type[models.Model]) -> Table:
        found = self.tables.get(model)
        if found is None:
            found = self.tables[model] = self._register(model)
        return found

    def columns(self, model: type[models.Model]) -> list[str]:
        return self.table(model).attnames

    def _register(self, model: type[models.Model]) -> Table:
        meta = model._meta
        fields = list(meta.concrete_fields)
        quote = self.connection.ops.quote_name
        name = quote(meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        if self.copy:
            sql = f"COPY {name} ({columns}) FROM STDIN"
            converters: list[Converter] = [None] * len(fields)
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"
            converters = [self._converter(f) for f in fields]
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {name}")
            (last,) = cursor.fetchone()
        attnames = [f.attname for f in fields]
        getter = itemgetter(*attnames)
        return Table(
            model=model,
            attnames=attnames,
            sql=sql,
            converters=converters,
            getter=getter if len(attnames) > 1 else lambda row: (getter(row),),
            next_id=(last or 0) + 1,
        )

    def _converter(self, f: models.Field[Any, Any]) -> Converter:
        if isinstance(f, models.DateTimeField | models.DateField | models.DecimalField):
            connection = self.connection
            return lambda value: None if value is None else f.get_db_prep_save(value, connection)
        return None

    def new_id(self, model: type[models.Model]) -> int:
        table = self.tables.get(model) or self.table(model)
        pk = table.next_id
        table.next_id += 1
        return pk

    # Rows

    def add(self, model: type[models.Model], row: dict[str, Any]) -> None:
        table = self.tables.get(model) or self.table(model)
        if not table.checked:
            missing = set(table.attnames) - set(row)
            unknown = set(row) - set(table.attnames)
            if missing or unknown:
                raise ValueError(f"{model.__name__}: missing {missing}, unknown {unknown}")
            table.checked = True
        table.rows.append(table.getter(row))
        if len(table.rows) >= self.chunk:
            self.flush()

    def add_row(self, model: type[models.Model], row: tuple[Any, ...]) -> None:
        """A row as a tuple in ``columns(model)`` order."""
        table = self.tables.get(model) or self.table(model)
        table.rows.append(row)
        if len(table.rows) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        batch: Batch = [(t, t.rows) for t in self.tables.values() if t.rows]
        if not batch:
            return
        for table, _rows in batch:
            table.rows = []
        self.flushes += 1
        if self.background:
            self._raise_from_thread()
            started = time.perf_counter()
            self.queue.put(batch)
            self.wait_seconds += time.perf_counter() - started
        else:
            self._write_batch(self.connection, batch)

    def _write_batch(self, connection: Any, batch: Batch) -> None:
        with transaction.atomic(using=self.using), connection.cursor() as wrapper:
            for table, rows in batch:
                started = time.perf_counter()
                self._write(wrapper, table, rows)
                table.seconds += time.perf_counter() - started
                table.written += len(rows)

    def _write(self, wrapper: Any, table: Table, rows: list[tuple[Any, ...]]) -> None:
        if self.copy:
            with wrapper.cursor.copy(table.sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        converters = table.converters
        if any(converters):
            rows = [
                tuple(v if c is None else c(v) for c, v in zip(converters, row, strict=True))
                for row in rows
            ]
        wrapper.executemany(table.sql, rows)

    # The background writer

    def _drain(self) -> None:
        connection = connections[self.using]
        try:
            if self.deferred_keys:
                self._replica(connection, True)
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    self._write_batch(connection, batch)
            self.database_cpu_seconds = backend_cpu_seconds(connection)
        except BaseException as error:  # reported to the generator's thread
            self.error = error
            while self.queue.get() is not None:  # let the generator finish putting
                pass
        finally:
            connection.close()

    def _raise_from_thread(self) -> None:
        if self.error is not None:
            raise RuntimeError("the background COPY failed") from self.error

    # The end

    def finish(self) -> None:
        """Write what is left, move the sequences past the ids used, check the keys."""
        self.flush()
        if self.thread is not None:
            started = time.perf_counter()
            self.queue.put(None)
            self.thread.join()
            self.wait_seconds += time.perf_counter() - started
            self.thread = None
            self._raise_from_thread()
        if self.copy and not self.background:
            self.database_cpu_seconds = backend_cpu_seconds(self.connection)
        if self.copy:
            statements = self.connection.ops.sequence_reset_sql(no_style(), list(self.tables))
            with transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        if self.deferred_keys:
            self._replica(self.connection, False)
            started = time.perf_counter()
            self.check_keys()
            self.check_seconds = time.perf_counter() - started

    def check_keys(self) -> None:
        """Raise OrphanRows if a foreign key of a written table names no row."""
        quote = self.connection.ops.quote_name
        orphans = []
        with self.connection.cursor() as cursor:
            for model in self.tables:
                for f in model._meta.concrete_fields:
                    if not f.is_relation or f.related_model is None:
                        continue
                    child, key = quote(model._meta.db_table), quote(f.column)
                    parent = quote(f.related_model._meta.db_table)  # type: ignore[union-attr]
                    target = quote(f.target_field.column)  # type: ignore[attr-defined]
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p "
                        f"ON c.{key} = p.{target} WHERE c.{key} IS NOT NULL AND p.{target} IS NULL"
                    )
                    (count,) = cursor.fetchone()
                    if count:
                        orphans.append(f"{model._meta.db_table}.{f.column}: {count}")
        if orphans:
            raise OrphanRows(", ".join(orphans))

    def figures(self) -> dict[str, dict[str, float | int]]:
        return {
            t.model._meta.db_table: {
                "rows": t.written,
                "write_seconds": round(t.seconds, 3),
                "rows_per_second": round(t.written / t.seconds) if t.seconds else 0,
            }
            for t in self.tables.values()
        }
