"""Admin pages for what an action owns: visible, never written from the admin.

The plan tree, key projects, bulletins, bands, rankings and API tokens change only through
their actions (``*/actions.py``: permission, atomic write, audit row, status store), so
their admin pages are for looking. So are memberships (the accounts pages give, change and
remove roles, ``orgs/actions.py``); units and users stay editable in the admin, and a
user's edits there are written to the audit trail (``mubiao/orgs/admin.py``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; adding, changing and deleting belong to the actions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
