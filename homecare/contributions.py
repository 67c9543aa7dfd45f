"""What home care adds to lower layers (tracker/contributions.py): its sections of the menu
(after those people had before it: ADR 019), where an agency's page is (homes' staff, details
and history pages link back to it), and the agencies a person keeps, above My homes, each
with its freshness and a one-tap "No change"."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import UPDATE_HOME
from accounts.roles import roles_for
from homecare.models import AgencyCapacity, hours_figure
from homes.access import allowed_where
from registers.choices import HomeStatus
from registers.models import HomeCareAgency
from tracker.contributions import LINKS, MENU, MY_HOMES, Link, MenuEntry, contribute
from tracker.sql import named_rows, table
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
    # Read by hand (the rule's SQL from the grants the ORM's filter is made from): a provider's or
    # council's My homes asks on every visit, mostly to find none (ORM 1.0 ms of CPU, as values
    # 0.65 ms, by hand 0.15 ms; a council's 50, 2.4 to 0.7 ms as values).
    reachable, params = allowed_where(HomeCareAgency.objects, UPDATE_HOME, request.user)
    rows = named_rows(
        f"""SELECT agency.id, agency.name, capacity.last_confirmed_at, capacity.hours_available
              FROM (SELECT id, name FROM {table(HomeCareAgency)} WHERE {reachable} AND status = %s) AS agency
              LEFT JOIN {table(AgencyCapacity)} AS capacity ON capacity.agency_id = agency.id
             ORDER BY agency.name, agency.id
             LIMIT 50""",  # noqa: S608 - table names from the models, every value a parameter
        [*params, HomeStatus.ACTIVE],
    )
    now, zone = timezone.now(), timezone.get_current_timezone()
    agencies = [
        AgencyCard(row["id"], row["name"], freshness(row["last_confirmed_at"], now, zone), None
                   if row["hours_available"] is None else hours_figure(row["hours_available"]))
        for row in rows
    ]  # fmt: skip
    if not agencies:
        return None
    return render_to_string("homecare/my_agencies.jinja", {"agencies": agencies}, request=request)
