from django.contrib import admin

from mubiao.dashboard.models import BandSetting, Bulletin, RankingSetting, StatusChange


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The history is a record: readable, never edited by hand."""

    list_display = ["as_of", "plan", "indicator", "task", "status_from", "status_to", "correction"]
    list_filter = ["plan", "status_to", "correction"]
    date_hierarchy = "as_of"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BandSetting)
class BandSettingAdmin(admin.ModelAdmin):
    list_display = ["plan", "rule"]
    list_filter = ["plan"]


@admin.register(RankingSetting)
class RankingSettingAdmin(admin.ModelAdmin):
    list_display = ["plan"]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["cycle", "as_of", "created_at", "created_by"]
    readonly_fields = ["code", "summary"]
