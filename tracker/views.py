import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from tracker.roles import roles_for


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
def start(request: HtmxHttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if roles.updates_homes and not (roles.can_search or roles.can_onboard):
        return redirect("vacancies:my_homes")  # care home staff: straight to their homes
    return render(request, "start.html")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (OperationalError, InterfaceError):
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database is the problem. Rendered without the
    request context: its context processors would need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)


@require_GET
def about_data(request: HttpRequest) -> HttpResponse:
    return render(request, "about_data.html")


def password_changed(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Your password has been changed.")
    return redirect("start")
