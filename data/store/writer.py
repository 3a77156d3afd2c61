"""Writing to the store inside one transaction: upserts on natural keys, cursors, sync state, meta.

:class:`Writer` is handed out by :meth:`data.store.store.Store.writer`; everything written through one
writer commits together or not at all. Rows of the record tables carry ``changed_gen``, the
generation of the transaction that wrote them, so the metrics cache can refresh incrementally.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite

from data.records import Exclusion, Record
from data.store import rows, schema
from data.store.errors import StoreError
from data.store.rows import clean_row, clean_text, ms_or_none
from data.store.schema import to_ms


class Writer:
    """Writes inside one open transaction (see :meth:`Store.writer`)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._copies = 0  # names the PostgreSQL bulk path's temporary tables apart
        self.written = 0
        self._generation: int | None = None  # claimed by the first tracked write

    def change_generation(self) -> int:
        """The generation this transaction produces, claimed (bumped) on first use.

        Rows of ``schema.CHANGE_TRACKED`` tables are stamped with it (``changed_gen``), so the
        metrics cache can refresh from exactly the rows written since it was built. Bumping first
        takes the generation row's write lock for the rest of the transaction: writers stamp in
        commit order (on PostgreSQL a second writer waits here; SQLite has one writer anyway).
        """
        if self._generation is None:
            self._bump_generation()
            t = schema.meta
            value = self.conn.execute(select(t.c.value).where(t.c.key == "generation")).scalar_one()
            self._generation = int(value)
        return self._generation

    def _upsert_rows(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        # The one place records (and cursors, sync state, exclusions) become rows: text goes in as
        # every back end can hold it, so a NUL from a remote system stores the same everywhere.
        rows = [clean_row(r) for r in rows]
        if table.name in schema.CHANGE_TRACKED:
            gen = self.change_generation()
            rows = [{**r, "changed_gen": gen} for r in rows]
        keys = schema.NATURAL_KEYS[table.name]
        dialect = self.conn.dialect.name
        stmt: Any
        if dialect == "sqlite":
            stmt = sqlite.insert(table)
        elif dialect == "postgresql":
            stmt = postgresql.insert(table)
        else:  # pragma: no cover - other back ends are not supported
            raise StoreError(f"unsupported database dialect {dialect!r}")
        updates = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
        if updates:
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
        self.conn.execute(stmt, list(rows))
        self.written += len(rows)

    def upsert(self, records: Iterable[Record]) -> int:
        """Insert or update records by natural key; returns how many were written."""
        grouped: dict[str, tuple[Table, dict[tuple[Any, ...], dict[str, Any]]]] = {}
        count = 0
        for record in records:
            table, row = rows.to_row(record)
            keys = schema.NATURAL_KEYS[table.name]
            bucket = grouped.setdefault(table.name, (table, {}))[1]
            # The last record with a natural key wins: a page that repeats an item (a moved
            # offset page) must not make one statement conflict with itself on PostgreSQL.
            bucket[tuple(row[k] for k in keys)] = row
            count += 1
        # Parents first so readers in other processes never see orphans mid-transaction order.
        for name in schema.RECORD_TABLES:
            if name in grouped:
                table, bucket = grouped[name]
                self._upsert_rows(table, list(bucket.values()))
        return count

    def bulk_upsert_rows(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Upsert plain tuples (values in ``columns`` order, instants as epoch-ms ints): the fast path.

        Text must already be clean (:func:`data.store.rows.clean_text`; the event parser does it for
        imports): checking every value here would cost the bulk path its speed.

        SQLite: one driver-level ``executemany`` of ``INSERT … ON CONFLICT (natural key) DO UPDATE``,
        so a row repeated within ``rows`` is simply updated again. PostgreSQL: COPY and one set-based
        upsert (:meth:`_copy_upsert`), keeping the last of repeated rows likewise.
        It goes straight to the DB-API cursor of this transaction's connection, skipping
        SQLAlchemy's per-row bind processing (PLATFORM.md: ~2x faster than Core on SQLite). ``rows``
        may be an iterator (consumed once). Returns how many rows were passed.
        """
        keys = schema.NATURAL_KEYS[table.name]
        dialect = self.conn.dialect
        quote = dialect.identifier_preparer.quote
        mark = "?" if dialect.name == "sqlite" else "%s"
        marks = [mark for _ in columns]
        columns = list(columns)
        add_gen = table.name in schema.CHANGE_TRACKED and "changed_gen" not in columns
        if dialect.name == "postgresql":
            return self._copy_upsert(table, columns, keys, rows, add_gen=add_gen)
        if add_gen:
            # The transaction's generation as a literal (an int we computed): no per-row parameter.
            columns.append("changed_gen")
            marks.append(str(int(self.change_generation())))
        cols = ", ".join(quote(c) for c in columns)
        conflict = ", ".join(quote(k) for k in keys)
        updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c not in keys)
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        sql = f"INSERT INTO {quote(table.name)} ({cols}) VALUES ({', '.join(marks)}) ON CONFLICT ({conflict}) {action}"
        # A list goes to the driver as is; an iterator is counted as the driver consumes it.
        counted = rows if isinstance(rows, Sequence) else _Counted(rows)
        raw: Any = self.conn.connection.dbapi_connection
        cursor = raw.cursor()
        try:
            cursor.executemany(sql, counted)
        finally:
            cursor.close()
        n = len(counted) if isinstance(counted, Sequence) else counted.n
        self.written += n
        return n

    def _copy_upsert(
        self,
        table: Table,
        columns: Sequence[str],
        keys: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        add_gen: bool,
    ) -> int:
        """PostgreSQL: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT.

        Row-by-row INSERTs made loading a shared cache about five times slower than SQLite; COPY is
        PostgreSQL's bulk path. ``DISTINCT ON`` keeps the last of rows repeated within the batch
        (the order ``__ord`` records), as the row-by-row path would.
        """
        quote = self.conn.dialect.identifier_preparer.quote
        data_cols = list(columns)
        self._copies += 1
        tmp = quote(f"_flowdeck_bulk_{self._copies}")
        cols = ", ".join(quote(c) for c in data_cols)
        raw: Any = self.conn.connection.dbapi_connection
        n = 0
        with raw.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {cols} FROM {quote(table.name)} WITH NO DATA"
            )
            cursor.execute(f"ALTER TABLE {tmp} ADD COLUMN __ord bigint")
            with cursor.copy(f"COPY {tmp} ({cols}, __ord) FROM STDIN") as copy:
                for n, row in enumerate(rows, 1):
                    copy.write_row((*row, n))
            target = cols + (", changed_gen" if add_gen else "")
            select = cols + (f", {int(self.change_generation())}" if add_gen else "")
            key_list = ", ".join(quote(k) for k in keys)
            assigned = [c for c in data_cols if c not in keys] + (["changed_gen"] if add_gen else [])
            updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in assigned)
            action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
            cursor.execute(
                f"INSERT INTO {quote(table.name)} ({target}) SELECT {select} FROM "
                f"(SELECT DISTINCT ON ({key_list}) * FROM {tmp} ORDER BY {key_list}, __ord DESC) AS batch "
                # Insert in the batch's own order: new rows get ids in the order they came, as
                # with the row-by-row path (readers order by id within a key).
                f"ORDER BY __ord ON CONFLICT ({key_list}) {action}"
            )
            cursor.execute(f"DROP TABLE {tmp}")
        self.written += n
        return n

    def set_cursor(self, source: str, stream: str, value: str) -> None:
        """Record how far ``stream`` of ``source`` has been synced (same transaction as the page)."""
        self._upsert_rows(
            schema.sync_cursors,
            [{"source": source, "stream": stream, "value": value, "updated_at": to_ms(datetime.now(UTC))}],
        )

    def get_cursor(self, source: str, stream: str) -> str | None:
        """The cursor of ``stream`` of ``source``, or None before the first sync."""
        t = schema.sync_cursors
        return self.conn.execute(
            select(t.c.value).where(t.c.source == source, t.c.stream == stream)
        ).scalar_one_or_none()

    def set_sync_state(
        self,
        source: str,
        *,
        attempt_at: datetime | None = None,
        success_at: datetime | None = None,
        error: str | None = None,
    ) -> None:
        """Record a sync attempt's outcome for ``source`` (error None clears the last error)."""
        t = schema.sync_state
        existing = self.conn.execute(select(t).where(t.c.source == source)).mappings().first()
        row = {
            "source": source,
            "last_attempt_at": ms_or_none(attempt_at or (existing["last_attempt_at"] if existing else None)),
            "last_success_at": ms_or_none(success_at or (existing["last_success_at"] if existing else None)),
            "last_error": error,
        }
        self._upsert_rows(t, [row])

    def set_meta(self, key: str, value: str) -> None:
        """Set a store-wide fact (``demo``, ...)."""
        t = schema.meta
        stmt: Any = (sqlite.insert(t) if self.conn.dialect.name == "sqlite" else postgresql.insert(t)).values(
            key=key, value=clean_text(value)
        )
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={"value": clean_text(value)})
        self.conn.execute(stmt)

    def add_exclusion(self, exclusion: Exclusion) -> None:
        """Exclude one item from the metrics, with its reason."""
        self._upsert_rows(
            schema.exclusions,
            [
                {
                    "kind": exclusion.kind,
                    "source": exclusion.source,
                    "key": exclusion.key,
                    "reason": exclusion.reason,
                    "created_at": to_ms(exclusion.created_at),
                }
            ],
        )

    def remove_exclusion(self, kind: str, source: str, key: str) -> bool:
        """Undo an exclusion; returns whether there was one."""
        t = schema.exclusions
        result = self.conn.execute(t.delete().where(t.c.kind == kind, t.c.source == source, t.c.key == key))
        return bool(result.rowcount)

    def _bump_generation(self) -> None:
        t = schema.meta
        updated = self.conn.execute(
            t.update().where(t.c.key == "generation").values(value=func.cast(func.cast(t.c.value, _INT) + 1, _TEXT))
        )
        if not updated.rowcount:
            self.set_meta("generation", "1")


class _Counted:
    """Wraps an iterable of rows and counts them as a driver's ``executemany`` consumes it."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self._it = iter(rows)
        self.n = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> Sequence[Any]:
        row = next(self._it)
        self.n += 1
        return row


from sqlalchemy import Integer as _INT  # noqa: E402 - kept beside their single use
from sqlalchemy import Text as _TEXT  # noqa: E402

# --- the store ----------------------------------------------------------------------------------
