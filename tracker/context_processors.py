from django.conf import settings
from django.urls import reverse

from tracker.roles import roles_for

# (label, url name, who sees it), in header order.
NAVIGATION = [
    ("Find a bed", "search:search", lambda roles: roles.can_search),
    ("Shortlist", "search:shortlist", lambda roles: roles.can_search),
    ("Area dashboard", "dashboard:dashboard", lambda roles: roles.is_council_admin or roles.is_service_admin),
    ("My homes", "vacancies:my_homes", lambda roles: roles.updates_homes),
    ("Care homes", "homes:council_homes", lambda roles: roles.can_onboard),
    ("Invitations", "invitations", lambda roles: roles.is_council_admin or roles.is_provider_admin),
    ("Audit", "audit", lambda roles: roles.is_service_admin),
    ("Admin", "admin:index", lambda roles: roles.is_service_admin),
]


def navigation(request):
    roles = roles_for(getattr(request, "user", None))
    items = [
        {"label": label, "url": reverse(url_name), "current": False}
        for label, url_name, allowed in NAVIGATION
        if allowed(roles)
    ]
    # The current section is the longest link the path starts with.
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"service_name": settings.SERVICE_NAME, "phase": settings.PHASE, "nav_items": items, "roles": roles}
