from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import audit, permissions
from accounts.permissions import (
    ADMINISTER_HOME,
    MANAGE_STAFF,
    UPDATE_HOME,
    VIEW_HOME,
    keeps_homes,
    may_search,
    permission_required,
)
from accounts.roles import roles_for
from homes.access import home_permission_required
from registers.models import CareHome
from tracker.components import macro
from tracker.contributions import HOME_PAGE, MY_HOMES, contributions
from tracker.forms import NhsFormMixin
from tracker.http import HtmxHttpRequest, back_to, safe_next
from vacancies import my_homes as my_homes_list
from vacancies import panel, reminder_links, reports
from vacancies.audit_actions import VacancyAction
from vacancies.cards import CLOSURE_REASONS, shortlist_button, url_for_each
from vacancies.forms import AddCategoryForm, CategoryForm, FigureReportForm, HomeClosureForm
from vacancies.freshness import Freshness, freshness
from vacancies.models import (
    CareCategory,
    CategoryVacancy,
    HomeVacancies,
    in_category_order,
)
from vacancies.updates import Conflict, confirm_no_change, figures, locked_figures, save_vacancies


@require_GET
@home_permission_required(VIEW_HOME, "provider", "local_authority__region", "vacancies__last_confirmed_by")
def home_page(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    """A home's page: its beds, freshness and trend, its details, and what this person may do with it."""
    roles = roles_for(request.user)
    can_shortlist = permissions.may_search(roles)
    reads = panel.read(home, getattr(home, "vacancies", None), shortlister=request.user if can_shortlist else None)
    context = {
        "home": home,
        "cqc_checked": reads.cqc_checked,
        "can_edit": UPDATE_HOME.allows(roles, home),
        "can_manage_staff": MANAGE_STAFF.allows(roles, home),
        "can_read_history": ADMINISTER_HOME.allows(roles, home),
        "vacancy": reads.vacancy,
        "can_shortlist": can_shortlist,
        "back": _search_back_link(request),
        "contributed": contributions(HOME_PAGE, request, home),  # panels of apps above this one
    }
    if can_shortlist:
        context["shortlist_button"] = shortlist_button(request, home, reads.shortlisted)
    return render(request, "vacancies/home.jinja", context)


def _search_back_link(request) -> str:
    """Back to the search results this home was opened from, filters intact."""
    return back_to(reverse("search:search"), request.GET.get("back", ""))


class MyHomesFilter(NhsFormMixin, forms.Form):
    stale = forms.BooleanField(
        label="Only homes not updated in the last 24 hours",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes--small"}),
    )


@dataclass(slots=True)
class HomeCard:
    """What a My homes card shows of a home and its board: plain values read by name, not the
    homes' and boards' rows made into objects (a provider's page is 100 homes: 2.0 against 0.7 ms)."""

    pk: int
    name: str
    has_figures: bool
    closed: bool
    closed_reason: str  # in words
    accepting: int
    freshness: Freshness
    detail_url: str
    update_url: str
    confirm_url: str


def _cards(rows) -> list[HomeCard]:
    """A card for each of vacancies/my_homes.py's rows, with its freshness and links (the links made
    once a page)."""
    detail, update, confirm = (
        url_for_each(name) for name in ("vacancies:home", "vacancies:update", "vacancies:confirm")
    )
    now, zone = timezone.now(), timezone.get_current_timezone()
    return [
        HomeCard(
            pk=row["pk"],
            name=row["name"],
            has_figures=row["has_figures"],
            closed=bool(row["closed"]),
            closed_reason=CLOSURE_REASONS.get(row["closed_reason"], ""),
            accepting=row["accepting"] or 0,
            freshness=freshness(row["confirmed"], now, zone),
            detail_url=detail(row["pk"]),
            update_url=update(row["pk"]),
            confirm_url=confirm(row["pk"]),
        )
        for row in rows
    ]


@require_GET
@vary_on_headers("HX-Request")
@permission_required(keeps_homes)
def my_homes(request: HtmxHttpRequest) -> HttpResponse:
    stale_only = bool(request.GET.get("stale"))
    page = my_homes_list.page(request.user, request.GET.get("page"), stale_only=stale_only)
    page.object_list = _cards(page.object_list)
    context = {
        "page": page,
        "stale_only": stale_only,
        "total": page.paginator.count,
        "filter_form": MyHomesFilter(initial={"stale": stale_only}),
        "contributed": "" if request.htmx else contributions(MY_HOMES, request),
    }
    template = "vacancies/my_homes.jinja#home_list" if request.htmx else "vacancies/my_homes.jinja"
    return render(request, template, context)


@require_POST
@home_permission_required(UPDATE_HOME, fields=("name", "cqc_location_id"))  # all it says of the home
def confirm(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    """ "No change today": one tap."""
    confirmed = confirm_no_change([home], request.user)
    if confirmed:
        audit.record(VacancyAction.VACANCIES_CONFIRMED, target=f"{home.name} ({home.cqc_location_id})")
    if request.htmx:
        card = macro("home_card", "vacancies/home_card.jinja")
        return HttpResponse(card(_my_homes_one(request, home.pk), get_token(request), just_confirmed=bool(confirmed)))
    if confirmed:
        messages.success(request, f"{home.name}: confirmed no change. Its figures are now marked as current.")
    else:
        messages.error(request, f"{home.name} has no figures yet: update its vacancies first.")
    return redirect(safe_next(request, fallback=reverse("vacancies:my_homes")))


def _my_homes_one(request, pk):
    return _cards([my_homes_list.one(request.user, pk)])[0]


@require_POST
@permission_required(keeps_homes)
def confirm_all(request: HtmxHttpRequest) -> HttpResponse:
    homes = list(
        CareHome.objects.filter(pk__in=my_homes_list.ids(request.user, stale_only=bool(request.GET.get("stale"))))
    )
    confirmed = confirm_no_change(homes, request.user)
    audit.record(VacancyAction.VACANCIES_CONFIRMED, target=f"{confirmed} homes", detail="Confirm all unchanged")
    skipped = len(homes) - confirmed
    message = f"Confirmed no change for {confirmed} home{pluralize(confirmed)}."
    if skipped == 1:
        message += " 1 home has no figures yet: update it first."
    elif skipped:
        message += f" {skipped} homes have no figures yet: update them first."
    messages.success(request, message)
    return redirect("vacancies:my_homes")


def _category_forms(rows: dict, data=None):
    forms = [
        CategoryForm(data, category=category, initial=CategoryForm.initial_from(row))
        for category, row in in_category_order(rows.items(), lambda item: item[0])
    ]
    return forms, set(rows)


@require_http_methods(["GET", "POST"])
@home_permission_required(UPDATE_HOME, fields=("name", "cqc_location_id", "registered_beds"))  # what it says of it
def update(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    if request.method == "POST":
        # The figures the form is checked against are the ones saved: read once, locked.
        with transaction.atomic():
            return _update(request, home, locked_figures(home))
    return _update(request, home, figures(home))


def _update(request: HtmxHttpRequest, home: CareHome, figures) -> HttpResponse:
    board, rows = figures
    data = request.POST if request.method == "POST" else None
    category_forms, offered = _category_forms(rows, data)
    closure = HomeClosureForm(
        data,
        initial={
            "closed_to_admissions": board.closed_to_admissions,
            "closed_reason": board.closed_reason,
            "reopening_date": board.reopening_date,
            "version": board.version,
        },
    )
    add = AddCategoryForm(data, offered=offered, prefix="add")
    context = {
        "home": home,
        "board": board,
        "category_forms": category_forms,
        "closure": closure,
        "add": add,
        "freshness": freshness(board.last_confirmed_at),
        "above_registration": above_registration(home, [form.initial["capacity"] for form in category_forms]),
    }
    if request.method == "POST":
        forms = [*category_forms, closure, add]
        if all(form.is_valid() for form in forms):
            categories = {form.category: form.cleaned_data for form in category_forms}
            if add.cleaned_data.get("new_category"):
                categories[add.cleaned_data["new_category"]] = _new_category_values(add.cleaned_data["new_capacity"])
            if not categories and not add.cleaned_data.get("new_category"):
                add.add_error("new_category", "Add the care categories your home offers, with their registered beds")
                context["errors"] = _error_summary(forms)
                return render(request, "vacancies/update.jinja", context, status=200)
            try:
                save_vacancies(
                    home,
                    request.user,
                    loaded_version=closure.cleaned_data["version"],
                    categories=categories,
                    home_values=closure.cleaned_data,
                    locked=figures,
                )
            except Conflict as conflict:
                closure.data = closure.data.copy()
                closure.data["version"] = conflict.version
                context["conflict"] = conflict.changes
                return render(request, "vacancies/update.jinja", context, status=409)
            audit.record(VacancyAction.VACANCIES_CHANGED, target=f"{home.name} ({home.cqc_location_id})")
            messages.success(request, f"{home.name}: vacancies saved.")
            if warning := above_registration(home, [values["capacity"] for values in categories.values()]):
                messages.warning(request, warning)
            if add.cleaned_data.get("new_category"):
                return redirect("vacancies:update", pk=home.pk)
            return redirect(safe_next(request, fallback=reverse("vacancies:my_homes")))
        context["errors"] = _error_summary(forms)
    return render(request, "vacancies/update.jinja", context)


def above_registration(home, capacities: list[int]) -> str:
    """A warning when a home's beds by category add up to more than CQC registers it for
    (not a refusal: registrations lag reality); empty otherwise."""
    total = sum(capacity or 0 for capacity in capacities)
    if home.registered_beds is None or total <= home.registered_beds:
        return ""
    return (
        f"The registered beds of {home.name}'s care categories add up to {total}, more than the "
        f"{home.registered_beds} CQC registers it for. Check them, or ask your council to update its registration."
    )


def _new_category_values(capacity: int) -> dict:
    return {
        "capacity": capacity,
        "occupied": 0,
        "vacant_accepting": 0,
        "vacant_unavailable": 0,
        "unavailable_reason": "",
        "sex": "any",
        "closed": False,
        "closed_reason": "",
        "reopening_date": None,
    }


def _error_summary(forms) -> list[tuple[str, str]]:
    items = []
    for form in forms:
        for anchor, message in form.error_summary():
            label = getattr(form, "label", "")
            items.append((anchor, f"{label}: {message}" if label else message))
    return items


@require_POST
@home_permission_required(UPDATE_HOME)
def check(request: HtmxHttpRequest, home: CareHome, category: str) -> HttpResponse:
    """Inline validation while typing: one category's messages, nothing saved."""
    if category not in CareCategory.values:
        raise Http404
    form = CategoryForm(request.POST, category=category)
    form.is_valid()
    return render(request, "vacancies/update.jinja#category_check", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def confirm_from_reminder(request: HtmxHttpRequest, pk: int, token: str) -> HttpResponse:
    """The link in a reminder: shows the home's figures (opening it changes nothing), and one
    tap confirms them, without signing in (vacancies/reminder_links.py)."""
    try:
        link = reminder_links.read(pk, token)
    except reminder_links.LinkProblem as problem:
        context = {"problem": problem, "words": reminder_links.WORDS}
        return render(request, "vacancies/reminder_link.jinja", context, status=problem.status)
    if request.method == "POST":
        reminder_links.confirm(link, request)
        return redirect(request.path)  # the page then says what was confirmed, and a reload records nothing
    board = HomeVacancies.objects.filter(home=link.home).only("last_confirmed_at").first()
    context = {
        "home": link.home,
        "state": reminder_links.state(link),
        "figures": reminder_links.figures_line(link.home),
        "fresh": freshness(board.last_confirmed_at if board else None),
        "words": reminder_links.WORDS,
        "update_href": reverse("vacancies:update", args=[link.home.pk]),
    }
    return render(request, "vacancies/reminder_link.jinja", context)


@require_http_methods(["GET", "POST"])
@permission_required(may_search)
@home_permission_required(VIEW_HOME)
def report_figures(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    """ "This figure was wrong": a coordinator (or a council) reports a home's figures after a call."""
    categories = [row.category for row in in_category_order(CategoryVacancy.objects.filter(home=home))]
    form = FigureReportForm(request.POST if request.method == "POST" else None, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            reports.report(home, request.user, **form.cleaned_data)
        except reports.TooMany:
            form.add_error("problem", f"You have reported {home.name} {reports.PER_DAY} times today: call the "
                                      "home, or its council, instead")  # fmt: skip
        else:
            messages.success(request, f"Thank you. {home.name}'s staff have been told, and its council can see it.")
            return redirect("vacancies:home", pk=home.pk)
    return render(request, "vacancies/report.jinja", {"home": home, "form": form})
