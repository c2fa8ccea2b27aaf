"""Three-colour notices: the rules at their boundaries (frozen clock), idempotent runs,
hand-issued notices, answers, escalation and the Word file."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mubiao.audit.events import Event
from mubiao.audit.models import AuditEntry
from mubiao.supervision import actions, notices, workflow
from mubiao.supervision.models import Message, Notice, SupervisionItem

S = SupervisionItem.State


def colours(item) -> list[str]:
    return sorted(item.notices.values_list("colour", flat=True))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-04-16", []),  # 4 days before the deadline: outside the 3-day window
        ("2026-04-17", ["blue"]),  # 3 days before: inside
        ("2026-04-20", ["blue"]),  # the deadline day itself: due, not overdue
        ("2026-04-21", ["red"]),  # the day after: overdue
    ],
)
def test_blue_and_red_at_their_boundaries(world, item_in, clock, day, expected):
    item = item_in(S.ACKNOWLEDGED)
    clock(day)
    notices.generate()
    assert colours(item) == expected


def test_blue_follows_the_plans_own_warning_window(world, item_in, clock):
    """The same 临近 as the reports': a plan that warns 7 days ahead warns for items too."""
    world.plan.warning_days = 7
    world.plan.save(update_fields=["warning_days"])
    item = item_in(S.ACKNOWLEDGED)
    clock("2026-04-13")  # 7 days before the deadline
    notices.generate()
    assert colours(item) == ["blue"]


def test_yellow_when_a_target_it_concerns_is_behind(world, item_in, clock):
    """The monitor judges the linked target: nothing reported by a date when progress was
    expected → behind → yellow; the same item without the link gets none."""
    from mubiao.dashboard.status import compute
    from mubiao.plans.models import Indicator

    ind = Indicator.objects.get(plan=world.plan, code="investment")
    linked = item_in(S.ACKNOWLEDGED, deadline=dt.date(2026, 12, 31), indicators=[ind])
    plain = item_in(S.ACKNOWLEDGED, deadline=dt.date(2026, 12, 31))
    clock("2026-07-15")
    status = compute(world.plan, dt.date(2026, 7, 15), Indicator.objects.filter(pk=ind.pk),
                     world.plan.tasks.none()).indicator_judgements[ind.pk].status  # fmt: skip
    assert str(status) in ("yellow", "red")
    notices.generate()
    assert colours(linked) == ["yellow"]
    assert colours(plain) == []


def test_yellow_reads_the_status_store_when_it_holds_the_day(world, item_in, clock):
    """The notices say what the pages say: with the plan's store judged for the day (as
    ``mubiao tick`` leaves it before this job), "behind" is the store's light."""
    from mubiao.dashboard import statuses
    from mubiao.dashboard.models import CurrentStatus
    from mubiao.plans.models import Indicator

    ind = Indicator.objects.get(plan=world.plan, code="investment")
    linked = item_in(S.ACKNOWLEDGED, deadline=dt.date(2026, 12, 31), indicators=[ind])
    clock("2026-07-15")
    statuses.rebuild(world.plan)
    row = CurrentStatus.objects.get(plan=world.plan, indicator=ind)
    assert row.status in notices.BEHIND  # nothing reported: behind, as judged above
    CurrentStatus.objects.filter(pk=row.pk).update(status="green")  # the store says on track
    notices.generate()
    assert colours(linked) == []  # the store's light, not a second judgement
    CurrentStatus.objects.filter(pk=row.pk).update(status="red")
    notices.generate()
    assert colours(linked) == ["yellow"]


def test_a_second_run_makes_no_duplicate(world, item_in, clock):
    item = item_in(S.IN_PROGRESS)
    clock("2026-04-18")
    assert notices.generate() == 1
    assert notices.generate() == 0
    clock("2026-04-25")
    assert notices.generate() == 1  # red now
    assert notices.generate() == 0
    assert colours(item) == ["blue", "red"]
    reds = Notice.objects.filter(colour="red")
    assert [n.number for n in reds] == ["督办单〔2026〕红字第1号"]


def test_the_unique_constraint_holds_against_a_racing_run(world, item_in, clock):
    from django.db import IntegrityError, transaction

    item = item_in(S.IN_PROGRESS)
    clock("2026-04-25")
    notices.generate()
    with pytest.raises(IntegrityError), transaction.atomic():
        actions.create_notice(None, item, "red", "again", dt.date(2026, 4, 28), automatic=True)


def test_no_notice_once_reported_or_closed(world, item_in, clock):
    reported = item_in(S.REPORTED)
    closed = item_in(S.CLOSED)
    clock("2026-04-25")
    notices.generate()
    assert colours(reported) == [] and colours(closed) == []


