"""What home care adds to lower layers (tracker/contributions.py): its sections of the menu
(after those people had before it: ADR 019), where an agency's page is (homes' staff, details
and history pages link back to it), and the agencies a person keeps, above My homes, each
with its freshness and a one-tap "No change"."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse

from accounts.permissions import UPDATE_HOME
from accounts.roles import roles_for
from homecare.models import hours_figure
from homes.access import allowed
from registers.models import HomeCareAgency
from tracker.contributions import LINKS, MENU, MY_HOMES, Link, MenuEntry, contribute
from vacancies.freshness import Freshness, freshness

contribute(MENU)(MenuEntry("Find home care", "homecare:find", 102))
contribute(MENU)(MenuEntry("Home-care agencies", "homecare:council_agencies", 104))
contribute(LINKS)(Link("agency page", lambda agency: reverse("homecare:agency", args=[agency.pk])))


@dataclass(frozen=True, slots=True)
class AgencyCard:
    """What an agency's card above My homes shows."""

    pk: int
    name: str
    freshness: Freshness
    hours: str | None  # new hours a week it can take on ("7.5"); None: no capacity entered yet


@contribute(MY_HOMES)
def my_agencies(request) -> str | None:
    roles = roles_for(request.user)
    if not (roles.agency_ids or roles.provider_ids or roles.council_la_ids or roles.is_service_admin):
        return None  # a care home's staff: no agency to look for (no query)
    # Read as values: a provider's or council's My homes asks on every visit, mostly to find
    # none (1.0 to 0.65 ms of CPU; 2.4 to 0.7 ms for a council's 50).
    rows = (
        allowed(HomeCareAgency.objects, UPDATE_HOME, request.user)
        .active()
        .order_by("name", "pk")
        .values_list("pk", "name", "capacity__last_confirmed_at", "capacity__hours_available")[:50]
    )
    agencies = [
        AgencyCard(pk, name, freshness(confirmed), None if hours is None else hours_figure(hours))
        for pk, name, confirmed, hours in rows
    ]
    if not agencies:
        return None
    return render_to_string("homecare/my_agencies.jinja", {"agencies": agencies}, request=request)
