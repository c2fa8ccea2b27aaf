"""The Nanyang demo, loaded once per test session and handed to each test that asks.

Loading the demo takes long (units, the plan, a thousand key projects, ten months of
reports and their history). ``load_demo`` runs once, on first use, into a copy of the
freshly migrated test database; every test that takes the ``demo`` fixture then starts
from that copy and runs in a transaction rolled back at its end, as pytest-django's ``db``
does, so no test sees another's writes.

- SQLite (the test database lives in memory): the migrated database and the loaded demo
  are kept as two in-memory snapshots; before a demo test the demo is copied into the
  test connection with SQLite's backup API, after it the empty database is copied back.
- PostgreSQL: ``CREATE DATABASE … TEMPLATE`` makes a second database from the migrated
  test database; the demo is loaded into it, and demo tests connect to it instead.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# How long the one load took, for the session's summary line.
LOAD_SECONDS: list[float] = []


def _load() -> None:
    from mubiao.demo import load_demo

    started = time.perf_counter()
    load_demo()
    LOAD_SECONDS.append(time.perf_counter() - started)


class SqliteDemo:
    def __init__(self) -> None:
        connection.ensure_connection()
        self.empty = self._snapshot()
        _load()
        self.demo = self._snapshot()
        self._copy_in(self.empty)

    @staticmethod
    def _snapshot() -> sqlite3.Connection:
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.ensure_connection()
        connection.connection.backup(copy)
        return copy

    @staticmethod
    def _copy_in(source: sqlite3.Connection) -> None:
        connection.ensure_connection()
        source.backup(connection.connection)

    @contextmanager
    def active(self) -> Iterator[None]:
        self._copy_in(self.demo)
        try:
            yield
        finally:
            self._copy_in(self.empty)

    def drop(self) -> None:
        self.empty.close()
        self.demo.close()


class PostgresDemo:
    def __init__(self) -> None:
        self.test_name = connection.settings_dict["NAME"]
        self.name = f"{self.test_name}_demo"
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.test_name}"')
        with self.active():
            _load()

    @contextmanager
    def active(self) -> Iterator[None]:
        connection.close()
        connection.settings_dict["NAME"] = self.name
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = self.test_name

    def drop(self) -> None:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def build() -> SqliteDemo | PostgresDemo:
    if connection.vendor == "sqlite":
        return SqliteDemo()
    if connection.vendor == "postgresql":
        return PostgresDemo()
    raise RuntimeError(f"no demo template for {connection.vendor}")
