"""Django admin is for service admins only (superusers), whatever is_staff says."""

from types import MethodType


def restrict_admin_to_service_admins(site) -> None:
    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_superuser

    site.has_permission = MethodType(has_permission, site)
    site.site_header = "Care Capacity Tracker admin"
    site.site_title = "Care Capacity Tracker admin"
    site.index_title = "Service administration"
