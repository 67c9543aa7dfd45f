from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from homes.models import CareHome
from tracker import audit
from tracker.roles import roles_for
from tracker.views import HtmxHttpRequest
from vacancies.cards import url_for_each
from vacancies.forms import AddCategoryForm, CategoryForm, HomeClosureForm
from vacancies.freshness import STALE_AFTER, freshness
from vacancies.models import CareCategory, CategoryVacancy
from vacancies.updates import Conflict, board_for, confirm_no_change, save_vacancies


def _editable_home(user, pk: int) -> CareHome:
    """A home this user may update; 404 for anyone else."""
    return get_object_or_404(CareHome.objects.editable_by(user).select_related("provider"), pk=pk)


def _with_board(homes):
    """Homes with their board and whether they have any figures yet (for the My homes cards)."""
    return homes.select_related("vacancies").annotate(
        has_figures=Exists(CategoryVacancy.objects.filter(home=OuterRef("pk")))
    )


def _my_homes(request):
    homes = _with_board(CareHome.objects.editable_by(request.user).active())
    if request.GET.get("stale"):
        homes = homes.filter(
            Q(vacancies__isnull=True)
            | Q(vacancies__last_confirmed_at__isnull=True)
            | Q(vacancies__last_confirmed_at__lt=timezone.now() - STALE_AFTER)
        )
    return homes.order_by("name")


def _with_freshness(homes):
    """Freshness and links for each home card (the links made once a page: a
    provider admin's page has 100 homes)."""
    detail, update, confirm = (url_for_each(name) for name in ("homes:detail", "vacancies:update", "vacancies:confirm"))
    for home in homes:
        board = getattr(home, "vacancies", None)
        home.freshness = freshness(board.last_confirmed_at if board else None)
        home.detail_url, home.update_url, home.confirm_url = detail(home.pk), update(home.pk), confirm(home.pk)
    return homes


@require_GET
@vary_on_headers("HX-Request")
def my_homes(request: HtmxHttpRequest) -> HttpResponse:
    if not roles_for(request.user).updates_homes:
        raise Http404
    homes = _my_homes(request)
    page = Paginator(homes, 100).get_page(request.GET.get("page"))
    _with_freshness(page.object_list)
    context = {"page": page, "stale_only": bool(request.GET.get("stale")), "total": page.paginator.count}
    template = "vacancies/my_homes.html#home_list" if request.htmx else "vacancies/my_homes.html"
    return render(request, template, context)


@require_POST
def confirm(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """ "No change today": one tap."""
    home = _editable_home(request.user, pk)
    confirmed = confirm_no_change([home], request.user)
    if confirmed:
        audit.record(audit.Action.VACANCIES_CONFIRMED, target=f"{home.name} ({home.cqc_location_id})")
    if request.htmx:
        home = _my_homes_one(request, pk)
        return render(request, "vacancies/my_homes.html#home_row", {"home": home, "just_confirmed": bool(confirmed)})
    if confirmed:
        messages.success(request, f"{home.name}: confirmed no change. Its figures are now marked as current.")
    else:
        messages.error(request, f"{home.name} has no figures yet: update its vacancies first.")
    return redirect(request.POST.get("next") or "vacancies:my_homes")


def _my_homes_one(request, pk):
    home = _with_board(CareHome.objects.filter(pk=pk)).get()
    return _with_freshness([home])[0]


@require_POST
def confirm_all(request: HtmxHttpRequest) -> HttpResponse:
    if not roles_for(request.user).updates_homes:
        raise Http404
    homes = list(_my_homes(request))
    confirmed = confirm_no_change(homes, request.user)
    audit.record(audit.Action.VACANCIES_CONFIRMED, target=f"{confirmed} homes", detail="Confirm all unchanged")
    skipped = len(homes) - confirmed
    message = f"Confirmed no change for {confirmed} home{pluralize(confirmed)}."
    if skipped == 1:
        message += " 1 home has no figures yet: update it first."
    elif skipped:
        message += f" {skipped} homes have no figures yet: update them first."
    messages.success(request, message)
    return redirect("vacancies:my_homes")


def _category_forms(home, data=None):
    rows = {row.category: row for row in home.categories.all()}
    forms = [
        CategoryForm(data, category=category, initial=CategoryForm.initial_from(row))
        for category, row in sorted(rows.items(), key=lambda item: CareCategory.values.index(item[0]))
    ]
    return forms, set(rows)


@require_http_methods(["GET", "POST"])
def update(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    home = _editable_home(request.user, pk)
    board = board_for(home)
    data = request.POST if request.method == "POST" else None
    category_forms, offered = _category_forms(home, data)
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
                return render(request, "vacancies/update.html", context, status=200)
            try:
                save_vacancies(
                    home,
                    request.user,
                    loaded_version=closure.cleaned_data["version"],
                    categories=categories,
                    home_values=closure.cleaned_data,
                )
            except Conflict as conflict:
                closure.data = closure.data.copy()
                closure.data["version"] = conflict.version
                context["conflict"] = conflict.changes
                return render(request, "vacancies/update.html", context, status=409)
            audit.record(audit.Action.VACANCIES_CHANGED, target=f"{home.name} ({home.cqc_location_id})")
            messages.success(request, f"{home.name}: vacancies saved.")
            if add.cleaned_data.get("new_category"):
                return redirect("vacancies:update", pk=home.pk)
            return redirect(request.POST.get("next") or "vacancies:my_homes")
        context["errors"] = _error_summary(forms)
    return render(request, "vacancies/update.html", context)


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
def check(request: HtmxHttpRequest, pk: int, category: str) -> HttpResponse:
    """Inline validation while typing: one category's messages, nothing saved."""
    _editable_home(request.user, pk)
    if category not in CareCategory.values:
        raise Http404
    form = CategoryForm(request.POST, category=category)
    form.is_valid()
    return render(request, "vacancies/update.html#category_check", {"form": form})
