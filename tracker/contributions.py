"""What an app adds to a page that belongs to a lower layer (ADR 008): a panel on a home's
page, a line above My homes. The page's own app asks for its slot's contributions; the app
that adds one registers it in its AppConfig.ready(). So the lower app never names the higher
one's URLs, templates or models, and a new app adds its part without editing the page.

A contribution is a function of the request (and the slot's arguments) that returns HTML
(made by its own app's template) or None when it has nothing to say.
"""

from collections import defaultdict
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

_registry: dict[str, list[Callable]] = defaultdict(list)

# The slots pages offer, and what their functions receive.
HOME_PAGE = "home_page"  # (request, home): a panel on a home's page (vacancies.views.home_page)
MY_HOMES = "my_homes"  # (request,): a panel above the My homes list (vacancies.views.my_homes)
SLOTS = {HOME_PAGE, MY_HOMES}


def contribute(slot: str):
    """``@contribute(HOME_PAGE)`` on a function: it adds to that slot."""
    if slot not in SLOTS:
        raise ValueError(f"No page offers the slot {slot!r}")

    def register(function: Callable) -> Callable:
        if function not in _registry[slot]:
            _registry[slot].append(function)
        return function

    return register


def contributions(slot: str, *args) -> SafeString:
    """Everything registered for ``slot``, in registration order (the apps' order)."""
    parts = [part for function in _registry[slot] if (part := function(*args))]
    return mark_safe("".join(parts))  # noqa: S308  (each part is a rendered template)
