"""The background task worker, on django_tasks_db's, whose polling loop survives a lock.

django_tasks_db's worker claims a task inside a transaction it begins itself; on SQLite
that ``BEGIN`` waits out another writer through :mod:`mubiao.lib.sqlite3` for
``MUBIAO_DB_LOCK_WAIT`` seconds, and past that the "database is locked" error went up
through the loop and ended the worker. Here a lock met while polling or claiming (nothing
of a claim has happened then: the transaction rolled back whole) is logged and the loop
starts again after a short pause, so the worker outlives any long write. Any other error
still ends it (``mubiao demo`` restarts it). Run as ``manage.py task_worker``, which takes
the options of ``db_worker``; ``manage.py db_worker`` is this same worker (the project's
command of that name replaces django_tasks_db's), so neither name dies on a lock. Its
system checks read the database without the write lock (:mod:`mubiao.lib.sqlite3`), so
a worker started during a long write starts and waits it out in the loop.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import close_old_connections
from django_tasks_db.management.commands import db_worker

from mubiao.lib.db import is_locked

log = logging.getLogger("mubiao.worker")

PAUSE = 1.0  # seconds between a lock met and the next poll


class Worker(db_worker.Worker):
    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except Exception as exc:
                if not is_locked(exc):
                    raise
                if not self.running:  # asked to stop while waiting: stop
                    return
                log.warning("database locked while polling for tasks; polling again")
                close_old_connections()
                self.startup_delay = False
                time.sleep(PAUSE)


class Command(db_worker.Command):
    help = "Run background tasks; a database lock met while polling is waited out."

    def handle(self, *, verbosity: int, **options: Any) -> None:
        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
