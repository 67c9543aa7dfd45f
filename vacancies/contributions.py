"""What vacancies and search add to lower layers (tracker/contributions.py): their sections of
the menu (care home staff start at My homes), the start page's beds new for saved searches,
and where a home's page is (homes' pages link back to it)."""

from django.template.loader import render_to_string
from django.urls import reverse

from accounts import permissions
from accounts.roles import roles_for
from tracker.contributions import AUDIT_ACTIONS, LINKS, MENU, START_PAGE, Link, MenuEntry, contribute
from vacancies.audit_actions import VacancyAction

for entry in [
    MenuEntry("Find a bed", "search:search", 10),
    MenuEntry("Shortlist", "search:shortlist", 20),
    MenuEntry("Saved searches", "search:saved", 30),
    MenuEntry("Area dashboard", "dashboard:dashboard", 60),
    MenuEntry("My homes", "vacancies:my_homes", 70, start_for=permissions.starts_at_their_homes),
]:
    contribute(MENU)(entry)

contribute(LINKS)(Link("home page", lambda home: reverse("vacancies:home", args=[home.pk])))


@contribute(START_PAGE)
def recent_alerts(request) -> str | None:
    """Searchers see the beds that appeared for their saved searches (fetched after the page loads)."""
    if not permissions.may_search(roles_for(request.user)):
        return None
    return render_to_string("vacancies/start_alerts.jinja")


contribute(AUDIT_ACTIONS)(VacancyAction)
