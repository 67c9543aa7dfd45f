"""Django admin: for service admins only, and the two read-only shapes every app's admin uses."""

from types import MethodType

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def restrict_admin_to_service_admins(site) -> None:
    """Django admin is for service admins only (superusers), whatever is_staff says.

    django-otp's own admin pages go: they show a person's authenticator key and recovery
    codes and let a second factor be added for someone, so whoever saw them could sign in
    as that person. A second factor is changed by its owner only (accounts/two_factor.py)
    or reset by a service admin (the Users action), and the owner is emailed either way."""
    for device_model in (TOTPDevice, StaticDevice):
        if site.is_registered(device_model):
            site.unregister(device_model)

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
