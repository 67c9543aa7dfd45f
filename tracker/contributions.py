"""What an app adds to what a lower layer shows (ADR 008): a section of the header's menu, a
panel on the start page or on a home's or an agency's page, a line above My homes, the labels of its audit
actions. The lower app asks for its slot's contributions; the app that adds one registers it
in its AppConfig.ready() (its ``contributions`` module). So the lower app never names the
higher one's URLs, templates, models or actions, and a new app adds its part without editing
the page.

Two kinds of slot. A panel is a function of the request (and the slot's arguments) that
returns HTML (made by its own app's template) or None when it has nothing to say; a list
(the menu, the audit actions) holds things the lower app reads.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

_registry: dict[str, list] = defaultdict(list)

# The slots, and what each holds.
HOME_PAGE = "home_page"  # (request, home): a panel on a home's page (vacancies.views.home_page)
AGENCY_PAGE = "agency_page"  # (request, agency): a panel on a home-care agency's page (homecare.views.agency)
MY_HOMES = "my_homes"  # (request,): a panel above the My homes list (vacancies.views.my_homes)
START_PAGE = "start_page"  # (request,): a panel on the signed-in start page (accounts.views.start)
MENU = "menu"  # MenuEntry: a section of the header's menu (accounts/navigation.py)
AUDIT_ACTIONS = "audit_actions"  # a TextChoices of an app's audit actions (accounts/audit.py)
LINKS = "links"  # Link: where a page of a higher app is, for a lower one's link to it (``link``)
SLOTS = {HOME_PAGE, AGENCY_PAGE, MY_HOMES, START_PAGE, MENU, AUDIT_ACTIONS, LINKS}


@dataclass(frozen=True)
class MenuEntry:
    """A section of the header's menu (and a card on the start page). Who sees it is who may
    open its page: the rule its view names (accounts/navigation.py reads it), narrowed by
    ``only_for`` where the section is for fewer (an inbox of one's own homes)."""

    label: str
    url_name: str
    position: int  # left to right in the header
    count_url_name: str = ""  # a count beside the label, fetched by htmx after the page loads
    only_for: Callable | None = None  # a rule of accounts/permissions.py, narrower than the page's
    start_for: Callable | None = None  # a rule: those it picks start here, not on the start page


@dataclass(frozen=True)
class Link:
    """Where a higher app's page is: ``address(*args)`` gives its URL, or "" for a person who
    may not open it. A lower app asks ``link(name, ...)`` and never names the URL itself."""

    name: str
    address: Callable[..., str]


def contribute(slot: str):
    """``@contribute(HOME_PAGE)`` on a function, or ``contribute(MENU)(MenuEntry(...))``: it adds to that slot."""
    if slot not in SLOTS:
        raise ValueError(f"No page offers the slot {slot!r}")

    def register(contribution):
        if contribution not in _registry[slot]:
            _registry[slot].append(contribution)
        return contribution

    return register


def contributed(slot: str) -> list:
    """What the apps registered for ``slot``, in registration order (the apps' order)."""
    return list(_registry[slot])


def contributions(slot: str, *args) -> SafeString:
    """Every panel registered for ``slot``, drawn, in registration order (the apps' order)."""
    parts = [part for function in _registry[slot] if (part := function(*args))]
    return mark_safe("".join(parts))  # noqa: S308  (each part is a rendered template)


def link(name: str, *args) -> str:
    """The URL of the page registered as ``name`` (a Link), for ``args``; "" when no app offers
    it (the app is not installed) or its address says the person may not open it."""
    for registered in _registry[LINKS]:
        if registered.name == name:
            return registered.address(*args)
    return ""
