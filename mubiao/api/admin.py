from django.contrib import admin

from mubiao.lib.admin import ReadOnlyAdmin

from .models import ApiToken, ApiTokenUse


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made and revoked by their owner (api/actions.py, audited)."""

    list_display = ["name", "user", "prefix", "read_only", "created_at", "expires_at", "revoked_at"]
    list_filter = ["read_only"]
    readonly_fields = ["token_hash", "prefix", "last_used_at"]


@admin.register(ApiTokenUse)
class ApiTokenUseAdmin(admin.ModelAdmin):
    list_display = ["at", "token", "method", "path", "ip"]

    def has_change_permission(self, request, obj=None):
        return False
