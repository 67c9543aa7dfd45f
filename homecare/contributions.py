"""What home care adds to lower layers (tracker/contributions.py): its sections of the menu
(after those people had before it: ADR 019), where an agency's page is (homes' staff, details
and history pages link back to it), and the agencies a person keeps, above My homes, each
with its freshness and a one-tap "No change"."""

from django.template.loader import render_to_string
from django.urls import reverse

from accounts.permissions import UPDATE_HOME
from accounts.roles import roles_for
from homes.access import allowed
from registers.models import HomeCareAgency
from tracker.contributions import LINKS, MENU, MY_HOMES, Link, MenuEntry, contribute
from vacancies.freshness import freshness

contribute(MENU)(MenuEntry("Find home care", "homecare:find", 102))
contribute(MENU)(MenuEntry("Home-care agencies", "homecare:council_agencies", 104))
contribute(LINKS)(Link("agency page", lambda agency: reverse("homecare:agency", args=[agency.pk])))


@contribute(MY_HOMES)
def my_agencies(request) -> str | None:
    roles = roles_for(request.user)
    if not (roles.agency_ids or roles.provider_ids or roles.council_la_ids or roles.is_service_admin):
        return None  # a care home's staff: no agency to look for (no query)
    agencies = list(
        allowed(HomeCareAgency.objects, UPDATE_HOME, request.user)
        .active()
        .select_related("capacity")
        .order_by("name", "pk")[:50]
    )
    if not agencies:
        return None
    for agency in agencies:
        capacity = getattr(agency, "capacity", None)
        agency.freshness = freshness(capacity.last_confirmed_at if capacity else None)
        agency.hours = capacity.hours_figure or None if capacity else None
    return render_to_string("homecare/my_agencies.jinja", {"agencies": agencies}, request=request)
