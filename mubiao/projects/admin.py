from django.contrib import admin

from mubiao.dashboard.statuses import JudgedAdmin

from .models import Chain, Project


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "from_source"]
    list_filter = ["plan", "kind"]


@admin.register(Project)
class ProjectAdmin(JudgedAdmin, admin.ModelAdmin):
    list_display = ["name", "category", "county", "lead", "chain", "synthetic"]
    list_filter = ["plan", "category", "synthetic"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["county", "lead"]
