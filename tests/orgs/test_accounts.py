"""Accounts kept by the office and unit heads: creating, resetting, deactivating, roles,
lists from Excel, and the first login's forced password change."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from openpyxl import Workbook, load_workbook

from mubiao.audit.models import AuditEntry
from mubiao.orgs import actions
from mubiao.orgs.accounts_excel import HEADER
from mubiao.orgs.models import Membership, Profile

User = get_user_model()
NEW = {"unit": "county", "role": "reporter", "username": "lisi", "full_name": "李四",
       "phone": "13800000001", "email": "", "title": "县政府办科员"}  # fmt: skip


def shown_password(response) -> str:
    return re.search(r'data-testid="shown-password">([^<]+)<', response.text).group(1)


@pytest.fixture
def head(world):
    """The county government's head: keeps the county's reporters, nobody else."""
    user = User.objects.create_user("county-head", password="pw", first_name="县办主任")
    Membership.objects.create(user=user, unit=world.units["county"], role=Membership.Role.HEAD)
    return user


def test_the_office_creates_a_reporter_who_must_change_the_password_first(client, world):
    client.force_login(world.users["supervisor"])
    response = client.post("/people/new/", NEW)
    assert response.status_code == 200, response.text[:3000]
    assert "no-store" in response["Cache-Control"]
    password = shown_password(response)
    person = User.objects.get(username="lisi")
    assert person.first_name == "李四" and person.profile.phone == "13800000001"
    assert person.profile.must_change_password and person.check_password(password)
    assert Membership.objects.get(user=person).unit == world.units["county"]
    assert {e.action for e in AuditEntry.objects.filter(actor=world.users["supervisor"])} == {
        "user.add", "membership.add"}  # fmt: skip
    assert password not in str(list(AuditEntry.objects.values("before", "after", "note")))

    client.logout()
    login = client.post("/accounts/login/", {"username": "lisi", "password": password})
    assert login.status_code == 302
    for path in ("/", "/plans/demo-2026/tasks/t4/", "/reporting/", "/people/"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.url.startswith("/accounts/password/"), path
    assert client.get("/api/v1/plans/demo-2026").status_code == 403
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and 'data-testid="forced"' in page.text
    weak = client.post("/accounts/password/", {"new_password1": "1234", "new_password2": "1234"})
    assert weak.status_code == 400 and "密码" in weak.text
    assert client.get("/").status_code == 302
    done = client.post(
        "/accounts/password/",
        {"new_password1": "Wancheng-2026!", "new_password2": "Wancheng-2026!"},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Wancheng-2026!") and not person.profile.must_change_password
    assert client.get("/plans/demo-2026/tasks/t4/").status_code == 200
    assert AuditEntry.objects.filter(action="user.set_password", target="user:lisi").exists()


def test_a_new_account_is_refused_with_every_problem_and_nothing_saved(client, world):
    client.force_login(world.users["supervisor"])
    bad = {**NEW, "username": "fgw", "full_name": "", "phone": "电话", "email": "x@"}
    response = client.post("/people/new/", bad)
    assert response.status_code == 400
    for words in ("已被使用", "姓名", "不是电话号码", "不是电子邮箱地址"):
        assert words in response.text, words
    assert not User.objects.filter(first_name="李四").exists()
    assert not AuditEntry.objects.exists()


def test_a_unit_head_keeps_their_own_subtrees_reporters_only(client, world, head):
    client.force_login(head)
    assert client.get("/people/").status_code == 200
    made = client.post("/people/new/", {**NEW, "unit": "county-agri", "username": "nongye"})
    assert made.status_code == 200
    assert Membership.objects.get(user__username="nongye").role == "reporter"
    # Not another role, not outside the subtree.
    assert client.post("/people/new/", {**NEW, "role": "supervisor"}).status_code == 400
    assert client.post("/people/new/", {**NEW, "unit": "fgw"}).status_code == 403
    assert not User.objects.filter(username="lisi").exists()
    # The county's reporter: kept. The city's reporters and the office: not even seen.
    assert client.get("/people/county/").status_code == 200
    assert client.post("/people/county/reset/", {"mode": "temporary"}).status_code == 200
    for other in ("fgw", "supervisor"):
        assert client.get(f"/people/{other}/").status_code == 403
        assert client.post(f"/people/{other}/reset/").status_code == 403
    listed = client.get("/people/").text
    assert "county" in listed and 'data-login="fgw"' not in listed


def test_a_head_cannot_reset_a_reporter_who_also_holds_a_role_elsewhere(client, world, head):
    county = world.users["county"]
    Membership.objects.create(user=county, unit=world.units["office"], role="supervisor")
    client.force_login(head)
    assert client.post("/people/county/reset/").status_code == 403
    assert client.post("/people/county/active/", {"active": "0"}).status_code == 403
    county.refresh_from_db()
    assert county.is_active and county.check_password("pw")


def test_no_one_resets_their_own_or_a_staff_account_here(client, world):
    office = world.users["supervisor"]
    client.force_login(office)
    assert client.post("/people/supervisor/reset/").status_code == 403
    fgw = world.users["fgw"]
    fgw.is_staff = True
    fgw.save()
    assert client.post("/people/fgw/reset/").status_code == 403
    fgw.refresh_from_db()
    assert fgw.check_password("pw")


def test_a_temporary_password_replaces_the_old_one_and_ends_the_sessions(client, world):
    from django.test import Client

    fgw_browser = Client()
    fgw_browser.force_login(world.users["fgw"])
    assert fgw_browser.get("/").status_code == 200
    client.force_login(world.users["supervisor"])
    response = client.post("/people/fgw/reset/", {"mode": "temporary"})
    password = shown_password(response)
    assert "no-store" in response["Cache-Control"]
    assert fgw_browser.get("/").status_code == 302  # logged out
    fgw = User.objects.get(username="fgw")
    assert not fgw.check_password("pw") and fgw.check_password(password)
    assert fgw.profile.must_change_password
    assert AuditEntry.objects.filter(action="user.reset_password", target="user:fgw").exists()


def test_a_one_time_link_works_once(client, world):
    client.force_login(world.users["supervisor"])
    response = client.post("/people/fgw/reset/", {"mode": "link"})
    link = re.search(r'data-testid="shown-link">http://testserver([^<]+)<', response.text)[1]
    assert not User.objects.get(username="fgw").has_usable_password()
    visitor = type(client)()
    page = visitor.get(link, follow=True)
    assert page.status_code == 200 and "new_password1" in page.text
    form_url = page.redirect_chain[-1][0]
    saved = visitor.post(
        form_url, {"new_password1": "Fgw-own-2026!", "new_password2": "Fgw-own-2026!"}
    )
    assert saved.status_code == 302 and saved.url == "/accounts/login/"
    fgw = User.objects.get(username="fgw")
    assert fgw.check_password("Fgw-own-2026!") and not fgw.profile.must_change_password
    again = type(client)().get(link, follow=True)
    assert 'data-testid="bad-link"' in again.text
    assert AuditEntry.objects.filter(action="user.reset_link").count() == 1
    assert AuditEntry.objects.filter(action="user.set_password", actor=fgw).count() == 1


def test_deactivate_and_reactivate(client, world):
    from django.test import Client

    swj = Client()
    swj.force_login(world.users["swj"])
    client.force_login(world.users["supervisor"])
    client.post("/people/swj/active/", {"active": "0"})
    assert swj.get("/").status_code == 302
    assert not Client().login(username="swj", password="pw")
    state = AuditEntry.objects.get(action="user.deactivate", target="user:swj")
    assert (state.before["is_active"], state.after["is_active"]) == (True, False)
    client.post("/people/swj/active/", {"active": "1"})
    assert Client().login(username="swj", password="pw")
    assert AuditEntry.objects.filter(action="user.reactivate").count() == 1


def test_roles_are_given_changed_and_removed_with_audit_rows(client, world):
    client.force_login(world.users["supervisor"])
    client.post("/people/fgw/roles/", {"unit": "tjj", "role": "reporter", "title": "兼"})
    m = Membership.objects.get(user__username="fgw", unit__code="tjj")
    added = AuditEntry.objects.get(action="membership.add")
    assert added.target == "membership:fgw@tjj" and added.after["title"] == "兼"
    client.post("/people/fgw/roles/tjj/reporter/", {"role": "head", "title": "兼"})
    changed = AuditEntry.objects.get(action="membership.change")
    assert (changed.before["role"], changed.after["role"]) == ("reporter", "head")
    client.post("/people/fgw/roles/tjj/head/", {"remove": "1"})
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert AuditEntry.objects.get(action="membership.delete").before["role"] == "head"
    # The last role stays: deactivate instead.
    response = client.post("/people/fgw/roles/fgw/reporter/", {"remove": "1"}, follow=True)
    assert "停用" in response.text
    assert Membership.objects.filter(user__username="fgw").count() == 1
    page = client.get("/people/fgw/")
    assert page.status_code == 200 and page.text.count('data-testid="role-row"') == 1


def _sheet(rows, header=HEADER) -> io.BytesIO:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "accounts.xlsx"
    return data


def test_the_template_names_the_units_and_roles(client, world, head):
    client.force_login(head)
    response = client.get("/people/bulk/template.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["账号"][1]] == HEADER
    listed = {row[0] for row in book["说明"].iter_rows(values_only=True)}
    assert {"示范县", "县农业农村局", "填报员"} <= listed and "市发展改革委" not in listed


def test_a_list_with_problems_creates_nothing_and_says_where(client, world, head):
    client.force_login(head)
    rows = [
        ["示范县", "zhang", "张三", "13800000002", "填报员", "", ""],
        ["市发展改革委", "wang", "王五", "", "填报员", "", ""],
        ["示范县", "zhang", "", "abc", "督查人员", "", ""],
        ["县农业农村局", "fgw", "赵六", "", "reporter", "", ""],
    ]
    response = client.post("/people/bulk/", {"file": _sheet(rows)})
    assert response.status_code == 400
    problems = re.findall(
        r'data-testid="problem"><td class="num">(\d+)</td><td>([^<]+)</td>', response.text
    )
    assert ("3", "单位") in problems  # not a unit the head keeps
    assert ("4", "登录名") in problems  # repeats row 2
    assert ("5", "登录名") in problems  # taken
    assert not User.objects.filter(username__in=["zhang", "wang"]).exists()
    assert not AuditEntry.objects.exists()


def test_a_good_list_creates_all_and_the_passwords_download_once(client, world):
    client.force_login(world.users["supervisor"])
    rows = [
        ["示范县", "zhang", "张三", 13800000002, "填报员", "科员", ""],
        ["county-agri", "nong", "农六", "", "unit head", "", "nong@example.cn"],
    ]
    response = client.post("/people/bulk/", {"file": _sheet(rows)})
    assert response.status_code == 200, response.text[-3000:]
    assert response.text.count('data-testid="created-row"') == 2
    zhang = User.objects.get(username="zhang")
    assert zhang.profile.phone == "13800000002" and zhang.profile.must_change_password
    assert Membership.objects.get(user__username="nong").role == "head"
    key = re.search(r'name="key" value="([^"]+)"', response.text)[1]
    download = client.post("/people/bulk/passwords.xlsx", {"key": key})
    sheet = load_workbook(io.BytesIO(download.content)).active
    got = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert zhang.check_password(got["zhang"])
    again = client.post("/people/bulk/passwords.xlsx", {"key": key})
    assert again.status_code == 302
    assert AuditEntry.objects.get(action="users.import").after == {"accounts": ["zhang", "nong"]}


def test_an_empty_or_wrong_file_is_told(client, world):
    client.force_login(world.users["supervisor"])
    wrong = io.BytesIO(b"not a workbook")
    wrong.name = "x.xlsx"
    assert "不是Excel" in client.post("/people/bulk/", {"file": wrong}).text
    empty = client.post("/people/bulk/", {"file": _sheet([])})
    assert empty.status_code == 400 and "没有账号" in empty.text
    header = client.post("/people/bulk/", {"file": _sheet([], header=["姓名"])})
    assert "表头" in header.text


def test_the_list_page_has_an_empty_state_and_the_nav_link(client, world):
    client.force_login(world.users["supervisor"])
    page = client.get("/people/?q=nobody-here")
    assert 'data-testid="no-accounts"' in page.text and 'data-testid="nav-accounts"' in page.text
    client.force_login(world.users["fgw"])
    assert 'data-testid="nav-accounts"' not in client.get("/").text


def test_a_temporary_password_passes_the_validators():
    from django.contrib.auth.password_validation import validate_password

    for _i in range(50):
        validate_password(actions.temporary_password())


def test_profiles_are_read_only_in_the_admin(client, world):
    root = User.objects.create_superuser("root", password="pw")
    client.force_login(root)
    Profile.objects.create(user=world.users["fgw"])
    assert client.get("/admin/orgs/profile/").status_code == 200
    assert client.get("/admin/orgs/profile/add/").status_code == 403


def _bearer(token: str) -> int:
    from django.test import Client

    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


@pytest.mark.parametrize("mode", ["temporary", "link"])
def test_a_password_reset_revokes_the_persons_api_tokens(client, world, mode):
    from mubiao.api.actions import create_token

    fgw = world.users["fgw"]
    token, raw = create_token(fgw, name="统计平台", read_only=True)
    assert _bearer(raw) == 200
    client.force_login(world.users["supervisor"])
    client.post("/people/fgw/reset/", {"mode": mode})
    actions.set_own_password(User.objects.get(pk=fgw.pk), "Fgw-own-2026!")  # back in business
    token.refresh_from_db()
    assert token.revoked_at is not None and _bearer(raw) == 401
    row = AuditEntry.objects.get(action="token.revoke", target=f"token:{token.prefix}")
    assert row.actor == world.users["supervisor"] and row.note == "password reset"


def test_deactivation_revokes_the_persons_api_tokens_for_good(client, world):
    from mubiao.api.actions import create_token

    token, raw = create_token(world.users["swj"], name="大屏", read_only=True)
    _, other_raw = create_token(world.users["fgw"], name="大屏", read_only=True)
    client.force_login(world.users["supervisor"])
    client.post("/people/swj/active/", {"active": "0"})
    client.post("/people/swj/active/", {"active": "1"})
    token.refresh_from_db()
    assert token.revoked_at is not None and _bearer(raw) == 401
    assert _bearer(other_raw) == 200  # nobody else's token is touched
