"""What enquiries add to lower layers (tracker/contributions.py): their sections of the menu
(a team's enquiries; a home's inbox with its count), and where a team sends an enquiry from
(search's shortlist links to it)."""

from django.urls import reverse

from accounts import permissions
from accounts.roles import roles_for
from enquiries.audit_actions import EnquiryAction
from tracker.contributions import AUDIT_ACTIONS, LINKS, MENU, Link, MenuEntry, contribute

# The list opens to service admins too (every team's); the menu is for those in a team.
contribute(MENU)(MenuEntry("Enquiries", "enquiries:list", 40, only_for=permissions.may_send_enquiries))
# A service admin may open every home's inbox, and has none of their own to watch.
contribute(MENU)(
    MenuEntry(
        "Inbox", "enquiries:inbox", 50, count_url_name="enquiries:inbox_count", only_for=permissions.has_own_inbox
    )
)


def _new_enquiry(request) -> str:
    return reverse("enquiries:new") if permissions.may_send_enquiries(roles_for(request.user)) else ""


contribute(LINKS)(Link("new enquiry", _new_enquiry))


def _new_package_request(request) -> str:
    return reverse("enquiries:new_package") if permissions.may_send_enquiries(roles_for(request.user)) else ""


# Find home care's results and the home-care shortlist link to it.
contribute(LINKS)(Link("new package request", _new_package_request))

contribute(AUDIT_ACTIONS)(EnquiryAction)
contribute(LINKS)(Link("home-care figures", lambda request: reverse("enquiries:area_home_care")))
