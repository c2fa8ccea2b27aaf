"""The home page's counts, persona by persona: each is a link, and the list it opens has
exactly that many rows (the unit's inbox groups, the office's queue, the cycle's
unreported slots, the ledger's red and at-risk rows)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model


@pytest.fixture(autouse=True)
def _in_november():
    """Every count at a day of the demo's year (October's reports due, some overdue, some
    waiting for review), whatever the machine's date."""
    with time_machine.travel("2026-11-08 10:00 +0800", tick=False):
        yield


def _counts(page: str) -> dict[str, tuple[int, str]]:
    """testid → (the number shown, the link's address) for every count on the home page."""
    found = re.findall(
        r'<a href="([^"]+)" class="home-count[^"]*" data-testid="home-count-(\w+)" '
        r'data-count="(\d+)"><b>(\d+)</b>',
        page,
    )
    counts = {}
    for href, key, data, shown in found:
        assert data == shown, key
        counts[key] = (int(shown), href.replace("&amp;", "&"))
    return counts


def _client(client, login: str):
    client.force_login(get_user_model().objects.get(username=login))
    return client


def _rows_on_every_page(c, href: str, testid: str) -> int:
    """The rows of a paged list, page after page (its pager's "next" links)."""
    rows, url = 0, href
    while url:
        page = c.get(url).text
        rows += page.count(f'data-testid="{testid}"')
        following = re.search(r'<a href="\?([^"]*)" data-testid="next-page">', page)
        url = (
            href.split("?")[0] + "?" + following.group(1).replace("&amp;", "&")
            if following
            else None
        )
    return rows


def _missing_on(page: str) -> int:
    """The unsent slots the missing-reports page names: its listed rows and its units'
    counts of key projects' months."""
    months = re.findall(r'data-testid="missing-months" data-count="(\d+)"', page)
    return page.count('data-testid="missing-report"') + sum(int(m) for m in months)


def _inbox_rows(page: str, group: str) -> int:
    section = re.search(rf'data-testid="group-{group}">(.*?)</section>', page, re.S)
    assert section, group
    return section.group(1).count('data-testid="inbox-row"')


@pytest.mark.parametrize("login", ["fgw", "swj"])
def test_a_reporters_counts_are_the_lengths_of_the_inbox_lists(demo, client, login):
    c = _client(client, login)
    counts = _counts(c.get("/").text)
    assert {"returned", "overdue", "due_soon", "todo"} <= set(counts)
    assert "to_review" not in counts and "red" not in counts
    for key, (n, href) in counts.items():
        assert href == f"/reporting/?group={key}"
        page = c.get(href).text
        assert _inbox_rows(page, key) == n, key
        assert 'data-testid="inbox-filtered"' in page
    assert sum(n for n, _ in counts.values()) > 0, "nothing counted: the test proves nothing"


def test_the_offices_counts_are_the_queue_the_missing_list_and_the_red_rows(demo, client):
    c = _client(client, "duchashi")
    counts = _counts(c.get("/").text)
    assert set(counts) == {"to_review", "missing", "red"}
    n, href = counts["to_review"]
    assert n > 0 and _rows_on_every_page(c, href, "queue-row") == n
    n, href = counts["missing"]
    assert "/missing/" in href
    assert n > 0 and _missing_on(c.get(href).text) == n
    n, href = counts["red"]
    assert href.endswith("?status=red")
    assert n > 0 and c.get(href).text.count('data-testid="ledger-row"') == n


def test_a_leaders_counts_are_the_red_and_at_risk_rows_of_the_ledger(demo, client):
    c = _client(client, "mayor")
    counts = _counts(c.get("/").text)
    assert set(counts) == {"red", "at_risk"}
    for key in ("red", "at_risk"):
        n, href = counts[key]
        page = c.get(href).text
        assert n > 0 and page.count('data-testid="ledger-row"') == n, key
    at_risk = c.get(counts["at_risk"][1]).text
    rows = re.findall(r'<tr data-testid="ledger-row">(.*?)</tr>', at_risk, re.S)
    assert all("有完不成风险" in r for r in rows)
