"""The review queue reads its rows' figures, filters and areas in a fixed number of
queries: a long queue costs no more queries than a short one (it made several per row)."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mubiao.reporting import actions
from mubiao.reporting.inbox import review_queue


@pytest.fixture(autouse=True)
def _in_november():
    with time_machine.travel("2026-11-08 10:00 +0800", tick=False):
        yield


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as seen:
        page = client.get(url).content.decode()
    return len(seen.captured_queries), page.count('data-testid="queue-row"')


def test_a_long_queue_takes_no_more_queries_than_a_short_one(demo, client):
    office = get_user_model().objects.get(username="duchashi")
    client.force_login(office)
    url = reverse("reporting:review", args=[demo.code])
    client.get(url)  # sessions, translations and caches warmed
    queue = list(review_queue(demo).order_by("pk"))
    assert len(queue) >= 10, "the demo's queue is too short to prove anything"
    long_queries, long_rows = _queries(client, url)
    actions.bulk_approve(office, queue[2:])
    short_queries, short_rows = _queries(client, url)
    assert (long_rows, short_rows) == (len(queue), 2)
    assert long_queries == short_queries
