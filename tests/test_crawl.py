"""A crawl over every page each persona reaches, in Chinese and in English.

From the home page, every same-site link a persona's pages offer is followed (GET only;
downloads, the admin, the API and logout left out). Each page must have a title and a
way back (the breadcrumbs or the site's home link), no template syntax in what is shown
(a raw ``{# … #}`` or ``{{ … }}``), no raw cycle codes ("202610" where a person reads
"2026年10月"), in Chinese no English words outside codes and names of formats, and in
English no period named in Chinese ("2026年3月", "2026年03月报告": a cycle's stored
name, made in Chinese, where the page should say "March 2026"). The crawl runs after
March's due date, so the dashboard's overdue table and the inbox's overdue list show.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from mubiao.reporting import actions
from mubiao.reporting.actions import Content

SKIP = ("/admin/", "/api/", "/accounts/logout", "/i18n/", "/static/", "/media/", "/favicon")
SKIP_QUERY = ("format=", "download", "export")
MAX_PAGES = 80
# Words that are names, not English prose: formats, products, units' codes in the data.
ALLOWED_WORDS = {"excel", "word", "pdf", "api", "json", "csv", "xlsx", "docx", "gdp",
                 "mubiao", "htmx", "echarts", "png", "jpeg", "gif", "webp", "doc", "xls",
                 "wecom", "dingtalk", "uuid", "token", "sha",
                 "english"}  # fmt: skip  # the language switch names its language
TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")
RAW_CYCLE = re.compile(
    r"(?<![\d.\-/:])20\d\d(?:0[1-9]|1[0-2])(?![\d])|(?<![\w-])20\d\dQ[1-4](?![\w-])"
)
# A period as Chinese names it; in English pages it is a cycle name left untranslated.
CHINESE_PERIOD = re.compile(r"20\d\d年(?:\d{1,2}月|第[一二三四1-4]季度|[上下]半年)")


class Page(HTMLParser):
    """The visible text, the title, the links and whether there is a way back."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        # the text outside form boxes: a textarea holds what a document will say (the
        # bulletin's default sentences are Chinese in any UI), not what the page says
        self.prose: list[str] = []
        self._in_box = False
        self.title = ""
        self.links: list[str] = []
        self.crumbs = False
        self.home_link = False
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "title":
            self._in_title = True
        if tag == "textarea":
            self._in_box = True
        if tag == "nav" and "crumbs" in (attrs.get("class") or ""):
            self.crumbs = True
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if attrs["href"] == "/":
                self.home_link = True

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if tag == "textarea":
            self._in_box = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.text.append(data)
            if not self._in_box:
                self.prose.append(data)


def english_words(text: str, names: set[str]) -> set[str]:
    words = set()
    for word in re.findall(r"(?<![\w./@-])[A-Za-z]{3,}(?![\w./@-])", text):
        if word.lower() not in ALLOWED_WORDS and word not in names:
            words.add(word)
    return words


def crawl(client, language: str, names: set[str]) -> dict[str, list[str]]:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    seen, queue, problems = set(), ["/"], {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        found = []
        if response.status_code != 200:
            found.append(f"status {response.status_code}")
        page = Page()
        page.feed(response.content.decode())
        shown = " ".join(page.text)
        if not page.title.strip():
            found.append("no title")
        if url != "/" and not (page.crumbs or page.home_link):
            found.append("no way back")
        if m := TEMPLATE_SYNTAX.search(shown):
            found.append(f"template syntax near {shown[max(0, m.start() - 30) : m.end() + 30]!r}")
        if m := RAW_CYCLE.search(shown):
            found.append(f"raw cycle code {m.group()!r}")
        if language == "zh-hans" and (words := english_words(shown, names)):
            found.append(f"English words {sorted(words)[:12]}")
        if language == "en" and (m := CHINESE_PERIOD.search(" ".join([page.title, *page.prose]))):
            found.append(f"period in Chinese {m.group()!r}")
        if found:
            problems[url] = found
        for href in page.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/"):
                continue
            if href.startswith(SKIP) or any(k in parts.query for k in SKIP_QUERY):
                continue
            if href not in seen:
                queue.append(href)
    return problems


@pytest.fixture
def reported(world, slot, clock):
    """Something on every page: a submitted part, a consolidation, an approval."""
    users = world.users
    actions.submit(users["swj"], slot("swj", "t1"), Content(progress="商务局配合推进"))
    actions.submit(users["fgw"], slot("fgw", "t1"), Content(progress="已开工386个",
                   values={"projects": "386", "investment": "412.5"}))  # fmt: skip
    actions.approve(users["supervisor"], slot("fgw", "t1"))
    clock("2026-04-08")  # past March's due date (04-05): the rest is overdue
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("persona", ["supervisor", "leader", "fgw", "swj", "county"])
def test_every_page_a_persona_reaches_reads_right(reported, client, persona, language):
    client.force_login(reported.users[persona])
    # login names are names, not words (the header shows who is logged in)
    problems = crawl(client, language, set(reported.users))
    assert problems == {}
