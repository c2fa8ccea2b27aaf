"""The pages: who may open what (a table), and the whole loop through the web forms."""

from __future__ import annotations

import re

import pytest

from mubiao.plans.models import Indicator
from mubiao.supervision import notices
from mubiao.supervision.models import Instruction, SupervisionItem

S = SupervisionItem.State
ROLES = ["supervisor", "leader", "fgw", "swj", "county", "viewer", "outsider", "anonymous"]
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

PAGES = {
    # name: (url template, {persona: status}, default)
    "queue": ("/supervision/demo-2026/", {"outsider": 403, "anonymous": 302}, 200),
    "item": ("/supervision/items/{item}/", {"county": 403, "outsider": 403, "anonymous": 302}, 200),
    "register": ("/supervision/demo-2026/new/?task=t1", {"supervisor": 200, "anonymous": 302}, 403),
    "instruct": ("/supervision/demo-2026/instruct/?indicator=gdp", {"leader": 200, "anonymous": 302}, 403),
    "notice": ("/supervision/notices/{notice}/", {"county": 403, "outsider": 403, "anonymous": 302}, 200),
    "notice docx": ("/supervision/notices/{notice}/docx/", {"county": 403, "outsider": 403, "anonymous": 302}, 200),
}  # fmt: skip


@pytest.mark.parametrize(("page", "persona"), [(p, r) for p in PAGES for r in ROLES])
def test_who_may_open_what(client, world, item_in, clock, page, persona):
    item = item_in(S.IN_PROGRESS)
    clock("2026-04-25")
    notices.generate()
    url, special, default = PAGES[page]
    url = url.format(item=item.code, notice=item.notices.get().code)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    assert client.get(url).status_code == special.get(persona, default)


WRITES = {  # action posted on the item page from its source state: who gets through (302)
    "assign": (S.REGISTERED, {"supervisor"}),
    "acknowledge": (S.ASSIGNED, {"fgw"}),
    "feedback": (S.ACKNOWLEDGED, {"fgw", "swj"}),
    "report": (S.IN_PROGRESS, {"fgw"}),
    "return": (S.REPORTED, {"supervisor"}),
    "close": (S.REPORTED, {"supervisor"}),
    "cancel": (S.IN_PROGRESS, {"supervisor"}),
}


@pytest.mark.parametrize(("action", "persona"), [(a, r) for a in WRITES for r in ROLES])
def test_who_may_post_what(client, world, item_in, action, persona):
    state, allowed = WRITES[action]
    item = item_in(state)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    body = {
        "action": action,
        "lead_unit": "fgw",
        "deadline": "2026-04-20",
        "text": "进展",
        "comment": "意见",
        "reason": "已并入其他事项",
    }
    status = client.post(f"/supervision/items/{item.code}/", body).status_code
    expected = 302 if persona in allowed or persona == "anonymous" else (404 if False else None)
    if persona == "anonymous":
        assert status == 302
    elif persona in allowed:
        assert status == 302
        item.refresh_from_db()
        assert item.state != state or action == "feedback"
    else:
        assert status == 403, (persona, action, expected)


def _state(page) -> str:
    return re.search(r'data-testid="state" data-state="(\w+)"', page.content.decode())[1]


