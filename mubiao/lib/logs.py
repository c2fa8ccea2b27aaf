"""Logging filters: what reaches the console.

A refused request (403, 404, 400) is the site doing its job: Django logs one warning line
for it, and this filter drops the traceback Django attaches, so the console shows
``Forbidden (Permission denied): /monitor/…`` and nothing more. Server errors (5xx) keep
their traceback.
"""

from __future__ import annotations

import logging


class NoTracebackForClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
