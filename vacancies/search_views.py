"""Find a bed: the search page, its CSV, and each coordinator's shortlist."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import permissions
from accounts.permissions import VIEW_HOME
from accounts.roles import roles_for
from homes.access import home_or_404
from homes.postcodes import locate_search_location
from tracker.csv_export import csv_response
from tracker.http import HtmxHttpRequest, safe_next
from vacancies import search
from vacancies.cards import CSV_HEADER, cards_from, cards_html, csv_row, shortlist_button
from vacancies.models import CareCategory, ShortlistEntry

EXPORT_LIMIT = 5000


def _require_search(request):
    if not permissions.may_search(roles_for(request.user)):
        raise Http404


@require_GET
@vary_on_headers("HX-Request")
def find_a_bed(request: HtmxHttpRequest) -> HttpResponse:
    _require_search(request)
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
    template = "vacancies/search.html#results" if request.htmx else "vacancies/search.html"
    return render(request, template, context)


@require_GET
def export(request: HtmxHttpRequest):
    _require_search(request)
    rows = search.build(request.GET).rows(0, EXPORT_LIMIT, user_id=request.user.pk)
    return csv_response("care-home-search.csv", CSV_HEADER, map(csv_row, rows))


@require_GET
def shortlist(request: HtmxHttpRequest) -> HttpResponse:
    _require_search(request)
    cards = cards_from(search.shortlist_rows(request.user.pk))
    enquire_url = _enquire_url(request)
    context = {
        "cards": cards,
        "cards_html": cards_html(request, cards, enquire_url=enquire_url),
        "enquire_all_url": f"{enquire_url}?{urlencode([('home', card.home_id) for card in cards[:MAX_ENQUIRED]])}"
        if enquire_url and cards
        else "",
    }
    return render(request, "vacancies/shortlist.html", context)


# An enquiry goes to at most 10 homes (enquiries.models.MAX_HOMES): the shortlist's first 10 are ticked.
MAX_ENQUIRED = 10


def _enquire_url(request) -> str:
    """Where a coordinator in a discharge team sends an enquiry from; empty for others."""
    return reverse("enquiries:new") if permissions.may_send_enquiries(roles_for(request.user)) else ""


@require_GET
def shortlist_csv(request: HtmxHttpRequest):
    _require_search(request)
    return csv_response("shortlist.csv", CSV_HEADER, map(csv_row, search.shortlist_rows(request.user.pk)))


@require_POST
def toggle_shortlist(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    _require_search(request)
    home = home_or_404(request.user, pk, VIEW_HOME)
    entry = ShortlistEntry.objects.filter(user=request.user, home=home)
    if request.POST.get("action") == "remove":
        entry.delete()
        added = False
    else:
        ShortlistEntry.objects.get_or_create(user=request.user, home=home)
        added = True
    if request.htmx:
        return HttpResponse(shortlist_button(request, home, added, next_path=request.POST.get("next", "")))
    messages.success(request, f"{home.name} {'added to' if added else 'removed from'} your shortlist.")
    return redirect(safe_next(request, request.POST.get("next"), reverse("search:shortlist")))


@require_POST
def save_default_location(request: HtmxHttpRequest) -> HttpResponse:
    _require_search(request)
    location = locate_search_location(request.POST.get("near", ""))
    if location is None:
        messages.error(request, "Enter a postcode or district we can find before saving it as your default.")
    else:
        request.user.default_search_postcode = location[0]
        request.user.save(update_fields=["default_search_postcode"])
        messages.success(request, f"Searches will start near {location[0]}.")
    return redirect(safe_next(request, request.POST.get("next"), reverse("search:search")))
