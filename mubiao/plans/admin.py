from django.contrib import admin

from mubiao.dashboard.statuses import JudgedAdmin

from .models import Area, Assignment, Document, Frame, Indicator, Milestone, Plan, Task


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fk_name = "task"
    autocomplete_fields = ["unit"]
    exclude = ["indicator"]


class IndicatorAssignmentInline(AssignmentInline):
    fk_name = "indicator"
    exclude = ["task"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "issuer", "year", "status"]
    list_filter = ["status", "year"]
    search_fields = ["name", "code"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "kind", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["title"]


@admin.register(Frame)
class FrameAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "parent", "order"]
    list_filter = ["plan"]


@admin.register(Area)
class AreaAdmin(JudgedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "plan", "parent", "frame", "order"]
    list_filter = ["plan"]
    search_fields = ["name"]


@admin.register(Task)
class TaskAdmin(JudgedAdmin, admin.ModelAdmin):
    list_display = ["code", "title", "area", "deadline", "closed_at"]
    list_filter = ["plan", "area"]
    search_fields = ["title", "text", "code"]
    inlines = [AssignmentInline, MilestoneInline]


@admin.register(Indicator)
class IndicatorAdmin(JudgedAdmin, admin.ModelAdmin):
    list_display = ["code", "metric", "kind", "comparator", "value", "unit", "headline"]
    list_filter = ["plan", "kind", "headline", "binding"]
    search_fields = ["metric", "code"]
    inlines = [IndicatorAssignmentInline]


@admin.register(Milestone)
class MilestoneAdmin(JudgedAdmin, admin.ModelAdmin):
    list_display = ["text", "task", "due", "done_at"]


@admin.register(Assignment)
class AssignmentAdmin(JudgedAdmin, admin.ModelAdmin):
    list_display = ["unit", "role", "task", "indicator", "assumed"]
    list_filter = ["role", "assumed"]
    autocomplete_fields = ["unit"]
