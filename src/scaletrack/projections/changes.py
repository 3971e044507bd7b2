"""The writes a page of events makes to one table, merged per row and flushed at once.

A view never reads a row back to change it: it states what an event does
to a row (insert it, update some columns, insert-or-replace it, delete it)
and the changes to the same row within a page are merged in memory. The
flush runs one statement per kind of change over many rows, in an order
that keeps the outcome of the page: inserts, then replacements, then
updates, then deletes (a row is never inserted after it was changed).

Statements are compiled once per table, shape and database, and run through
the driver's ``executemany`` with plain values: every value a view writes is
already text, a number, a boolean or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.expression import ColumnElement

Key = tuple[Any, ...]
Row = dict[str, Any]


@dataclass
class _New:
    row: Row


@dataclass
class _Put:
    row: Row


@dataclass
class _Update:
    values: Row = field(default_factory=dict)
    add: Row = field(default_factory=dict)
    most: Row = field(default_factory=dict)

    def merge(self, later: _Update) -> None:
        self.values.update(later.values)
        for name, amount in later.add.items():
            self.add[name] = self.add.get(name, 0) + amount
        for name, value in later.most.items():
            self.most[name] = _most(self.most.get(name), value)

    def apply(self, row: Row) -> None:
        row.update(self.values)
        for name, amount in self.add.items():
            row[name] = (row.get(name) or 0) + amount
        for name, value in self.most.items():
            row[name] = _most(row.get(name), value)


class _Gone:
    pass


_Change = _New | _Put | _Update | _Gone


def _most(current: Any, value: Any) -> Any:
    return value if current is None or value > current else current


class Changes:
    """Pending changes to one table, by primary key."""

    def __init__(self, target: Table) -> None:
        self.table = target
        self.key = tuple(c.name for c in target.primary_key.columns)
        self.pending: dict[Key, _Change] = {}
        self.appended: list[Row] = []
        names = self.key
        self._key: Callable[[Row], Key] = lambda row: tuple(row[n] for n in names)

    def clear(self) -> None:
        self.pending.clear()
        self.appended.clear()

    def append(self, row: Row) -> None:
        """A new row that no earlier change of this page touches (the fastest way in)."""
        self.appended.append(row)

    def insert(self, row: Row) -> None:
        """A new row that later changes of the same page may touch."""
        key = self._key(row)
        before = self.pending.get(key)
        if before is None:
            self.pending[key] = _New(row)
        elif isinstance(before, _Gone):
            self.pending[key] = _Put(row)
        else:
            raise ValueError(f"{self.table.name}: row {key} inserted twice")

    def put(self, row: Row) -> None:
        """Insert the row, or replace the columns given if it exists."""
        key = self._key(row)
        before = self.pending.get(key)
        if isinstance(before, _New | _Put):
            before.row.update(row)
        elif isinstance(before, _Update):
            raise ValueError(f"{self.table.name}: row {key} updated, then put")
        else:
            self.pending[key] = _Put(row)

    def update(self, key: Key, values: Row | None = None, add: Row | None = None,
               most: Row | None = None) -> None:
        """Change a row if it exists: set ``values``, ``add`` amounts to columns, and
        keep the larger of the old value and the given one for the columns in ``most``."""
        change = _Update(dict(values or {}), dict(add or {}), dict(most or {}))
        before = self.pending.get(key)
        if before is None:
            self.pending[key] = change
        elif isinstance(before, _New):
            change.apply(before.row)
        elif isinstance(before, _Put):
            if not {*change.add, *change.most} <= set(before.row):
                raise ValueError(f"{self.table.name}: row {key} put, then added to")
            change.apply(before.row)
        elif isinstance(before, _Update):
            before.merge(change)

    def delete(self, key: Key) -> None:
        before = self.pending.get(key)
        if isinstance(before, _New):
            del self.pending[key]
        else:
            self.pending[key] = _Gone()

    def flush(self, connection: Connection) -> None:
        """Write every pending change and forget them."""
        pending, appended = self.pending, self.appended
        self.pending, self.appended = {}, []
        new = appended + [c.row for c in pending.values() if isinstance(c, _New)]
        for rows in _by_columns(new):
            self._run(connection, ("insert", *rows[0]), rows)
        for rows in _by_columns(c.row for c in pending.values() if isinstance(c, _Put)):
            self._run(connection, ("put", *rows[0]), rows)
        self._update(connection, [(k, c) for k, c in pending.items() if isinstance(c, _Update)])
        gone = [self._key_params(k) for k, c in pending.items() if isinstance(c, _Gone)]
        if gone:
            self._run(connection, ("delete",), gone)

    # -- statements ---------------------------------------------------------------

    def _run(self, connection: Connection, shape: tuple[str, ...], rows: list[Row]) -> None:
        sql, order = _prepared(connection, self, shape)
        connection.exec_driver_sql(
            sql, [tuple(row[name] for name in order) for row in rows] if order else rows)

    def _update(self, connection: Connection, updates: list[tuple[Key, _Update]]) -> None:
        groups: dict[tuple[str, ...], list[Row]] = {}
        for key, change in updates:
            params = self._key_params(key)
            params.update({f"s_{n}": v for n, v in change.values.items()})
            params.update({f"a_{n}": v for n, v in change.add.items()})
            params.update({f"m_{n}": v for n, v in change.most.items()})
            shape = ("update", *sorted(params))
            groups.setdefault(shape, []).append(params)
        for shape, rows in groups.items():
            self._run(connection, shape, rows)

    def _key_params(self, key: Key) -> Row:
        return {f"k_{name}": value for name, value in zip(self.key, key, strict=True)}

    def statement(self, dialect: str, shape: tuple[str, ...]) -> tuple[UpdateBase, list[str]]:
        """The statement of a shape of change, and the columns an insert names."""
        kind, names = shape[0], list(shape[1:])
        if kind == "insert":
            return self.table.insert(), names
        if kind == "put":
            module = postgresql if dialect == "postgresql" else sqlite
            upsert = module.insert(self.table)
            replaced = {n: upsert.excluded[n] for n in names if n not in self.key}
            if not replaced:
                return upsert.on_conflict_do_nothing(index_elements=list(self.key)), names
            return upsert.on_conflict_do_update(index_elements=list(self.key),
                                                set_=replaced), names
        matches = self._matches()
        if kind == "delete":
            return self.table.delete().where(matches), []
        values: dict[str, Any] = {}
        for name in names:
            prefix, column = name[:2], self.table.c.get(name[2:])
            if column is None or prefix == "k_":
                continue
            value = bindparam(name, type_=column.type)
            if prefix == "s_":
                values[column.name] = value
            elif prefix == "a_":
                values[column.name] = column + value
            else:
                values[column.name] = case((column.is_(None), value), (value > column, value),
                                           else_=column)
        return self.table.update().where(matches).values(values), []

    def _matches(self) -> ColumnElement[bool]:
        return and_(*(self.table.c[name] == bindparam(f"k_{name}") for name in self.key))


_PREPARED: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[str] | None]] = {}


def _prepared(connection: Connection, changes: Changes, shape: tuple[str, ...]
              ) -> tuple[str, list[str] | None]:
    """SQL for the driver, and the order of its parameters if they are positional.

    On SQLite the statements name their parameters, so the driver takes each
    row's dict as it is (building a tuple per row costs more than the insert).
    """
    dialect = connection.dialect
    cache_key = (dialect.name, changes.table.name, shape)
    found = _PREPARED.get(cache_key)
    if found is None:
        statement, columns = changes.statement(dialect.name, shape)
        target = _NAMED_SQLITE if dialect.name == "sqlite" else dialect
        compiled = statement.compile(dialect=target, column_keys=columns or None)
        order = list(compiled.positiontup or []) if compiled.positional else None
        found = _PREPARED[cache_key] = (compiled.string, order)
    return found


_NAMED_SQLITE = sqlite.dialect(paramstyle="named")


def _by_columns(rows: Iterable[Row]) -> list[list[Row]]:
    """Rows grouped by the columns they give, since one statement takes one shape."""
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    return list(groups.values())
