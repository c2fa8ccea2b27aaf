"""Every page obeys the Content Security Policy: no inline scripts, no inline styles.

The policy (settings.SECURE_CSP) allows scripts and styles only from the site itself; an
inline <script> or a style="" attribute would be blocked by the browser, so a page that
has one is broken as well as unsafe. This walks the pages each persona reaches.
"""

from __future__ import annotations

import re

import pytest

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son(click|load|change|submit|input)=", re.I)

PAGES = [
    ("supervisor", "/"),
    ("supervisor", "/plans/demo-2026/"),
    ("supervisor", "/plans/demo-2026/targets/"),
    ("supervisor", "/plans/demo-2026/tasks/t1/"),
    ("supervisor", "/plans/demo-2026/projects/"),
    ("supervisor", "/units/"),
    ("supervisor", "/units/fgw/"),
    ("supervisor", "/imports/"),
    ("supervisor", "/account/tokens/"),
    ("supervisor", "/reporting/"),
    ("supervisor", "/reporting/demo-2026/review/"),
    ("supervisor", "/reporting/demo-2026/cycles/202603/missing/"),
    ("supervisor", "/monitor/demo-2026/"),
    ("supervisor", "/monitor/demo-2026/ledger/"),
    ("leader", "/monitor/demo-2026/"),
    ("fgw", "/"),
    ("fgw", "/reporting/"),
    ("anonymous", "/accounts/login/"),
    ("supervisor", "/plans/no-such-plan/"),
    ("county", "/plans/demo-2026/tasks/t1/"),
]


@pytest.mark.parametrize(("persona", "url"), PAGES)
def test_the_page_has_no_inline_script_or_style(client, world, march, persona, url):
    if persona != "anonymous":
        client.force_login(world.users[persona])
    response = client.get(url)
    assert response.status_code in {200, 403, 404}, url
    html = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not STYLE_ATTR.search(html), STYLE_ATTR.search(html)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html)


def test_the_report_form_has_no_inline_script(client, world, slot):
    client.force_login(world.users["fgw"])
    html = client.get(f"/reporting/r/{slot('fgw', 't1').code}/").content.decode()
    assert re.search(r'<textarea[^>]*\bname="progress"', html), "the form has no progress field"
    assert not INLINE_SCRIPT.search(html) and not STYLE_ATTR.search(html)


@pytest.mark.parametrize(
    ("html", "pattern"),
    [
        ("<script>alert(1)</script>", INLINE_SCRIPT),
        ('<script type="module">x()</script>', INLINE_SCRIPT),
        ('<div style="color:red">', STYLE_ATTR),
        ('<button onclick="go()">', INLINE_HANDLER),
    ],
)
def test_the_checks_catch_inline_code(html, pattern):
    assert pattern.search(html)


@pytest.mark.parametrize(
    "html",
    ['<script src="/static/app.js" defer></script>', '<script id="d" type="application/json">{}'],
)
def test_the_checks_allow_files_and_data(html):
    assert not INLINE_SCRIPT.search(html)
