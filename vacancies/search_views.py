"""Find a bed: the search page, its CSV, and each coordinator's shortlist."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
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
from vacancies.freshness import freshness
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


def present(homes, shortlisted: set[int] = frozenset()):
    """Display facts for each result: freshness, other categories, shortlist state."""
    for home in homes:
        board = getattr(home, "vacancies", None)
        home.freshness = freshness(board.last_confirmed_at if board else None)
        home.closed = bool(board and board.closed_to_admissions)
        home.category_rows = sorted(home.categories.all(), key=lambda row: CareCategory.values.index(row.category))
        home.shortlisted = home.pk in shortlisted
    return homes


@require_GET
@vary_on_headers("HX-Request")
def find_a_bed(request: HtmxHttpRequest) -> HttpResponse:
    _require_search(request)
    params = request.GET.copy()
    if not params and request.user.default_search_postcode:
        params["near"] = request.user.default_search_postcode
    found = search.build(params)
    page = Paginator(_with_categories(found.homes), search.PAGE_SIZE).get_page(request.GET.get("page"))
    shortlisted = set(ShortlistEntry.objects.filter(user=request.user).values_list("home_id", flat=True))
    present(page.object_list, shortlisted)
    query = params.copy()
    query.pop("page", None)
    context = {
        "form": found.form,
        "page": page,
        "search": found,
        "query": query.urlencode(),
        "hints": search.relaxations(params, found) if page.paginator.count == 0 else [],
    }
    chosen = getattr(found.form, "cleaned_data", {}).get("category")
    context["chosen_category"] = chosen or ""
    context["chosen_category_label"] = CareCategory(chosen).label if chosen else ""
    template = "vacancies/search.html#results" if request.htmx else "vacancies/search.html"
    return render(request, template, context)


@require_GET
def export(request: HtmxHttpRequest):
    _require_search(request)
    found = search.build(request.GET)
    homes = found.homes.select_related("local_authority")[:EXPORT_LIMIT]

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
    homes = present(list(_shortlist_homes(request.user)))
    return render(request, "vacancies/shortlist.html", {"homes": homes})


@require_GET
def shortlist_csv(request: HtmxHttpRequest):
    _require_search(request)

    def rows():
        for home in present(list(_shortlist_homes(request.user))):
            board = getattr(home, "vacancies", None)
            beds = "; ".join(f"{row.get_category_display()}: {row.accepting_now}" for row in home.category_rows)
            yield [
                home.name, home.town, home.postcode, home.local_authority.name, beds,
                "yes" if home.closed else "no", board.last_confirmed_at.isoformat() if board and board.last_confirmed_at
                else "never", home.get_cqc_rating_display(), home.cqc_rating_date or "", home.phone, home.email,
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
        home.shortlisted = added
        return render(request, "vacancies/shortlist_button.html", {"home": home, "next": request.POST.get("next", "")})
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
