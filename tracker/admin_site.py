"""Django admin: for service admins only, and the two read-only shapes every app's admin uses."""

from types import MethodType

from django.contrib import admin


def restrict_admin_to_service_admins(site) -> None:
    """Django admin is for service admins only (superusers), whatever is_staff says."""

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_superuser

    site.has_permission = MethodType(has_permission, site)
    site.site_header = "Care Capacity Tracker admin"
    site.site_title = "Care Capacity Tracker admin"
    site.index_title = "Service administration"


class AppendOnlyAdmin(admin.ModelAdmin):
    """A history or trail: readable here, never added to, changed or deleted."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A history shown under the record it belongs to: read only."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