def test_the_loop_through_the_web(client, world, clock):
    """The mayor instructs on a target; the office assigns; the unit acknowledges and
    reports; the office returns once, then closes. Each page says where it stands."""
    client.force_login(world.users["leader"])
    page = client.post("/supervision/demo-2026/instruct/", {"indicator": "gdp", "text": "请抓紧研究提升措施",
                                                            "urgency": "urgent", "want": "item"}, **ZH)  # fmt: skip
    assert page.status_code == 302
    item = Instruction.objects.get().became
    assert list(item.indicators.all()) == [Indicator.objects.get(code="gdp")]

    url = f"/supervision/items/{item.code}/"
    client.force_login(world.users["supervisor"])
    bad = client.post(url, {"action": "assign", "lead_unit": "tjj", "deadline": "2026-03-01"}, **ZH)
    assert bad.status_code == 422
    assert (
        "截止日期不能早于今天" in re.search(r'data-testid="error">([^<]+)', bad.content.decode())[1]
    )
    ok = client.post(url, {"action": "assign", "lead_unit": "tjj", "deadline": "2026-04-20"}, **ZH)
    assert ok.status_code == 302

    tjj = world.users["outsider"]
    from mubiao.orgs.models import Membership

    Membership.objects.create(user=tjj, unit=world.units["tjj"], role="reporter")
    client.force_login(tjj)
    inbox = client.get("/supervision/demo-2026/", **ZH).content.decode()
    acknowledge = re.search(r'data-testid="inbox-to_acknowledge">(.*?)</section>', inbox, re.S)[1]
    assert item.number in acknowledge
    assert client.post(url, {"action": "acknowledge"}).status_code == 302
    assert client.post(url, {"action": "report", "text": "已研究提出五条措施"}).status_code == 302

    client.force_login(world.users["supervisor"])
    queue = client.get("/supervision/demo-2026/", **ZH).content.decode()
    assert item.number in re.search(r'data-testid="queue-to_check">(.*?)</section>', queue, re.S)[1]
    assert client.post(url, {"action": "return", "comment": "措施不够具体"}).status_code == 302
    assert _state(client.get(url)) == "in_progress"

    client.force_login(tjj)
    assert client.post(url, {"action": "report", "text": "已细化到项目"}).status_code == 302
    client.force_login(world.users["supervisor"])
    assert client.post(url, {"action": "close"}).status_code == 302
    page = client.get(url, **ZH)
    assert _state(page) == "closed"
    actions = re.findall(r'data-testid="node" data-action="(\w+)"', page.content.decode())
    assert actions == ["register", "assign", "acknowledge", "report", "return", "report", "close"]

    client.force_login(tjj)
    late = client.post(url, {"action": "feedback", "text": "补充"}, **ZH)
    assert late.status_code in (403, 422)

    client.force_login(world.users["leader"])
    mine = client.get("/supervision/instructions/", **ZH).content.decode()
    assert "已销号" in re.search(r'data-testid="item-state">([^<]+)', mine)[1]


def test_the_dashboard_panel_and_the_one_click_links(client, world, item_in, clock):
    item = item_in(S.IN_PROGRESS)
    clock("2026-04-25")
    notices.generate()
    client.force_login(world.users["supervisor"])
    page = client.get("/monitor/demo-2026/", **ZH).content.decode()
    panel = re.search(r'data-testid="supervision-panel">(.*?)</section>', page, re.S)[1]
    assert re.search(r'data-testid="panel-count-red">.*?<b>1</b></li>', panel, re.S)
    assert item.number in re.search(r'data-testid="panel-oldest">(.*?)</ol>', panel, re.S)[1]
    # the office's one click from a task page and from the shared pages
    task_page = client.get("/plans/demo-2026/tasks/t1/").content.decode()
    assert 'data-testid="raise-item" href="/supervision/demo-2026/new/?task=t1' in task_page
    go = client.get("/supervision/demo-2026/raise/?indicator=gdp&source=red_light")
    assert go.status_code == 302 and go["Location"].startswith("/supervision/demo-2026/new/?")
    form = client.get(go["Location"], **ZH).content.decode()
    assert 'name="indicator" value="gdp"' in form and 'value="red_light" selected' in form
    client.force_login(world.users["leader"])
    go = client.get("/supervision/demo-2026/raise/?task=t1")
    assert go["Location"].startswith("/supervision/demo-2026/instruct/?task=t1")
    client.force_login(world.users["fgw"])
    assert client.get("/supervision/demo-2026/raise/?task=t1").status_code == 403
    assert (
        'data-testid="supervision-panel"' not in client.get("/monitor/demo-2026/").content.decode()
    )
    inbox = client.get("/reporting/", **ZH).content.decode()
    box = re.search(r'data-testid="supervision-inbox">(.*?)</section>', inbox, re.S)[1]
    assert "督办单〔2026〕红字第1号" in box


def test_the_tick_job_is_registered():
    from mubiao.lib import tick

    assert tick.jobs()["supervision.notices"] is notices.generate


