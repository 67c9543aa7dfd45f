"""Home-care agencies' pages: a council's list and onboarding, an agency's page, its capacity,
districts and care kept current, and Find home care for discharge coordinators (ADR 019)."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import audit, permissions
from accounts.permissions import ADMINISTER_HOME, UPDATE_HOME, VIEW_HOME, permission_required
from accounts.roles import roles_for
from homecare import capacity as changes
from homecare import reminders
from homecare.access import agency_permission_required
from homecare.forms import AddAgencyForm, CapacityForm, CareForm, DistrictForm
from homecare.models import AgencyCapacity, AgencyShortlistEntry, CoveredDistrict
from homecare.search import CSV_HEADER, RESULT_FIELDS, RESULT_VALUES, FindHomeCareForm, Result, csv_row, matching
from homes.access import allowed
from homes.audit_actions import HomeAction
from homes.cqc_views import newly_registered
from registers.choices import LocationKind
from registers.models import HomeCareAgency, LocalAuthority, PostcodeArea
from tracker.components import macro
from tracker.contributions import AGENCY_PAGE, contributions, link
from tracker.csv_export import csv_response
from tracker.http import HtmxHttpRequest, safe_next
from tracker.paging import counted_page
from vacancies import reminder_links
from vacancies.cards import url_for_each
from vacancies.freshness import freshness
from vacancies.models import Reminder

PAGE_SIZE = 20
EXPORT_LIMIT = 5000
DISTRICTS_FOUND = 12


@require_GET
@vary_on_headers("HX-Request")
@permission_required(permissions.may_onboard)
def council_agencies(request: HtmxHttpRequest) -> HttpResponse:
    """The home-care agencies a council admin onboards and looks after."""
    agencies = allowed(HomeCareAgency.objects, ADMINISTER_HOME, request.user).select_related("capacity")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(cqc_location_id=query) | Q(postcode__istartswith=query))
    page = Paginator(agencies.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    reminded = set(
        Reminder.objects.filter(home__in=[a.pk for a in page.object_list], date=timezone.localdate()).values_list(
            "home_id", flat=True
        )
    )
    for agency in page.object_list:
        capacity = getattr(agency, "capacity", None)
        agency.freshness = freshness(capacity.last_confirmed_at if capacity else None)
        agency.reminded_today = agency.pk in reminded
    context = {"page": page, "query": query, "figures_href": link("home-care figures", request)}
    if request.htmx:  # the filter's results only
        return render(request, "homecare/council_agencies.jinja#results", context)
    roles = roles_for(request.user)
    context |= {
        "newly_registered": newly_registered(roles, kind=LocationKind.HOME_CARE_AGENCY),
        "areas": LocalAuthority.objects.filter(pk__in=roles.council_la_ids),
        "register": {"what": "home-care agencies", "column": "Agency", "next": request.path},
    }
    return render(request, "homecare/council_agencies.jinja", context)


@require_http_methods(["GET", "POST"])
@permission_required(permissions.may_onboard)
def add_agency(request: HtmxHttpRequest) -> HttpResponse:
    form = AddAgencyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        agency = form.save()
        audit.record(HomeAction.HOME_ADDED, target=f"{agency.name} ({agency.cqc_location_id}), home-care agency")
        messages.success(request, f"{agency.name} has been added. Now invite its manager.")
        return redirect("homes:staff", pk=agency.pk)
    return render(request, "homecare/add_agency.jinja", {"form": form})


def _capacity(agency) -> AgencyCapacity:
    return AgencyCapacity.objects.filter(agency=agency).first() or AgencyCapacity(agency=agency)


@require_GET
@agency_permission_required(VIEW_HOME, "provider", "local_authority")
def agency(request: HtmxHttpRequest, home: HomeCareAgency) -> HttpResponse:
    """An agency's page: its details, what it can take on now and how fresh that is."""
    roles = roles_for(request.user)
    capacity = _capacity(home)
    context = {
        "agency": home,
        "capacity": capacity,
        "freshness": freshness(capacity.last_confirmed_at),
        "districts": CoveredDistrict.objects.filter(agency=home),
        "changes": home.capacity_changes.select_related("made_by")[:10],
        "may_update": UPDATE_HOME.allows(roles, home),
        "may_administer": ADMINISTER_HOME.allows(roles, home),
        "may_manage_staff": permissions.MANAGE_STAFF.allows(roles, home),
        "contributed": contributions(AGENCY_PAGE, request, home),  # panels of apps above this one
    }
    return render(request, "homecare/agency.jinja", context)


