"""Reminders: due soon, overdue, escalation, the channels, and never twice.

March 2026's cycle is due 04-05 and locks 04-10 (local time).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mubiao import cli
from mubiao.orgs.models import Membership
from mubiao.reporting import actions
from mubiao.reporting.actions import Content
from mubiao.reporting.models import Cycle, Reminder
from mubiao.reporting.reminders import remind_daily, send_reminders


@pytest.fixture(autouse=True)
def only_march(march):
    """Earlier months would be overdue too (rightly); keep the arithmetic to one cycle."""
    Cycle.objects.exclude(pk=march.pk).delete()
    return march


def to_fgw(kind=None, level=None):
    rows = Reminder.objects.filter(report__unit__code="fgw", channel="app")
    if kind:
        rows = rows.filter(kind=kind)
    if level:
        rows = rows.filter(level=level)
    return rows


@pytest.fixture
def fgw_head(world, django_user_model):
    head = django_user_model.objects.create_user("fgw-head", email="head@fgw.example")
    Membership.objects.create(user=head, unit=world.units["fgw"], role=Membership.Role.HEAD)
    return head


@pytest.fixture
def robot(settings):
    """A fake group robot on loopback; returns the list of JSON bodies it received."""
    received, status = [], {"code": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(status["code"])
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MUBIAO_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/robot"
    yield received, status
    server.shutdown()
    server.server_close()


def test_nothing_is_due_a_week_before_the_deadline(world, march, clock):
    clock("2026-03-29")
    assert send_reminders()["app"] == 0


def test_it_reminds_the_reporter_when_due_soon_and_never_twice(world, march, clock):
    clock("2026-04-02")
    first = send_reminders()
    assert to_fgw("due_soon").count() == 2  # t1 and t3
    assert set(to_fgw().values_list("recipient__username", flat=True)) == {"fgw"}
    assert send_reminders()["app"] == 0
    assert Reminder.objects.count() == first["app"]


def test_a_county_department_without_reporters_reaches_the_county(world, march, clock):
    clock("2026-04-02")
    send_reminders()
    got = Reminder.objects.get(report__unit__code="county-agri")
    assert got.recipient == world.users["county"]
    assert "建设高标准农田" in got.message and "2026-04-05" in got.message


def test_it_escalates_to_the_head_then_the_supervisor(world, march, clock, fgw_head):
    clock("2026-04-06")
    send_reminders()
    assert to_fgw("overdue", 1).count() == 2 and not to_fgw(level=2).exists()
    clock("2026-04-08")
    send_reminders()
    assert set(to_fgw(level=2).values_list("recipient__username", flat=True)) == {"fgw-head"}
    assert not to_fgw(level=3).exists()
    clock("2026-04-10")
    send_reminders()
    assert set(to_fgw(level=3).values_list("recipient__username", flat=True)) == {"supervisor"}


def test_a_submitted_report_gets_no_reminder(world, march, clock, slot):
    actions.submit(world.users["fgw"], slot("fgw", "t1"), Content(progress="已报送"))
    clock("2026-04-06")
    send_reminders()
    assert list(to_fgw().values_list("report__task__code", flat=True)) == ["t3"]


def test_it_sends_email_to_people_with_an_address(world, march, clock, fgw_head):
    clock("2026-04-08")
    counts = send_reminders()
    assert counts["email"] == 2  # the head's two overdue reports; fgw has no address
    assert {m.to[0] for m in mail.outbox} == {"head@fgw.example"}
    send_reminders()
    assert len(mail.outbox) == 2


def test_it_posts_to_the_group_robot_once(world, march, clock, robot):
    received, _ = robot
    clock("2026-04-02")
    counts = send_reminders()
    assert counts["webhook"] == len(received) > 0
    assert received[0]["msgtype"] == "text" and "截止" in received[0]["text"]["content"]
    send_reminders()
    assert counts["webhook"] == len(received)


def test_a_failed_robot_is_retried_next_time(world, march, clock, robot):
    received, status = robot
    status["code"] = 500  # the robot answers, but with an error
    clock("2026-04-02")
    counts = send_reminders()
    assert counts["webhook"] == 0 and counts["failed"] > 0
    assert not Reminder.objects.filter(channel="webhook").exists()
    status["code"] = 200
    assert send_reminders()["webhook"] == counts["failed"]
    assert len(received) == 2 * counts["failed"]  # each tried once, then sent once


def test_the_inbox_shows_the_reminders(login, march, clock):
    clock("2026-04-06")
    send_reminders()
    page = login("fgw").get(reverse("reporting:inbox")).content.decode()
    assert "已逾期" in page and "实施重点项目" in page
    assert 'data-testid="reminders"' in page


def test_the_remind_command_and_the_tick_job_send_each_reminder_once(world, march, clock, capsys):
    clock("2026-04-02")
    assert cli.main(["remind"]) == 0
    assert json.loads(capsys.readouterr().out.strip())["app"] > 0
    assert remind_daily(timezone.now()) == 0  # already sent by hand
    assert cli.main(["remind", "--date", "2026-13-01"]) == 1


def test_an_earlier_cycle_left_unreported_is_overdue_too(world, clock):
    from mubiao.reporting.cycles import ensure_cycles

    ensure_cycles(world.plan)
    clock("2026-04-02")
    send_reminders()
    february = Reminder.objects.filter(report__cycle__code="202602", kind="overdue")
    assert february.filter(level=3).exists()  # locked since 03-10: the supervisor hears


def test_the_tick_sends_each_cycles_reminders_once_a_day(world, march, clock, fgw_head):
    from mubiao.lib import tick

    clock("2026-04-06")
    first = tick.run_once(only=["reporting.reminders"])["reporting.reminders"]
    assert first == Reminder.objects.count() > 0
    assert to_fgw("overdue", 1).count() == 2 and not to_fgw(level=2).exists()
    march.refresh_from_db()
    assert march.reminded_on.isoformat() == "2026-04-06"  # claimed for the day
    assert tick.run_once(only=["reporting.reminders"]) == {"reporting.reminders": 0}
    clock("2026-04-08")  # a new day: the heads' level is due
    assert tick.run_once(only=["reporting.reminders"])["reporting.reminders"] > 0
    assert set(to_fgw(level=2).values_list("recipient__username", flat=True)) == {"fgw-head"}
    assert len(mail.outbox) == 2  # the head's two overdue reports, by e-mail once


def test_a_tick_that_fails_gives_the_days_claim_back(world, march, clock, monkeypatch):
    from mubiao.lib import tick
    from mubiao.reporting import reminders

    clock("2026-04-06")

    def broken(today, cycles=None):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(reminders, "send_reminders", broken)
    assert tick.run_once(only=["reporting.reminders"]) == {"reporting.reminders": -1}
    march.refresh_from_db()
    assert march.reminded_on is None  # the next tick tries again
    monkeypatch.undo()
    assert tick.run_once(only=["reporting.reminders"])["reporting.reminders"] > 0
