"""A big draft's review is paged: each page shows its items and the stretch of text they
come from; a page's corrections are saved without losing the other pages'."""

from __future__ import annotations

import lxml.html
import pytest

from mubiao.orgs.models import OrgUnit
from mubiao.plans import import_views
from mubiao.plans.models import ImportDraft


@pytest.fixture
def big(world, settings):
    lines = [f"{n}.实施第{n}项重点工作。" for n in range(1, 13)]
    text = "\n".join(lines)
    tasks, at = [], 0
    for n, line in enumerate(lines, start=1):
        tasks.append({"number": str(n), "text": line, "span": [at, at + len(line)],
                      "lead": [], "co": [], "lead_match": [], "co_match": []})  # fmt: skip
        at += len(line) + 1
    return ImportDraft.objects.create(
        issuer=OrgUnit.objects.get(code="city"), plan_name="大计划", text=text,
        status=ImportDraft.Status.READY, progress=100,
        draft={"targets": [], "tasks": tasks, "headings": []},
    )  # fmt: skip


def rows(response) -> list[str]:
    page = lxml.html.fromstring(response.content)
    return [f.get("id") for f in page.xpath('//*[@data-testid="task-row"]')]


def test_the_review_is_paged_with_the_text_its_items_come_from(big, login, monkeypatch):
    monkeypatch.setattr(import_views, "REVIEW_PAGE", 5)
    client = login("supervisor")
    first = client.get(big.get_absolute_url())
    assert rows(first) == [f"task-{i}" for i in range(5)]
    source = lxml.html.fromstring(first.content).xpath('//*[@data-testid="source"]')[0]
    assert "第5项" in source.text_content() and "第6项" not in source.text_content()
    third = client.get(big.get_absolute_url() + "?page=3")
    assert rows(third) == ["task-10", "task-11"]
    assert "第11项" in third.text and "共3页" in third.text


def test_a_pages_corrections_keep_the_other_pages(big, login, monkeypatch):
    monkeypatch.setattr(import_views, "REVIEW_PAGE", 5)
    client = login("supervisor")
    client.post(
        big.get_absolute_url() + "?page=1", {"task-0-text": "改过的第一项", "task-0-keep": "on"}
    )
    client.post(big.get_absolute_url() + "?page=3", {"task-11-text": "改过的最后一项"})
    big.refresh_from_db()
    assert big.edits["tasks"]["0"]["text"] == "改过的第一项"
    last = big.edits["tasks"]["11"]
    assert (last["skip"], last["text"]) == (True, "改过的最后一项")
