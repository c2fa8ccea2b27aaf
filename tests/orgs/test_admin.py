"""The admin: read-only for what an action owns; memberships and users audited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from mubiao.audit.models import AuditEntry
from mubiao.orgs.models import Membership


@pytest.fixture
def root(client, world):
    user = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "plans/plan", "plans/task", "plans/indicator", "plans/milestone", "plans/assignment",
        "plans/area", "projects/project", "dashboard/bandsetting", "dashboard/rankingsetting",
        "dashboard/bulletin", "api/apitoken",
    ],
)  # fmt: skip
def test_what_an_action_owns_is_read_only_in_the_admin(root, world, model):
    assert root.get(f"/admin/{model}/").status_code == 200
    assert root.get(f"/admin/{model}/add/").status_code == 403


def test_a_task_cannot_be_changed_or_deleted_from_the_admin(root, world):
    task = world.plan.tasks.get(code="t1")
    page = root.get(f"/admin/plans/task/{task.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.text
    root.post(f"/admin/plans/task/{task.pk}/change/", {"title": "改过的标题"})
    root.post(f"/admin/plans/task/{task.pk}/delete/", {"post": "yes"})
    task.refresh_from_db()
    assert task.title == "实施重点项目"


def test_a_membership_added_changed_and_removed_in_the_admin_is_audited(root, world):
    fgw = world.users["fgw"]
    response = root.post(
        "/admin/orgs/membership/add/",
        {"user": fgw.pk, "unit": world.units["swj"].pk, "role": "reporter", "title": "兼职"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    m = Membership.objects.get(user=fgw, unit=world.units["swj"])
    added = AuditEntry.objects.get(action="membership.add")
    assert added.target == "membership:fgw@swj"
    assert added.after == {"user": "fgw", "unit": "swj", "role": "reporter", "title": "兼职"}
    root.post(
        f"/admin/orgs/membership/{m.pk}/change/",
        {"user": fgw.pk, "unit": world.units["swj"].pk, "role": "head", "title": "兼职"},
    )
    changed = AuditEntry.objects.get(action="membership.change")
    assert (changed.before["role"], changed.after["role"]) == ("reporter", "head")
    assert changed.actor.username == "root"
    root.post(f"/admin/orgs/membership/{m.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(pk=m.pk).exists()
    removed = AuditEntry.objects.get(action="membership.delete")
    assert removed.before["role"] == "head"


def test_a_membership_removed_in_a_units_page_is_audited(root, world):
    unit = world.units["swj"]
    m = Membership.objects.get(unit=unit)
    data = {
        "code": unit.code, "name": unit.name, "short_name": unit.short_name,
        "kind": unit.kind, "level": unit.level, "parent": unit.parent_id,
        "aliases": "[]", "order": unit.order,
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": m.pk, "memberships-0-unit": unit.pk,
        "memberships-0-user": m.user_id, "memberships-0-role": m.role,
        "memberships-0-title": m.title, "memberships-0-DELETE": "on",
    }  # fmt: skip
    response = root.post(f"/admin/orgs/orgunit/{unit.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors or [
        f.errors for f in response.context["inline_admin_formsets"][0].formset.forms
    ]
    assert not Membership.objects.filter(pk=m.pk).exists()
    entry = AuditEntry.objects.get(action="membership.delete")
    assert entry.target == "membership:swj@swj" and entry.before["role"] == m.role


def test_making_a_user_staff_in_the_admin_is_audited(root, world):
    fgw = world.users["fgw"]
    data = {
        "username": "fgw", "first_name": "", "last_name": "", "email": "",
        "is_active": "on", "is_staff": "on", "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00", "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }  # fmt: skip
    response = root.post(f"/admin/auth/user/{fgw.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="user.change")
    assert entry.target == "user:fgw"
    assert (entry.before["is_staff"], entry.after["is_staff"]) == (False, True)
    assert "password" not in entry.after
