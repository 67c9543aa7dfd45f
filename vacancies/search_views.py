"""Find a bed: the search page, its CSV, and each coordinator's shortlist."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from homes.models import CareHome
from homes.postcodes import locate_search_location
from tracker.csv_export import csv_response
from tracker.roles import roles_for
from tracker.views import HtmxHttpRequest
from vacancies import search
from vacancies.cards import (
    CARD_COLUMNS,
    CARD_JOINS,
    cards_from,
    cards_html,
    category_rows,
    shortlist_button_html,
    shortlist_cards,
    shortlist_item,
)
from vacancies.models import CareCategory, CategoryVacancy, ShortlistEntry

EXPORT_LIMIT = 5000
CSV_HEADER = [
    "Name", "Town", "Postcode", "Local authority", "Distance (miles)", "Vacant accepting (chosen category or all)",
    "Closed to admissions", "Last confirmed", "CQC rating", "CQC rating date", "Phone", "Email", "CQC location ID",
]  # fmt: skip


def _require_search(request):
    if not roles_for(request.user).can_search:
        raise Http404


def _with_categories(homes):
    return homes.prefetch_related(Prefetch("categories", queryset=CategoryVacancy.objects.order_by("category")))


def _homes_in_order(rows, homes) -> list[CareHome]:
    """The homes of search rows (home id, beds, distance), in the rows' order, with their beds and distance."""
    by_id = {home.pk: home for home in homes.order_by().filter(pk__in=[row[0] for row in rows])}
    found = []
    for home_id, beds, distance, *_ in rows:
        if home := by_id.get(home_id):  # unless deleted since the search
            home.beds, home.distance = beds, distance
            found.append(home)
    return found


@require_GET
@vary_on_headers("HX-Request")
def find_a_bed(request: HtmxHttpRequest) -> HttpResponse:
    _require_search(request)
    params = request.GET.copy()
    if not params and request.user.default_search_postcode:
        params["near"] = request.user.default_search_postcode
    found = search.build(params)
    page, rows = search.page_of(
        found, request.GET.get("page"), columns=CARD_COLUMNS, joins=CARD_JOINS, params=[request.user.pk]
    )
    query = params.copy()
    query.pop("page", None)
    page.object_list = cards_from(rows, back_query=query.urlencode())
    chosen = getattr(found.form, "cleaned_data", {}).get("category")
    context = {
        "form": found.form,
        "page": page,
        "cards_html": cards_html(
            page.object_list,
            csrf_token=get_token(request),
            next_path=request.get_full_path(),
            chosen_category=CareCategory(chosen).label if chosen else "",
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
    found = search.build(request.GET)
    homes = _homes_in_order(
        found.rows(0, EXPORT_LIMIT), CareHome.objects.select_related("vacancies", "local_authority")
    )

    def rows():
        for home in homes:
            board = getattr(home, "vacancies", None)
            confirmed = board.last_confirmed_at.isoformat() if board and board.last_confirmed_at else "never"
            yield [
                home.name, home.town, home.postcode, home.local_authority.name,
                "" if home.distance is None else f"{home.distance:.1f}", home.beds if home.beds is not None else "",
                "yes" if board and board.closed_to_admissions else "no", confirmed, home.get_cqc_rating_display(),
                home.cqc_rating_date or "", home.phone, home.email, home.cqc_location_id,
            ]  # fmt: skip

    return csv_response("care-home-search.csv", CSV_HEADER, rows())


def _shortlist_homes(user):
    return _with_categories(
        CareHome.objects.filter(pk__in=ShortlistEntry.objects.filter(user=user).values("home_id"))
        .select_related("vacancies", "local_authority")
        .order_by("name")
    )


@require_GET
def shortlist(request: HtmxHttpRequest) -> HttpResponse:
    _require_search(request)
    cards = shortlist_cards(request.user)
    html = cards_html(cards, csrf_token=get_token(request), next_path=request.path)
    return render(request, "vacancies/shortlist.html", {"cards": cards, "cards_html": html})


@require_GET
def shortlist_csv(request: HtmxHttpRequest):
    _require_search(request)

    def rows():
        for home in _shortlist_homes(request.user):
            board = getattr(home, "vacancies", None)
            beds = "; ".join(f"{row.get_category_display()}: {row.accepting_now}" for row in category_rows(home))
            confirmed = board.last_confirmed_at if board else None
            yield [
                home.name, home.town, home.postcode, home.local_authority.name, beds,
                "yes" if board and board.closed_to_admissions else "no",
                confirmed.isoformat() if confirmed else "never",
                home.get_cqc_rating_display(), home.cqc_rating_date or "", home.phone, home.email,
                home.cqc_location_id,
            ]  # fmt: skip

    header = ["Name", "Town", "Postcode", "Local authority", "Vacant accepting by category", "Closed to admissions",
              "Last confirmed", "CQC rating", "CQC rating date", "Phone", "Email", "CQC location ID"]  # fmt: skip
    return csv_response("shortlist.csv", header, rows())


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def toggle_shortlist(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    _require_search(request)
    home = get_object_or_404(CareHome.objects.visible_to(request.user), pk=pk)
    entry = ShortlistEntry.objects.filter(user=request.user, home=home)
    if request.POST.get("action") == "remove":
        entry.delete()
        added = False
    else:
        ShortlistEntry.objects.get_or_create(user=request.user, home=home)
        added = True
    if request.htmx:
        button = shortlist_button_html(
            shortlist_item(home, added), csrf_token=get_token(request), next_path=request.POST.get("next", "")
        )
        return HttpResponse(button)
    messages.success(request, f"{home.name} {'added to' if added else 'removed from'} your shortlist.")
    return redirect(_back(request, "search:shortlist"))


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
    return redirect(_back(request, "search:search"))