@require_http_methods(["GET", "POST"])
@agency_permission_required(UPDATE_HOME)
def update_capacity(request: HtmxHttpRequest, home: HomeCareAgency) -> HttpResponse:
    capacity = _capacity(home)
    districts = list(CoveredDistrict.objects.filter(agency=home))
    initial = {
        "hours_available": capacity.hours_available,
        "earliest_start": capacity.earliest_start or timezone.localdate(),
        "two_carer_calls_now": {True: "yes", False: "no"}.get(capacity.two_carer_calls_now),
        "version": capacity.version,
        **{f"district_{d.district_id}": d.hours_available for d in districts},
    }
    form = CapacityForm(request.POST or None, initial=initial, districts=districts)
    conflict = []
    if request.method == "POST" and form.is_valid():
        try:
            changes.update(
                home, request.user, loaded_version=form.cleaned_data["version"],
                hours=form.cleaned_data["hours_available"], earliest_start=form.cleaned_data["earliest_start"],
                two_carer_calls_now=form.cleaned_data["two_carer_calls_now"], district_hours=form.district_hours(),
            )  # fmt: skip
        except changes.Conflict as stale:
            conflict = stale.changes
        else:
            messages.success(request, f"{home.name}'s capacity has been saved.")
            return redirect("homecare:agency", pk=home.pk)
    context = {"agency": home, "form": form, "conflict": conflict, "freshness": freshness(capacity.last_confirmed_at)}
    return render(request, "homecare/capacity.jinja", context, status=409 if conflict else 200)


@require_POST
@agency_permission_required(UPDATE_HOME)
def no_change(request: HtmxHttpRequest, home: HomeCareAgency) -> HttpResponse:
    """One tap: the capacity is as it was."""
    if changes.confirm_no_change(home, request.user) is None:
        messages.error(request, f"{home.name} has no capacity to confirm yet: enter it first.")
        return redirect("homecare:capacity", pk=home.pk)
    messages.success(request, f"{home.name}'s capacity is confirmed as unchanged.")
    return redirect("homecare:agency", pk=home.pk)


@require_http_methods(["GET", "POST"])
@agency_permission_required(UPDATE_HOME)
def care(request: HtmxHttpRequest, home: HomeCareAgency) -> HttpResponse:
    capacity = _capacity(home)
    form = CareForm(request.POST or None, initial={"care_given": capacity.care_given})
    if request.method == "POST" and form.is_valid():
        changes.set_care(home, request.user, form.cleaned_data["care_given"])
        messages.success(request, f"The care {home.name} gives has been saved.")
        return redirect("homecare:agency", pk=home.pk)
    return render(request, "homecare/care.jinja", {"agency": home, "form": form})


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@agency_permission_required(UPDATE_HOME)
def districts(request: HtmxHttpRequest, home: HomeCareAgency) -> HttpResponse:
    """The postcode districts an agency covers: search, add one, remove one (a phone's page)."""
    form = DistrictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["district"]
        if request.POST.get("action") == "remove":
            changes.uncover(home, request.user, code)
            messages.success(request, f"{code} removed.")
        elif changes.cover(home, request.user, code):
            messages.success(request, f"{code} added.")
        else:
            messages.info(request, f"{home.name} covers {code} already.")
        return redirect(f"{request.path}?q={request.POST.get('q', '')}")
    covered = list(CoveredDistrict.objects.filter(agency=home).values_list("district_id", flat=True))
    query = request.GET.get("q", "").strip().upper().replace(" ", "")[:6]
    found_districts = []
    if query:
        found_districts = list(
            PostcodeArea.objects.filter(is_sector=False, code__startswith=query)
            .exclude(code__in=covered)
            .select_related("local_authority")
            .order_by("code")[:DISTRICTS_FOUND]
        )
    context = {"agency": home, "covered": covered, "query": query, "found": found_districts, "form": form}
    template = "homecare/districts.jinja#found" if request.htmx else "homecare/districts.jinja"
    return render(request, template, context, status=400 if form.errors else 200)


