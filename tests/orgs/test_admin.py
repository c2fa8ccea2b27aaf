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


def test_memberships_are_read_only_in_the_admin(root, world):
    """Roles change on the accounts pages (orgs.actions, audited), never in the admin."""
    fgw = world.users["fgw"]
    assert root.get("/admin/orgs/membership/").status_code == 200
    assert root.get("/admin/orgs/membership/add/").status_code == 403
    root.post(
        "/admin/orgs/membership/add/",
        {"user": fgw.pk, "unit": world.units["swj"].pk, "role": "reporter"},
    )
    m = Membership.objects.get(user=fgw)
    root.post(f"/admin/orgs/membership/{m.pk}/change/",
              {"user": fgw.pk, "unit": m.unit_id, "role": "head", "title": ""})  # fmt: skip
    root.post(f"/admin/orgs/membership/{m.pk}/delete/", {"post": "yes"})
    assert list(Membership.objects.filter(user=fgw).values_list("unit__code", "role")) == [
        ("fgw", "reporter")
    ]
    assert not AuditEntry.objects.filter(action__startswith="membership.").exists()


def test_a_units_admin_page_cannot_change_its_memberships(root, world):
    unit = world.units["swj"]
    m = Membership.objects.get(unit=unit)
    data = {
        "code": unit.code, "name": unit.name, "short_name": unit.short_name,
        "kind": unit.kind, "level": unit.level, "parent": unit.parent_id,
        "aliases": "[]", "order": unit.order,
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": m.pk, "memberships-0-unit": unit.pk,
        "memberships-0-user": m.user_id, "memberships-0-role": "head",
        "memberships-0-title": m.title, "memberships-0-DELETE": "on",
    }  # fmt: skip
    page = root.get(f"/admin/orgs/orgunit/{unit.pk}/change/")
    assert page.status_code == 200 and 'name="memberships-0-role"' not in page.text
    root.post(f"/admin/orgs/orgunit/{unit.pk}/change/", data)
    m.refresh_from_db()
    assert m.role == "reporter"


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
