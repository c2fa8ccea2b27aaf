"""Units, memberships and users in the admin: editable, and every change audited.

Who belongs to which unit in which role decides what a person may see and do, so each
change made here (a membership added, changed or removed, directly or in a unit's
page; a user added, changed or deleted, with their staff and superuser flags, groups and
permissions) writes an audit row with what it was before and after, in the admin's own
transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from mubiao.audit.events import Event
from mubiao.audit.models import record

from .models import Membership, OrgUnit

User = get_user_model()


def membership_state(m: Membership) -> dict[str, Any]:
    return {"user": m.user.get_username(), "unit": m.unit.code, "role": m.role, "title": m.title}


def membership_target(m: Membership) -> str:
    return f"membership:{m.user.get_username()}@{m.unit.code}"


def _stored_membership(pk: Any) -> dict[str, Any] | None:
    found = Membership.objects.select_related("user", "unit").filter(pk=pk).first()
    return membership_state(found) if found is not None else None


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "code", "kind", "level", "parent"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "short_name", "code"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        before = {
            f.instance.pk: _stored_membership(f.instance.pk) for f in formset.forms if f.instance.pk
        }
        deleted = {
            f.instance.pk: (membership_target(f.instance), before.get(f.instance.pk))
            for f in formset.deleted_forms
            if f.instance.pk
        }
        super().save_formset(request, form, formset, change)
        for target, state in deleted.values():
            record(request.user, Event.MEMBERSHIP_DELETE, target, before=state)
        for m in formset.new_objects:
            record(
                request.user, Event.MEMBERSHIP_ADD, membership_target(m), after=membership_state(m)
            )
        for m, _fields in formset.changed_objects:
            record(
                request.user, Event.MEMBERSHIP_CHANGE, membership_target(m),
                before=before.get(m.pk), after=membership_state(m),
            )  # fmt: skip


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "title"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__short_name"]
    autocomplete_fields = ["user", "unit"]

    def save_model(
        self, request: HttpRequest, obj: Membership, form: ModelForm, change: bool
    ) -> None:
        before = _stored_membership(obj.pk) if change else None
        super().save_model(request, obj, form, change)
        record(
            request.user,
            Event.MEMBERSHIP_CHANGE if change else Event.MEMBERSHIP_ADD,
            membership_target(obj),
            before=before,
            after=membership_state(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        record(
            request.user,
            Event.MEMBERSHIP_DELETE,
            membership_target(obj),
            before=membership_state(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for m in queryset.select_related("user", "unit"):
            record(
                request.user,
                Event.MEMBERSHIP_DELETE,
                membership_target(m),
                before=membership_state(m),
            )
        super().delete_queryset(request, queryset)


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
