"""The key projects' library page from the store's figures is the page counted live.

For the office's view of the whole library the page reads the figures around its list
from the store (``StatusCache.library``, ``projects.library.figures_of`` over every
project, counted inside the actions) and measures only its page of 50 projects; any
other view measures its projects and counts the same figures over them. On the demo
(1,007 projects, ten months of figures, funds reported by some, every tier, stage and
category), both ways give the same page, in both languages and on any page of the list.
"""

from __future__ import annotations

import re

from django.core.cache import cache
from django.test import Client

from mubiao.dashboard import current
from mubiao.dashboard.models import StatusCache
from tests.projects.test_cached_pages import main

URL = "/plans/nanyang-2026/projects/"


def test_the_page_from_the_stored_figures_is_the_page_counted_live(demo):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    current.rebuild(demo)
    header = StatusCache.objects.get(plan=demo)
    assert header.library is not None and len(header.library["targets"]) == 2
    client = Client()
    client.force_login(get_user_model().objects.get(username="duchashi"))
    views = [("zh-hans", ""), ("zh-hans", "?page=2"), ("en", ""), ("en", "?page=21")]

    def pages() -> list[str]:
        shown = []
        for language, query in views:
            cache.clear()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            shown.append(main(client.get(URL + query)))
        return shown

    stored = pages()
    StatusCache.objects.filter(plan=demo).update(library=None)  # counted live instead
    live = pages()
    for (language, query), a, b in zip(views, stored, live, strict=True):
        assert a == b, (language, query)
    # Not a page that would be equal anyway: the figures are there, and they differ
    # from page to page of the list only in the list.
    ytd = re.search(r'data-testid="ytd">([^<]+)<', stored[0])
    assert ytd and float(ytd.group(1).replace(",", "")) > 1_000_000  # 万元: over ¥10 bn
    assert "<td>省重点</td>" in stored[0] and "<td>provincial key project</td>" in stored[2]
    assert stored[0] != stored[1]
    assert stored[1].count('data-testid="light"') == 50
    assert stored[3].count('data-testid="light"') == 7  # 1,007 projects: 21 pages


def test_a_filtered_view_counts_its_own_figures(demo):
    """A county chosen: the figures over its projects, not the store's over all."""
    from django.contrib.auth import get_user_model

    current.rebuild(demo)
    client = Client()
    client.force_login(get_user_model().objects.get(username="duchashi"))
    whole = main(client.get(URL))
    county = main(client.get(URL + "?county=wancheng"))
    n = re.compile(r'data-testid="project-measures">\s*<div class="card"><b>([^<]+)</b>')
    assert int(n.search(whole).group(1).replace(",", "")) == 1007
    assert 0 < int(n.search(county).group(1).replace(",", "")) < 1007
    # 同比 is the whole pool's against last year's series: a county has no base of its own
    assert 'data-testid="yoy"' in whole and 'data-testid="yoy"' not in county


def test_a_part_of_the_library_takes_the_whole_plans_targets_from_the_store(demo):
    """A filtered view and a county's own view count their figures over their projects,
    but the targets' roll-up over all the plan's projects, which the store holds: the
    same page as counting that roll-up again from every project."""
    from django.contrib.auth import get_user_model

    current.rebuild(demo)
    users = get_user_model().objects
    views = [(users.get(username="duchashi"), "?county=wancheng"),
             (users.get(username="duchashi"), "?stage=building"),
             (users.get(username="wancheng"), "")]  # fmt: skip

    def pages() -> list[str]:
        shown = []
        for user, query in views:
            cache.clear()
            client = Client()
            client.force_login(user)
            shown.append(main(client.get(URL + query)))
        return shown

    stored = pages()
    StatusCache.objects.filter(plan=demo).update(library=None)  # counted from every project
    assert stored == pages()
    # The office's views show the roll-up with its figures (so the pages are not equal
    # for want of it); the county sees neither target (they are the city's).
    rolled = [re.findall(r'data-testid="rollup-[^"]+">[^<]*<b>([^<]+)</b>', p) for p in stored]
    assert [len(r) for r in rolled] == [2, 2, 0]
    assert all(float(v.replace(",", "")) > 0 for v in rolled[0] + rolled[1])