def test_the_unit_is_told_and_answers(world, item_in, clock):
    item = item_in(S.IN_PROGRESS)
    clock("2026-04-25")
    notices.generate()
    notice = item.notices.get()
    assert notice.answer_by == dt.date(2026, 4, 28)
    told = Message.objects.filter(key=f"notice:{notice.code}", channel="app")
    assert {m.recipient.username for m in told} == {"fgw"}
    with pytest.raises(PermissionDenied):
        actions.answer_notice(world.users["swj"], notice, "我们来答")
    with pytest.raises(ValidationError):
        actions.answer_notice(world.users["fgw"], notice, " ")
    actions.answer_notice(world.users["fgw"], notice, "已加派人手，4月30日前完成")
    notice.refresh_from_db()
    assert notice.answered_at and notice.read_at
    with pytest.raises(ValidationError, match="answered already"):
        actions.answer_notice(world.users["fgw"], notice, "再答一次")


def test_an_item_and_its_notice_are_late_from_the_day_after_their_dates(
    client, world, item_in, clock
):
    """The item's deadline and the notice's answer-by date pass as every deadline does
    (``monitor.deadlines.is_past``): on the date itself, in time; the day after, late."""
    item = item_in(S.IN_PROGRESS)
    assert not workflow.is_overdue(item, dt.date(2026, 4, 20))
    assert workflow.is_overdue(item, dt.date(2026, 4, 21))
    clock("2026-04-25")
    notices.generate()
    notice = item.notices.get()

    def tagged_late() -> bool:
        client.force_login(world.users["fgw"])  # a session lasts a working day
        page = client.get("/supervision/demo-2026/").content.decode()
        line = re.search(rf"<li>(?:(?!</li>).)*?{re.escape(notice.number)}.*?</li>", page, re.S)
        assert line is not None, "the open notice is not listed"
        return 'class="error"' in line[0]

    clock(notice.answer_by.isoformat())
    assert not tagged_late()
    clock((notice.answer_by + dt.timedelta(days=1)).isoformat())
    assert tagged_late()
    actions.answer_notice(world.users["fgw"], notice, "已完成")
    answered = AuditEntry.objects.filter(action=Event.NOTICE_ANSWER).latest("pk")
    assert answered.after["late"] is True


def test_the_office_issues_one_by_hand_and_records_escalation(world, item_in, clock):
    item = item_in(S.ACKNOWLEDGED)
    sup = world.users["supervisor"]
    with pytest.raises(PermissionDenied):
        actions.issue_notice(world.users["leader"], item, "yellow", "进度滞后", dt.date(2026, 4, 5))
    with pytest.raises(ValidationError, match="answer by"):
        actions.issue_notice(sup, item, "yellow", "进度滞后", dt.date(2026, 3, 5))
    n1 = actions.issue_notice(sup, item, "yellow", "进度滞后", dt.date(2026, 4, 5))
    n2 = actions.issue_notice(sup, item, "yellow", "仍然滞后", dt.date(2026, 4, 8))
    assert (n1.serial, n2.serial) == (1, 2) and not n1.automatic
    with pytest.raises(ValidationError, match="taken place"):
        actions.escalate(sup, item, "interview", dt.date(2026, 4, 9), "约谈主要负责人")
    e = actions.escalate(
        sup, item, "interview", dt.date(2026, 4, 1), "约谈分管负责同志，承诺月底完成"
    )
    assert item.escalations.get() == e
    with pytest.raises(PermissionDenied):
        actions.escalate(world.users["fgw"], item, "listed", dt.date(2026, 4, 1), "挂牌")


def test_the_word_file_is_a4_with_east_asian_fonts(world, item_in, clock):
    item = item_in(S.IN_PROGRESS)
    clock("2026-04-25")
    notices.generate()
    data = notices.render_docx(item.notices.get())
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'w:w="11906"' in xml and 'w:h="16838"' in xml  # A4 in twentieths of a point
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml
    assert "红色督办单" in xml and "督办单〔2026〕红字第1号" in xml
    assert "请于2026年4月28日前书面反馈" in xml


def test_the_bulletin_section(world, item_in, clock):
    """督办事项办理情况 as of a day: counts what had happened by then, lists the overdue."""
    from docx import Document

    from mubiao.dashboard import bulletin
    from mubiao.reporting.cycles import ensure_cycles
    from mubiao.supervision.bulletin import paragraphs

    closed = item_in(S.CLOSED)
    late = item_in(S.IN_PROGRESS)
    clock("2026-04-25")
    notices.generate()
    lines = paragraphs(world.plan, dt.date(2026, 4, 25))
    assert lines[0].startswith(
        "截至2026年4月25日，共立项督办事项2项，已办结1项（其中按期办结1项），在办1项，逾期未办结1项"
    )
    assert "红色1份" in lines[0]
    assert (
        lines[1]
        == f"{late.number}“推进重点项目”（市发展改革委）：办理时限2026年4月20日，已逾期5天。"
    )
    assert paragraphs(world.plan, dt.date(2026, 3, 31)) == []  # nothing registered yet then
    assert closed.number not in "".join(lines[1:])
    cycle = ensure_cycles(world.plan, "month")[2]
    made = bulletin.publish(world.users["supervisor"], cycle, dt.date(2026, 4, 25))
    text = [p.text for p in Document(made.file.open("rb")).paragraphs]
    assert "五、督办事项办理情况" in text and lines[1] in text
