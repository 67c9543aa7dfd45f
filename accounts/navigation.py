"""The header's menu: the sections the apps contribute (tracker/contributions.py, MENU), each
shown to whoever may open its page. Who that is, the page's view says (the rule it names,
accounts/permissions.py), so the menu and the page cannot disagree."""

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse
from django.utils.functional import SimpleLazyObject

from accounts import permissions
from accounts.roles import Roles, roles_for
from tracker.contributions import MENU, MenuEntry, contribute, contributed


@functools.cache
def _rules(entry: MenuEntry) -> tuple:
    """The rules of ``entry``'s page and its own: fixed while the process runs (URLs and views
    are), so found once, not on every page (the menu is on every page: resolving each entry's
    address took about a fifteenth of a signed-in page's time)."""
    rules = permissions.page_rules_of(resolve(reverse(entry.url_name)).func)
    if entry.only_for is not None:
        rules = (*rules, entry.only_for)
    if not rules:
        raise ImproperlyConfigured(f"The menu's {entry.label!r} names no rule, and neither does its page")
    return tuple(rules)


def shown_to(entry: MenuEntry, roles: Roles) -> bool:
    """Whether a person with ``roles`` sees ``entry``: its page's rules let them in (and its own
    narrower rule, if it has one). A page that names no rule (Django admin's) needs one."""
    return all(rule(roles) for rule in _rules(entry))


def menu(roles: Roles) -> list[dict]:
    entries = sorted(contributed(MENU), key=lambda entry: entry.position)
    return [
        {
            "label": entry.label,
            "url": reverse(entry.url_name),
            "current": False,
            "count_url": reverse(entry.count_url_name) if entry.count_url_name else None,
        }
        for entry in entries
        if shown_to(entry, roles)
    ]


def navigation(request):
    """Context processor: the menu, the person's roles, and the service's name. The menu is made
    when a page draws it: an htmx part of a page (search results, a card) never does."""
    roles = roles_for(getattr(request, "user", None))

    def items() -> list[dict]:
        made = menu(roles)
        # The current section is the longest link the path starts with.
        matching = [item for item in made if request.path.startswith(item["url"])]
        if matching:
            max(matching, key=lambda item: len(item["url"]))["current"] = True
        return made

    return {
        "service_name": settings.SERVICE_NAME,
        "phase": settings.PHASE,
        "nav_items": SimpleLazyObject(items),
        "roles": roles,
    }


# accounts' own sections (registered when this module is imported: accounts/apps.py).
for entry in [
    MenuEntry("Invitations", "invitations", 110),
    MenuEntry("Teams", "teams", 120),
    MenuEntry("Audit", "audit", 150),
    # Django admin names no rule of ours (its own has_permission: tracker/admin_site.py).
    MenuEntry("Admin", "admin:index", 160, only_for=permissions.is_service_admin),
]:
    contribute(MENU)(entry)
