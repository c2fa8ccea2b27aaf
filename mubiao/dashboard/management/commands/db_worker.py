"""``manage.py db_worker``: the same worker as ``task_worker`` (:mod:`mubiao.lib.worker`).

django_tasks_db's own ``db_worker`` died on a long database lock; started by that name,
as its documentation says, the worker waits the lock out too. This command wins over
django_tasks_db's because this app comes before it in ``INSTALLED_APPS``.
"""

from mubiao.lib.worker import Command

__all__ = ["Command"]