@require_GET
@agency_permission_required(VIEW_HOME)
def history(request: HtmxHttpRequest, home: HomeCareAgency) -> HttpResponse:
    page = Paginator(home.capacity_changes.select_related("made_by"), 50).get_page(request.GET.get("page"))
    return render(request, "homecare/history.jinja", {"agency": home, "page": page})


@require_GET
@vary_on_headers("HX-Request")
@permission_required(permissions.may_search)
def find_home_care(request: HtmxHttpRequest) -> HttpResponse:
    form = FindHomeCareForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid() and form.cleaned_data["postcode"]:
        # The page, its total and whether each is on this person's shortlist in one statement,
        # reading only what a card shows (an agency's row carries CQC's facts).
        rows = matching(form.cleaned_data).values(
            *RESULT_FIELDS, **RESULT_VALUES,
            shortlisted=Exists(AgencyShortlistEntry.objects.filter(user=request.user, agency=OuterRef("agency_id"))),
        )  # fmt: skip
        page = counted_page(rows, request.GET.get("page"), PAGE_SIZE)
        href, toggle_url = url_for_each("homecare:agency"), url_for_each("homecare:toggle_shortlist")
        page.object_list = [Result(row, href, toggle_url) for row in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    shortlisted = AgencyShortlistEntry.objects.filter(user=request.user).count()
    context = {"form": form, "page": page, "query": query.urlencode(), "shortlisted": shortlisted,
               "package_href": link("new package request", request)}  # fmt: skip
    template = "homecare/find.jinja#results" if request.htmx else "homecare/find.jinja"
    return render(request, template, context)


@require_GET
@permission_required(permissions.may_search)
def find_home_care_csv(request: HtmxHttpRequest):
    form = FindHomeCareForm(request.GET)
    if not form.is_valid() or not form.cleaned_data["postcode"]:
        return redirect(f"{request.path.removesuffix('.csv')}?{request.GET.urlencode()}")
    rows = matching(form.cleaned_data).values(*RESULT_FIELDS, **RESULT_VALUES)[:EXPORT_LIMIT]
    return csv_response("home-care-search.csv", CSV_HEADER, (csv_row(Result(row)) for row in rows))


@require_POST
@agency_permission_required(ADMINISTER_HOME)
def remind(request: HtmxHttpRequest, home: HomeCareAgency) -> HttpResponse:
    """A council chases one stale agency with the homes' reminder (email, or a text)."""
    if reminders.send_reminder(home, by=request.user):
        messages.success(request, f"{home.name} has been reminded.")
    else:
        messages.info(request, f"{home.name} was not reminded: reminded already today, or nobody to email.")
    return redirect(safe_next(request, fallback=reverse("homecare:council_agencies")))  # or the area's figures


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm_from_reminder(request: HtmxHttpRequest, pk: int, token: str) -> HttpResponse:
    """The link in an agency's reminder: shows its capacity (opening it changes nothing), and
    one tap confirms it, without signing in (homecare/reminders.py)."""
    try:
        link = reminders.read(pk, token)
    except reminder_links.LinkProblem as problem:
        context = {"problem": problem, "words": reminders.WORDS}
        return render(request, "vacancies/reminder_link.jinja", context, status=problem.status)
    if request.method == "POST":
        reminders.confirm(link, request)
        return redirect(request.path)  # the page then says what was confirmed; a reload records nothing
    capacity = AgencyCapacity.objects.filter(agency=link.agency).first()
    context = {
        "home": link.agency,
        "state": reminders.state(link, capacity),
        "figures": reminders.figures_line(capacity),
        "fresh": freshness(capacity.last_confirmed_at if capacity else None),
        "words": reminders.WORDS,
        "update_href": reverse("homecare:capacity", args=[link.agency.pk]),
    }
    return render(request, "vacancies/reminder_link.jinja", context)


def shortlist_button(request, agency, shortlisted: bool, next_path: str) -> str:
    """The beds' add/remove button, pointed at an agency (the htmx swap after a press)."""
    item = {"name": agency.name, "toggle_url": reverse("homecare:toggle_shortlist", args=[agency.pk]),
            "shortlisted": shortlisted}  # fmt: skip
    button = macro("shortlist_button", "vacancies/shortlist_button.jinja")
    return mark_safe(button(item, get_token(request), next_path))  # noqa: S308 - the macro's output


@require_POST
@permission_required(permissions.may_search)
@agency_permission_required(VIEW_HOME)
def toggle_shortlist(request: HtmxHttpRequest, home: HomeCareAgency) -> HttpResponse:
    if request.POST.get("action") == "remove":
        AgencyShortlistEntry.objects.filter(user=request.user, agency=home).delete()
        added = False
    else:
        AgencyShortlistEntry.objects.get_or_create(user=request.user, agency=home)
        added = True
    back = safe_next(request, fallback=reverse("homecare:shortlist"))
    if request.htmx:
        return HttpResponse(shortlist_button(request, home, added, back))
    messages.success(request, f"{home.name} {'added to' if added else 'removed from'} your home-care shortlist.")
    return redirect(back)


def _shortlisted(request) -> list:
    entries = AgencyShortlistEntry.objects.filter(user=request.user, agency__status="active").select_related(
        "agency", "agency__capacity"
    )
    for entry in entries:
        capacity = getattr(entry.agency, "capacity", None)
        entry.freshness = freshness(capacity.last_confirmed_at if capacity else None)
        entry.capacity = capacity
    return list(entries)


@require_GET
@permission_required(permissions.may_search)
def shortlist(request: HtmxHttpRequest) -> HttpResponse:
    """The agencies a coordinator is considering, with what each can take on now."""
    entries = _shortlisted(request)
    districts = defaultdict(list)
    for agency_id, code in CoveredDistrict.objects.filter(agency__in=[e.agency_id for e in entries]).values_list(
        "agency_id", "district_id"
    ):
        districts[agency_id].append(code)
    for entry in entries:
        entry.button = shortlist_button(request, entry.agency, True, request.path)
        entry.districts = districts[entry.agency_id]
    context = {"entries": entries, "package_href": link("new package request", request)}
    return render(request, "homecare/shortlist.jinja", context)


SHORTLIST_CSV_HEADER = ["Agency", "CQC location ID", "Phone", "New hours a week", "Earliest start",
                        "Two-carer calls now", "Care given", "Last updated"]  # fmt: skip


@require_GET
@permission_required(permissions.may_search)
def shortlist_csv(request: HtmxHttpRequest):
    yes_no = {True: "Yes", False: "No", None: "Not said"}

    def row(entry):
        capacity = entry.capacity
        return [
            entry.agency.name, entry.agency.cqc_location_id, entry.agency.phone,
            capacity.hours_figure if capacity else "",
            capacity.earliest_start.isoformat() if capacity and capacity.earliest_start else "",
            yes_no[capacity.two_carer_calls_now if capacity else None],
            "; ".join(capacity.care_labels) if capacity else "", entry.freshness.exact,
        ]  # fmt: skip

    return csv_response("home-care-shortlist.csv", SHORTLIST_CSV_HEADER, map(row, _shortlisted(request)))
