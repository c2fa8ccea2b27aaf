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


ADMIN_LOGIN = "/admin/login/"


def staff(world, name="fgw"):
    user = world.users[name]
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_admin_login_reads_no_password_and_sends_to_the_main_login(client, world):
    staff(world)
    for _ in range(50):
        response = client.post(
            ADMIN_LOGIN, {"username": "fgw", "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR="10.0.0.1",
        )  # fmt: skip
        assert response.status_code == 302
        assert response.url.startswith(LOGIN + "?next=")
    right = client.post(ADMIN_LOGIN, {"username": "fgw", "password": "pw"}, REMOTE_ADDR="10.0.0.1")
    assert right.status_code == 302 and right.url.startswith(LOGIN)
    # Not logged in: the admin still asks for a login, through the main door.
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/admin/login/" in admin.url
    assert client.get(admin.url).url.startswith(LOGIN + "?next=/admin/")
    assert "_auth_user_id" not in client.session


def test_fifty_wrong_passwords_at_the_main_login_lock_staff_out_of_both_doors(client, world):
    staff(world)
    for _ in range(50):
        attempt(client)
    assert "已被锁定" in attempt(client, password="pw").text
    client.post(ADMIN_LOGIN, {"username": "fgw", "password": "pw"}, REMOTE_ADDR="10.0.0.1")
    assert client.get("/admin/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.failed", target="user:fgw").count() == 5


@override_settings(MUBIAO_LOGIN_MAX_FAILURES_PER_ADDRESS=8)
def test_the_address_lock_holds_at_the_admin_door_too(client, world):
    staff(world, "swj")
    for i in range(8):
        attempt(client, username=f"guess{i}", ip="10.9.9.9")
    client.post(ADMIN_LOGIN, {"username": "swj", "password": "pw"}, REMOTE_ADDR="10.9.9.9")
    assert "_auth_user_id" not in client.session
    assert "已被锁定" in attempt(client, username="swj", password="pw", ip="10.9.9.9").text


def test_staff_reach_the_admin_through_the_main_login(client, world):
    staff(world)
    response = client.post(
        LOGIN, {"username": "fgw", "password": "pw", "next": "/admin/"}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
