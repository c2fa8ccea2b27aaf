"""Logging in: wrong passwords are explained, repeated failures lock the name, all audited."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from mubiao.audit.models import AuditEntry

LOGIN = "/accounts/login/"


def attempt(client, username="fgw", password="wrong", ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_logs_in_with_the_right_password(client, world):
    response = attempt(client, password="pw")
    assert response.status_code == 302


def test_five_failures_lock_the_name_even_with_the_right_password(client, world):
    for _ in range(5):
        assert "登录名或密码错误" in attempt(client).text
    locked = attempt(client, password="pw")
    assert locked.status_code == 200
    assert "已被锁定" in locked.text and "15" in locked.text
    assert AuditEntry.objects.filter(action="login.failed", target="user:fgw").count() == 5
    assert AuditEntry.objects.filter(action="login.locked", target="user:fgw").count() == 1


def test_the_lock_lifts_after_its_window(client, world):
    start = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client)
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert attempt(client, password="pw").status_code == 302


def test_a_lock_on_one_name_leaves_others_alone(client, world):
    for _ in range(5):
        attempt(client, username="fgw")
    assert attempt(client, username="swj", password="pw").status_code == 302


@override_settings(MUBIAO_LOGIN_MAX_FAILURES_PER_ADDRESS=8)
def test_an_address_guessing_many_names_is_locked(client, world):
    for i in range(8):
        attempt(client, username=f"guess{i}", ip="10.9.9.9")
    assert "已被锁定" in attempt(client, username="swj", password="pw", ip="10.9.9.9").text
    assert attempt(client, username="swj", password="pw", ip="10.1.1.1").status_code == 302
