"""The cached pages render no template syntax (a multi-line ``{# … #}`` once leaked)."""

from __future__ import annotations

import pytest

from mubiao.dashboard import statuses

P = "/monitor/demo-2026"


@pytest.mark.parametrize(
    "url", [f"{P}/", f"{P}/ledger/", f"{P}/ranking/", f"{P}/?as_of=2026-03-20"]
)
def test_the_monitoring_pages_render_no_template_syntax(world, march, clock, login, url):
    statuses.rebuild(world.plan)  # today's pages read the store and are cached
    client = login("supervisor")
    for _ in range(2):  # rendered, then served from the page cache
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        for syntax in ("{#", "#}", "{%", "%}", "{{"):  # ("}}" closes JSON in the charts)
            assert syntax not in text, (url, syntax)
