"""Supervision in the admin: read-only, since every change belongs to an action."""

from django.contrib import admin

from mubiao.supervision.models import (
    Escalation,
    Feedback,
    Instruction,
    Message,
    Node,
    Notice,
    SupervisionItem,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NodeInline(admin.TabularInline):
    model = Node
    extra = 0
    can_delete = False
    readonly_fields = ("action", "state_from", "state_to", "at", "actor", "comment")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SupervisionItem)
class SupervisionItemAdmin(ReadOnly):
    list_display = (
        "number",
        "title",
        "plan",
        "state",
        "lead_unit",
        "deadline",
        "priority",
        "source",
    )
    list_filter = ("state", "source", "priority", "plan")
    search_fields = ("title", "matter")
    inlines = [NodeInline]


@admin.register(Instruction)
class InstructionAdmin(ReadOnly):
    list_display = ("__str__", "plan", "author", "subject", "urgency", "want", "at", "answered_at")
    list_filter = ("urgency", "want", "plan")


@admin.register(Notice)
class NoticeAdmin(ReadOnly):
    list_display = ("number", "item", "colour", "unit", "issued_on", "answer_by", "answered_at")
    list_filter = ("colour", "automatic")


admin.site.register(Feedback, ReadOnly)
admin.site.register(Escalation, ReadOnly)
admin.site.register(Message, ReadOnly)