def test_mark_all_read_goes_through_the_action_and_is_audited(client, world, item_in):
    from mubiao.audit.models import AuditEntry
    from mubiao.supervision.models import Message

    item = item_in(S.ASSIGNED)  # the assignment told fgw and swj in the app
    fgw, swj = world.users["fgw"], world.users["swj"]
    assert Message.objects.filter(recipient=fgw, channel="app", read_at__isnull=True).count() == 1
    client.force_login(fgw)
    inbox = client.get("/reporting/").content.decode()
    assert (
        item.number in re.search(r'data-testid="supervision-inbox">(.*?)</section>', inbox, re.S)[1]
    )
    done = client.post("/supervision/messages/read/", {"next": "/reporting/"})
    assert done.status_code == 302 and done["Location"] == "/reporting/"
    assert not Message.objects.filter(recipient=fgw, read_at__isnull=True).exists()
    assert Message.objects.filter(recipient=swj, read_at__isnull=True).count() == 1  # not theirs
    entry = AuditEntry.objects.get(action="supervision.messages_read")
    assert entry.actor == fgw and entry.after["read"] == 1
    # nothing left to mark: no second row; a foreign "next" is not followed
    again = client.post("/supervision/messages/read/", {"next": "https://example.com/"})
    assert again["Location"] == "/supervision/"
    assert AuditEntry.objects.filter(action="supervision.messages_read").count() == 1
    assert client.get("/supervision/messages/read/").status_code == 405


def test_cancelling_on_the_item_page_shows_in_its_history(client, world, item_in):
    item = item_in(S.ACKNOWLEDGED)
    url = f"/supervision/items/{item.code}/"
    client.force_login(world.users["supervisor"])
    assert 'data-testid="cancel-form"' in client.get(url).content.decode()
    bad = client.post(url, {"action": "cancel", "reason": ""}, **ZH)
    assert bad.status_code == 422
    assert "撤销原因" in re.search(r'data-testid="error">([^<]+)', bad.content.decode())[1]
    assert client.post(url, {"action": "cancel", "reason": "已并入其他事项"}).status_code == 302
    page = client.get(url, **ZH).content.decode()
    assert _state(client.get(url)) == "cancelled"
    assert re.findall(r'data-testid="node" data-action="(\w+)"', page)[-1] == "cancel"
    assert "已并入其他事项" in page and 'data-testid="cancel-form"' not in page
    client.force_login(world.users["fgw"])
    assert 'data-testid="cancel-form"' not in client.get(url).content.decode()
    inbox = client.get("/supervision/demo-2026/").content.decode()
    assert item.number not in inbox


def test_an_item_and_an_instruction_from_a_report_and_a_key_project(client, world, slot):
    from tests.projects.conftest import make_project

    report, project = slot("fgw", "t1"), make_project(world)
    client.force_login(world.users["supervisor"])
    page = client.get(f"/reporting/r/{report.code}/").content.decode()
    href = re.search(r'data-testid="raise-item" href="([^"]+)"', page)[1].replace("&amp;", "&")
    form = client.get(href, **ZH).content.decode()
    assert f'name="report" value="{report.code}"' in form
    made = client.post(href.split("?")[0], {"report": str(report.code), "title": "催报", "matter": "请按时报送",
                                            "source": "overdue_report"})  # fmt: skip
    assert made.status_code == 302
    item = SupervisionItem.objects.get(title="催报")
    assert list(item.reports.all()) == [report] and item.source == "overdue_report"
    shown = client.get(made["Location"]).content.decode()
    assert f'href="/reporting/r/{report.code}/"' in shown

    client.force_login(world.users["leader"])
    page = client.get(f"/plans/demo-2026/projects/{project.code}/").content.decode()
    href = re.search(r'data-testid="instruct-link" href="([^"]+)"', page)[1].replace("&amp;", "&")
    assert client.get(href).status_code == 200
    sent = client.post(
        href.split("?")[0], {"project": project.code, "text": "请加快项目进度", "want": "item"}
    )
    assert sent.status_code == 302
    instruction = Instruction.objects.get(project=project)
    assert list(instruction.became.projects.all()) == [project]
    assert instruction.became.title == project.name
    # the shared raise link forwards a report or a project too
    go = client.get(f"/supervision/demo-2026/raise/?project={project.code}")
    assert go["Location"] == f"/supervision/demo-2026/instruct/?project={project.code}"
