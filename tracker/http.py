"""What every view shares about requests: the typed htmx request, and safe redirects back."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def safe_next(request: HttpRequest, target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site (a "next" field or parameter), else ``fallback``."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def public_page(view):
    """A page anyone may see without signing in, built without the session or the user
    (the public shop window, public/). Middleware that would read the session or the user
    for a signed-in visitor leaves these alone (``is_public_page``), so a public page
    costs no session or user query and sets no cookie for anyone."""
    view.login_required = False
    view.public_page = True
    return view


def is_public_page(view) -> bool:
    return getattr(view, "public_page", False)
