"""Django's SQLite backend, retrying a locked ``BEGIN`` (see :mod:`mubiao.lib.db`)."""
