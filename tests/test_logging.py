"""The console: a refused request is one line, a server error keeps its traceback."""

from __future__ import annotations

import io
import logging

import pytest

from mubiao.lib.logs import NoTracebackForClientErrors


@pytest.fixture
def console():
    """What the site's console handler writes, captured."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, NoTracebackForClientErrors) for f in h.filters)
    )
    stream = io.StringIO()
    # Swapped by hand: setStream() flushes the old stream first, and under pytest's
    # capture that may be a stream an earlier test already closed.
    previous, handler.stream = handler.stream, stream
    yield stream
    handler.stream = previous


def test_a_403_is_one_line_without_a_traceback(login, console):
    response = login("county").get("/plans/demo-2026/tasks/t1/")
    assert response.status_code == 403
    text = console.getvalue()
    assert "Forbidden" in text and "/plans/demo-2026/tasks/t1/" in text
    assert "Traceback" not in text and "PermissionDenied" not in text


def test_a_server_error_keeps_its_traceback(console):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in console.getvalue() and "RuntimeError: boom" in console.getvalue()
