"""``manage.py task_worker``: the background worker (:mod:`mubiao.lib.worker`)."""

from mubiao.lib.worker import Command

__all__ = ["Command"]
