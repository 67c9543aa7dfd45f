"""What the monthly return adds to lower layers' pages (tracker/contributions.py): its sections
of the menu; while a window is open, a panel on a home's page and on a home-care agency's for
those who answer its return, and a line above My homes saying how many of the person's homes
and agencies have answered."""

from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string

from accounts import permissions
from accounts.permissions import SUBMIT_RETURN
from accounts.roles import roles_for
from homes.access import allowed
from registers.models import CareHome
from returns import definition
from returns.audit_actions import ReturnAction
from returns.models import MonthlyReturn
from returns.window import open_window
from tracker.contributions import AGENCY_PAGE, AUDIT_ACTIONS, HOME_PAGE, MENU, MY_HOMES, MenuEntry, contribute

# Service admins may open every home's return, and have none of their own to answer.
contribute(MENU)(MenuEntry("Monthly returns", "returns:mine", 80, only_for=permissions.has_own_returns))
contribute(MENU)(MenuEntry("Returns by area", "returns:area", 90))


@contribute(AGENCY_PAGE)
@contribute(HOME_PAGE)
def home_panel(request, home) -> str | None:
    """A care home's or a home-care agency's return this month, on its page."""
    window = open_window()
    if window is None or home.status != "active" or not SUBMIT_RETURN.allows(roles_for(request.user), home):
        return None
    current = MonthlyReturn.objects.filter(home=home, month=window.month).only("submitted_at").first()
    return render_to_string("returns/home_panel.jinja", {"home": home, "window": window, "current": current})


@contribute(MY_HOMES)
def my_homes_panel(request) -> str | None:
    window = open_window()
    if window is None or not permissions.answers_returns(roles_for(request.user)):
        return None
    answered = MonthlyReturn.objects.filter(home=OuterRef("pk"), month=window.month)
    counts = (
        allowed(CareHome.locations, SUBMIT_RETURN, request.user)
        .active()
        .aggregate(total=Count("pk"), answered=Count("pk", filter=Exists(answered)),
                   agencies=Count("pk", filter=Q(kind=definition.HOME_CARE)))
    )  # fmt: skip
    if not counts["total"]:
        return None
    only = None
    if counts["total"] == 1:
        only = allowed(CareHome.locations, SUBMIT_RETURN, request.user).active().only("pk").first()
    kinds = definition.kinds_among(counts["total"], counts["agencies"])
    context = {"window": window, "counts": counts, "only": only, "noun": definition.noun(counts["total"], kinds)}
    return render_to_string("returns/my_homes_panel.jinja", context)


contribute(AUDIT_ACTIONS)(ReturnAction)
