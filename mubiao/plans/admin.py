"""The plan tree in the admin: read-only (plans/actions.py owns every write)."""

from django.contrib import admin

from mubiao.lib.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Area, Assignment, Document, Frame, Indicator, Milestone, Plan, Task


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    extra = 0
    fk_name = "task"
    autocomplete_fields = ["unit"]
    exclude = ["indicator"]


class IndicatorAssignmentInline(AssignmentInline):
    fk_name = "indicator"
    exclude = ["task"]


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    extra = 0


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "issuer", "year", "status"]
    list_filter = ["status", "year"]
    search_fields = ["name", "code"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "plan", "kind", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["title"]


@admin.register(Frame)
class FrameAdmin(ReadOnlyAdmin):
    list_display = ["name", "plan", "parent", "order"]
    list_filter = ["plan"]


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "plan", "parent", "frame", "order"]
    list_filter = ["plan"]
    search_fields = ["name"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "area", "deadline", "closed_at"]
    list_filter = ["plan", "area"]
    search_fields = ["title", "text", "code"]
    inlines = [AssignmentInline, MilestoneInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "metric", "kind", "comparator", "value", "unit", "headline"]
    list_filter = ["plan", "kind", "headline", "binding"]
    search_fields = ["metric", "code"]
    inlines = [IndicatorAssignmentInline]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["text", "task", "due", "done_at"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["unit", "role", "task", "indicator", "assumed"]
    list_filter = ["role", "assumed"]
    autocomplete_fields = ["unit"]
