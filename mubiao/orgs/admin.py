"""Units, memberships and users in the admin.

Who belongs to which unit in which role decides what a person may see and do, so
memberships are read-only here: they change only through the accounts pages' actions
(``orgs/actions.py``: permission, atomic write, audit row). Units stay editable; users'
staff and superuser flags, groups and permissions are a superuser's, and each addition,
change and deletion of a user made here writes an audit row with what it was before and
after, in the admin's own transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.lib.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Membership, OrgUnit, Profile

User = get_user_model()


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ["user", "role", "title"]
    readonly_fields = fields


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "code", "kind", "level", "parent"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Looked at here; given, changed and removed on the accounts pages (audited)."""

    list_display = ["user", "unit", "role", "title"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__name", "unit__short_name"]


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ["user", "phone", "must_change_password", "created_by"]
    search_fields = ["user__username", "user__first_name", "phone"]


def user_state(user: Model) -> dict[str, Any]:
    """What decides a user's rights (never the password hash)."""
    u: Any = user
    return {
        "username": u.get_username(),
        "is_active": u.is_active,
        "is_staff": u.is_staff,
        "is_superuser": u.is_superuser,
        "groups": sorted(u.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{code}"
            for app, code in u.user_permissions.values_list("content_type__app_label", "codename")
        ),
    }


class AuditedUserAdmin(UserAdmin):
    """Django's user admin, with each addition, change and deletion audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        request._mubiao_user_before = user_state(stored) if stored is not None else None  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # groups and permissions
        user = form.instance
        before = getattr(request, "_mubiao_user_before", None)
        after = user_state(user)
        if change and before == after and not form.has_changed():
            return
        record(
            request.user,
            Event.USER_CHANGE if change else Event.USER_ADD,
            f"user:{user.get_username()}",
            before=before,
            after=after,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(
            request.user, Event.USER_DELETE, f"user:{obj.get_username()}", before=user_state(obj)
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            record(
                request.user,
                Event.USER_DELETE,
                f"user:{user.get_username()}",
                before=user_state(user),
            )
        super().delete_queryset(request, queryset)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
