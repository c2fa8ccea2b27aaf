from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mubiao.dashboard import actions as dashboard_actions
from mubiao.dashboard import statuses
from mubiao.dashboard.models import (
    BandRevision,
    BandSetting,
    Bulletin,
    RankingSetting,
    StatusCache,
    StatusChange,
)
from mubiao.lib.admin import ReadOnlyAdmin
from mubiao.orgs.admin import OrgUnitAdmin
from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Plan


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


# Bands, the ranking formula and bulletins change through dashboard/actions.py and the
# bulletin's publish (permission, audit row, status store): the admin only shows them.
@admin.register(BandSetting)
class BandSettingAdmin(ReadOnlyAdmin):
    list_display = ["plan", "rule"]
    list_filter = ["plan"]


@admin.register(BandRevision)
class BandRevisionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "rule", "effective_from", "changed_by", "changed_at"]
    list_filter = ["plan"]


@admin.register(RankingSetting)
class RankingSettingAdmin(ReadOnlyAdmin):
    list_display = ["plan"]


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "as_of", "created_at", "created_by"]
    readonly_fields = ["code", "summary"]


@admin.register(StatusCache)
class StatusCacheAdmin(admin.ModelAdmin):
    """The current-status tables: a cache, so read-only; it can be rebuilt for today."""

    list_display = ["plan", "as_of", "version", "refreshed_at", "built_at", "stale"]
    fields = ["plan", "as_of", "version", "built_at", "refreshed_at", "stale", "synthetic"]
    readonly_fields = fields
    actions = ["rebuild_today"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_rebuild_permission(self, request) -> bool:
        """Offered to whoever may see the tables; the action itself lets only the plan's
        supervision office (or a superuser) rebuild, and audits it."""
        return self.has_view_permission(request)

    @admin.action(description=_("Rebuild for today"), permissions=["rebuild"])
    def rebuild_today(self, request, queryset) -> None:
        done, refused = 0, []
        for table in queryset.select_related("plan"):
            try:
                dashboard_actions.rebuild_statuses(request.user, table.plan)
                done += 1
            except PermissionDenied:
                refused.append(table.plan.name)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d table rebuilt.", "%(n)d tables rebuilt.", done) % {"n": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("Only the supervision office may rebuild the plan's statuses: %(plans)s.")
                % {"plans": "、".join(refused)},
                messages.ERROR,
            )


# A unit's names and its place in the tree are in the status rows (the units a row names,
# the standings, the ranking and its counties' table), so saving a unit in the admin
# judges again, inside the admin's transaction, every stored plan it belongs to or
# belonged to before a move. Registered here: orgs imports nothing of the apps above it.
admin.site.unregister(OrgUnit)


@admin.register(OrgUnit)
class JudgedOrgUnitAdmin(OrgUnitAdmin):
    def save_model(self, request, obj, form, change) -> None:
        before = OrgUnit.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            return  # a new unit is in no plan yet
        stored = Plan.objects.filter(pk__in=StatusCache.objects.values("plan")).select_related(
            "issuer"
        )
        for plan in stored.order_by("pk"):
            if before.is_within(plan.issuer) or obj.is_within(plan.issuer):
                statuses.apply(plan, statuses.ALL)
