"""What every view shares about requests: the typed htmx request, safe redirects back, and
whether a request comes from the monitoring system."""

import hmac
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def safe_next(request: HttpRequest, target: str | None = None, fallback: str = "/") -> str:
    """Where to send someone back to: ``target`` (by default the request's "next" field or
    parameter) if it is a path on this site, else ``fallback``. Every "next" and return
    value goes through here, so none can send a person to another site: only a path is
    taken ("/..."), never a scheme or a host, however written (``//host``, ``/\\host``,
    ``https:host``, control characters browsers strip)."""
    if target is None:
        target = request.POST.get("next") or request.GET.get("next")
    if is_local_path(target, request):
        return target
    return fallback


def is_local_path(target: str | None, request: HttpRequest) -> bool:
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 32 or ord(char) == 127 or char == "\\" for char in target):
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    )


def with_next(url: str, next_path: str) -> str:
    """``url`` asked to send the person on to ``next_path`` (a path of ours) afterwards."""
    query = QueryDict(mutable=True)
    query["next"] = next_path
    return f"{url}?{query.urlencode(safe='/')}"


def back_to(path: str, query: str) -> str:
    """A link back to ``path`` with a query string carried in a "back" parameter (a search's
    filters): re-encoded, so it stays a query string on our own page whatever it held."""
    encoded = QueryDict(query).urlencode() if query else ""
    return f"{path}?{encoded}" if encoded else ""


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


def from_monitoring(request: HttpRequest) -> bool:
    """Whether the request carries ``Authorization: Bearer <METRICS_TOKEN>``: the monitoring
    system, which alone may see /metrics, /healthz's details and where a request read from."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
