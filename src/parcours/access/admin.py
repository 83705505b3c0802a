from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from parcours.access.models import ApiToken, AuditEvent, Membership, TwoFactorRequirement, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["organisation", "establishment", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active"]


@admin.register(TwoFactorRequirement)
class TwoFactorRequirementAdmin(admin.ModelAdmin):
    list_display = ["role", "required"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "otp_verified",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["prefix", "key_hash", "user", "created_at", "last_used_at", "otp_verified"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log can be browsed, never edited nor deleted."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "person_id", "ip"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
