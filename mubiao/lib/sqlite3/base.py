"""Django's SQLite backend whose ``BEGIN`` and autocommit statements wait out a lock.

``ENGINE: mubiao.lib.sqlite3`` (settings.py). See :mod:`mubiao.lib.db` for the rule.
"""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property

from mubiao.lib.db import retry_locked


class Cursor(base.SQLiteCursorWrapper):
    wrapper: Any = None

    def execute(self, query: str, params: Any = None) -> Any:
        outer = self.wrapper
        if outer is not None and outer.get_autocommit() and not outer.in_atomic_block:
            return retry_locked(
                lambda: super(Cursor, self).execute(query, params), what="statement"
            )
        return super().execute(query, params)


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def supports_json_field(self) -> bool:
        """Whether SQLite has its JSON functions, asked with a plain read.

        Django asks inside ``transaction.atomic``, whose ``BEGIN IMMEDIATE`` waits for the
        write lock: under a write longer than the lock wait the answer was "no" (kept for
        the connection's life), so the system checks of a worker or a server started then
        failed ("SQLite does not support JSONFields") and it exited. A read takes no lock
        (WAL), and in autocommit it waits out a lock like any statement."""
        with self.connection.cursor() as cursor:
            try:
                cursor.execute('SELECT JSON(\'{"a": "b"}\')')
            except OperationalError:
                return False
        return True


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures

    def create_cursor(self, name: Any = None) -> Any:
        cursor = self.connection.cursor(factory=Cursor)
        cursor.wrapper = self
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        parent = super()._start_transaction_under_autocommit
        retry_locked(parent, what="BEGIN")
