"""Pages that belong to no app: health, errors, and where the data comes from."""

import math
import sys
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker import replicas
from tracker.http import from_monitoring

_health_reports: list[Callable[[], dict]] = []


def health_reports(source: Callable[[], dict]) -> Callable[[], dict]:
    """Register a function whose dict joins /healthz's answer for the monitoring system (an app's ready())."""
    if source not in _health_reports:
        _health_reports.append(source)
    return source


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the primary answers (the load balancer's check); for the monitoring system (the
    metrics token), every database's state. The replica's is the last measure (at most a second
    old): a replica that hangs must not make the balancer's check time out, since reads then go
    to the primary by themselves."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        primary = "ok"
    except (OperationalError, InterfaceError):
        primary = "unreachable"
    body = {"status": "ok" if primary == "ok" else "unavailable", "database": primary}
    # The replica's state and where reads go: for the monitoring system, not for anyone who asks.
    if settings.READ_REPLICA and from_monitoring(request):
        replica = replicas.replica_health()
        body["databases"] = {
            "default": primary,
            settings.READ_REPLICA: {
                "state": "ok" if replica.usable else "lagging" if replica.lag_seconds is not None else "unreachable",
                "lag_seconds": None if replica.lag_seconds in (None, math.inf) else round(replica.lag_seconds, 3),
                "reads_go_to": settings.READ_REPLICA if replica.usable else "default",
            },
        }
    if primary == "ok" and from_monitoring(request):
        for report in _health_reports:
            body |= report()
    return JsonResponse(body, status=200 if primary == "ok" else 503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.jinja", status=403)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400: the styled page."""
    return HttpResponse(loader.render_to_string("400.jinja", request=request), status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """403: Django's own handler, given our page's name (its default is 403.html)."""
    return defaults.permission_denied(request, exception, template_name="403.jinja")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404: Django's own handler, given our page's name (its default is 404.html)."""
    return defaults.page_not_found(request, exception, template_name="404.jinja")


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database is the problem. Rendered without the
    request context: its context processors would need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.jinja"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.jinja"), status=500)
