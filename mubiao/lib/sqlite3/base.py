"""Django's SQLite backend whose ``BEGIN`` and autocommit statements wait out a lock.

``ENGINE: mubiao.lib.sqlite3`` (settings.py). See :mod:`mubiao.lib.db` for the rule.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base

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


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: Any = None) -> Any:
        cursor = self.connection.cursor(factory=Cursor)
        cursor.wrapper = self
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        parent = super()._start_transaction_under_autocommit
        retry_locked(parent, what="BEGIN")
