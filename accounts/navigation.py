"""The header's menu: the sections a person's roles open, in header order."""

from django.conf import settings
from django.urls import reverse

from accounts import permissions
from accounts.roles import roles_for

# (label, url name, who sees it)
SECTIONS = [
    ("Find a bed", "search:search", permissions.may_search),
    ("Shortlist", "search:shortlist", permissions.may_search),
    ("Saved searches", "search:saved", permissions.may_search),
    ("Enquiries", "enquiries:list", permissions.may_send_enquiries),
    ("Inbox", "enquiries:inbox", lambda roles: permissions.answers_enquiries(roles) and not roles.is_service_admin),
    ("Area dashboard", "dashboard:dashboard", permissions.may_see_areas),
    ("My homes", "vacancies:my_homes", permissions.keeps_homes),
    (
        "Monthly returns",
        "returns:mine",
        lambda roles: permissions.answers_returns(roles) and not roles.is_service_admin,
    ),
    ("Returns by area", "returns:area", permissions.follows_returns),
    ("Care homes", "homes:council_homes", permissions.may_onboard),
    ("Invitations", "invitations", lambda roles: roles.is_council_admin or roles.is_provider_admin),
    ("Teams", "teams", permissions.may_manage_teams),
    ("API keys", "api:keys", lambda roles: roles.is_service_admin or roles.is_council_admin or roles.is_provider_admin),
    ("CQC sync", "homes:cqc_sync", permissions.runs_the_cqc_sync),
    ("Audit", "audit", permissions.reads_audit_trail),
    ("Admin", "admin:index", lambda roles: roles.is_service_admin),
]


# Sections whose link shows a count, fetched by htmx after the page loads and every minute
# (so no page waits for it): the url name of the count.
COUNTS = {"enquiries:inbox": "enquiries:inbox_count"}


def navigation(request):
    """Context processor: the menu, the person's roles, and the service's name."""
    roles = roles_for(getattr(request, "user", None))
    items = [
        {"label": label, "url": reverse(url_name), "current": False, "count_url": COUNTS.get(url_name)}
        for label, url_name, allowed in SECTIONS
        if allowed(roles)
    ]
    for item in items:
        if item["count_url"]:
            item["count_url"] = reverse(item["count_url"])
    # The current section is the longest link the path starts with.
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"service_name": settings.SERVICE_NAME, "phase": settings.PHASE, "nav_items": items, "roles": roles}
