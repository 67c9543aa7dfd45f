"""Find a bed: the search page, its CSV, each coordinator's shortlist and saved searches."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.permissions import VIEW_HOME, may_search, permission_required
from homes.access import home_permission_required
from homes.postcodes import locate_search_location
from registers.models import CareHome
from tracker.contributions import link
from tracker.csv_export import csv_response
from tracker.http import HtmxHttpRequest, safe_next
from vacancies import alerts, search
from vacancies.cards import CSV_HEADER, cards_from, cards_html, csv_row, shortlist_button
from vacancies.models import CareCategory, SavedSearch, SearchAlert, ShortlistEntry

EXPORT_LIMIT = 5000


@require_GET
@vary_on_headers("HX-Request")
@permission_required(may_search)
def find_a_bed(request: HtmxHttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if not params and request.user.default_search_postcode:
        params["near"] = request.user.default_search_postcode
    found = search.build(params)
    page, rows = search.page_of(found, request.GET.get("page"), user_id=request.user.pk)
    query = params.copy()
    query.pop("page", None)
    page.object_list = cards_from(rows, back_query=query.urlencode())
    chosen = getattr(found.form, "cleaned_data", {}).get("category")
    context = {
        "form": found.form,
        "page": page,
        "cards_html": cards_html(
            request,
            page.object_list,
            chosen_category=CareCategory(chosen).label if chosen else "",
            enquire_url=_enquire_url(request),
        ),
        "search": found,
        "query": query.urlencode(),
        "hints": search.relaxations(params, found) if page.paginator.count == 0 else [],
    }
    template = "vacancies/search.jinja#results" if request.htmx else "vacancies/search.jinja"
    return render(request, template, context)


@require_GET
@permission_required(may_search)
def export(request: HtmxHttpRequest):
    rows = search.build(request.GET).rows(0, EXPORT_LIMIT, user_id=request.user.pk)
    return csv_response("care-home-search.csv", CSV_HEADER, map(csv_row, rows))


@require_GET
@permission_required(may_search)
def shortlist(request: HtmxHttpRequest) -> HttpResponse:
    cards = cards_from(search.shortlist_rows(request.user.pk))
    enquire_url = _enquire_url(request)
    context = {
        "cards": cards,
        "cards_html": cards_html(request, cards, enquire_url=enquire_url),
        "enquire_all_url": f"{enquire_url}?{urlencode([('home', card.home_id) for card in cards[:MAX_ENQUIRED]])}"
        if enquire_url and cards
        else "",
    }
    return render(request, "vacancies/shortlist.jinja", context)


# An enquiry goes to at most 10 homes (enquiries.models.MAX_HOMES): the shortlist's first 10 are ticked.
MAX_ENQUIRED = 10


def _enquire_url(request) -> str:
    """Where a coordinator in a discharge team sends an enquiry from; empty for others."""
    return link("new enquiry", request)


@require_GET
@permission_required(may_search)
def shortlist_csv(request: HtmxHttpRequest):
    return csv_response("shortlist.csv", CSV_HEADER, map(csv_row, search.shortlist_rows(request.user.pk)))


@require_POST
@permission_required(may_search)
@home_permission_required(VIEW_HOME)
def toggle_shortlist(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    entry = ShortlistEntry.objects.filter(user=request.user, home=home)
    if request.POST.get("action") == "remove":
        entry.delete()
        added = False
    else:
        ShortlistEntry.objects.get_or_create(user=request.user, home=home)
        added = True
    if request.htmx:
        return HttpResponse(shortlist_button(request, home, added, next_path=safe_next(request, fallback="")))
    messages.success(request, f"{home.name} {'added to' if added else 'removed from'} your shortlist.")
    return redirect(safe_next(request, fallback=reverse("search:shortlist")))


@require_POST
@permission_required(may_search)
def save_default_location(request: HtmxHttpRequest) -> HttpResponse:
    location = locate_search_location(request.POST.get("near", ""))
    if location is None:
        messages.error(request, "Enter a postcode or district we can find before saving it as your default.")
    else:
        request.user.default_search_postcode = location[0]
        request.user.save(update_fields=["default_search_postcode"])
        messages.success(request, f"Searches will start near {location[0]}.")
    return redirect(safe_next(request, fallback=reverse("search:search")))


# --- saved searches and their alerts (vacancies/alerts.py) ---------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(may_search)
def saved_searches(request: HtmxHttpRequest) -> HttpResponse:
    """A coordinator's saved searches and their recent alerts; POST saves the search in ``query``."""
    if request.method == "POST":
        query = request.POST.get("query", "")
        try:
            saved = alerts.save(request.user, query, alerts=request.POST.get("alerts") == "on")
        except alerts.Refused as refused:
            messages.error(request, str(refused))
            return redirect(f"{reverse('search:search')}?{query}")
        told = " We will email you when a home starts matching it with a bed." if saved.alerts else ""
        messages.success(request, f"Search saved: {saved.label}.{told}")
        return redirect("search:saved")
    saved = list(SavedSearch.objects.filter(user=request.user))
    found = SearchAlert.objects.filter(saved_search__user=request.user).select_related("saved_search")[:20]
    return render(request, "vacancies/saved_searches.jinja", {"saved": saved, "found": found})


def _own_saved(request, pk: int) -> SavedSearch:
    """One of this person's own saved searches; 404 for anyone else's."""
    return get_object_or_404(SavedSearch, pk=pk, user=request.user)


@require_POST
@permission_required(may_search)
def saved_alerts(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    saved = _own_saved(request, pk)
    saved.alerts = not saved.alerts
    saved.save(update_fields=["alerts"])
    messages.success(request, f"Alerts {'on' if saved.alerts else 'off'} for: {saved.label}.")
    return redirect("search:saved")


@require_POST
@permission_required(may_search)
def delete_saved(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    saved = _own_saved(request, pk)
    saved.delete()
    messages.success(request, f"Saved search deleted: {saved.label}.")
    return redirect("search:saved")


@require_GET
@permission_required(may_search)
def recent_alerts(request: HtmxHttpRequest) -> HttpResponse:
    """The start page's list of beds that appeared for this person's saved searches (fetched by htmx)."""
    since = timezone.now() - datetime.timedelta(days=7)
    found = SearchAlert.objects.filter(saved_search__user=request.user, created_at__gte=since).select_related(
        "saved_search"
    )[:5]
    return render(request, "vacancies/recent_alerts.jinja", {"found": found})


@login_not_required
@csrf_exempt  # the signed link is the proof; mail programs POST to it for one-click unsubscribe (RFC 8058)
@require_http_methods(["GET", "POST"])
def stop_alerts(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """The link in an alert email: one button (or the mail program's unsubscribe) stops them."""
    saved = alerts.from_stop_token(token)
    if saved is None:
        return render(request, "vacancies/stop_alerts.jinja", {"broken": True}, status=404)
    if request.method == "POST":
        SavedSearch.objects.filter(pk=saved.pk).update(alerts=False)
        saved.alerts = False
    return render(request, "vacancies/stop_alerts.jinja", {"saved": saved, "stopped": not saved.alerts})
