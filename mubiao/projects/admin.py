"""Key projects in the admin: read-only (the library changes through projects/actions.py)."""

from django.contrib import admin

from mubiao.lib.admin import ReadOnlyAdmin

from .models import Chain, Project


@admin.register(Chain)
class ChainAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "parent", "from_source"]
    list_filter = ["plan", "kind"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "county", "lead", "chain", "synthetic"]
    list_filter = ["plan", "category", "synthetic"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["county", "lead"]
