from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from homes.forms import AddCareHomeForm, EditCareHomeForm
from homes.models import CareHome, LocalAuthority
from tracker import audit
from tracker.invitations import InviteForm, invite
from tracker.models import Invitation, Membership, Role
from tracker.roles import roles_for
from tracker.views import HtmxHttpRequest
from vacancies.cards import shortlist_button_html, shortlist_item
from vacancies.models import ShortlistEntry
from vacancies.panel import vacancy_panel


def _home_for(user, pk: int, queryset_name: str) -> CareHome:
    """Load one home through a scoped queryset: an outsider gets 404."""
    scoped = getattr(CareHome.objects, queryset_name)(user)
    return get_object_or_404(scoped.select_related("provider", "local_authority__region"), pk=pk)


def require_onboarding(request):
    if not roles_for(request.user).can_onboard:
        raise Http404


@require_GET
@vary_on_headers("HX-Request")
def council_homes(request: HtmxHttpRequest) -> HttpResponse:
    """The homes a council admin onboards and looks after, with a name filter."""
    require_onboarding(request)
    roles = roles_for(request.user)
    homes = CareHome.objects.administered_by(request.user).select_related("provider", "local_authority")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        homes = homes.filter(Q(name__icontains=query) | Q(cqc_location_id=query) | Q(postcode__istartswith=query))
    authorities = None
    la_code = request.GET.get("la", "")
    if roles.is_service_admin:
        authorities = LocalAuthority.objects.councils()
        if la_code:
            homes = homes.filter(local_authority__gss_code=la_code)
    homes = homes.annotate(
        staff_count=Count("memberships", filter=Q(memberships__role=Role.HOME_STAFF), distinct=True),
        open_invitations=Count(
            "invitations",
            filter=Q(
                invitations__accepted_at__isnull=True,
                invitations__revoked_at__isnull=True,
                invitations__expires_at__gt=timezone.now(),
            ),
            distinct=True,
        ),
    )
    page = Paginator(homes.order_by("name"), 50).get_page(request.GET.get("page"))
    areas = LocalAuthority.objects.filter(pk__in=roles.council_la_ids)
    context = {"page": page, "query": query, "authorities": authorities, "la_code": la_code, "areas": areas}
    template = "homes/council_homes.html#results" if request.htmx else "homes/council_homes.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def add_home(request: HtmxHttpRequest) -> HttpResponse:
    require_onboarding(request)
    form = AddCareHomeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        home = form.save()
        audit.record(audit.Action.HOME_ADDED, target=f"{home.name} ({home.cqc_location_id})")
        messages.success(request, f"{home.name} has been added. Now invite its manager.")
        return redirect("homes:staff", pk=home.pk)
    return render(request, "homes/add_home.html", {"form": form})


@require_GET
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    home = _home_for(request.user, pk, "visible_to")
    user = request.user
    context = {
        "home": home,
        "can_edit": CareHome.objects.editable_by(user).filter(pk=pk).exists(),
        "can_manage_staff": CareHome.objects.staff_managed_by(user).filter(pk=pk).exists(),
        "can_read_history": CareHome.objects.administered_by(user).filter(pk=pk).exists(),
        "vacancy": vacancy_panel(home),
        "can_shortlist": roles_for(user).can_search,
        "back": _search_back_link(request),
    }
    if context["can_shortlist"]:
        item = shortlist_item(home, ShortlistEntry.objects.filter(user=user, home=home).exists())
        context["shortlist_button"] = shortlist_button_html(
            item, csrf_token=get_token(request), next_path=request.get_full_path()
        )
    return render(request, "homes/detail.html", context)


def _search_back_link(request) -> str:
    """Back to the search results this home was opened from, filters intact."""
    back = request.GET.get("back", "")
    return f"{reverse('search:search')}?{back}" if back else ""


@require_http_methods(["GET", "POST"])
def edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    home = _home_for(request.user, pk, "editable_by")
    form = EditCareHomeForm(request.POST or None, instance=home, user=request.user)
    if request.method == "POST" and form.is_valid():
        if form.save_details():
            audit.record(audit.Action.HOME_CHANGED, target=f"{home.name} ({home.cqc_location_id})",
                         detail=", ".join(sorted(form.changed_data)))  # fmt: skip
            messages.success(request, f"{home.name}'s details have been saved.")
            return redirect("homes:detail", pk=home.pk)
        return render(
            request, "homes/edit.html", {"form": form, "home": home, "conflict": form.conflicting_changes}, status=409
        )
    return render(request, "homes/edit.html", {"form": form, "home": home})


@require_GET
def history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    home = _home_for(request.user, pk, "administered_by")
    changes = home.changes.select_related("changed_by")
    page = Paginator(changes, 100).get_page(request.GET.get("page"))
    return render(request, "homes/history.html", {"home": home, "page": page})


@require_http_methods(["GET", "POST"])
def staff(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who can update this home, who is invited, and a form to invite someone."""
    home = _home_for(request.user, pk, "staff_managed_by")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if Membership.objects.filter(home=home, role=Role.HOME_STAFF, user__email=email).exists():
            form.add_error("email", f"{email} is already on the staff of {home.name}")
        else:
            invite(request, email=email, full_name=form.cleaned_data["full_name"], role=Role.HOME_STAFF, home=home)
            messages.success(request, f"Invitation sent to {email}. The link works for 7 days.")
            return redirect("homes:staff", pk=home.pk)
    members = Membership.objects.filter(home=home, role=Role.HOME_STAFF).select_related("user").order_by("user__email")
    invitations = Invitation.objects.open().filter(home=home).select_related("invited_by")
    return render(
        request, "homes/staff.html", {"home": home, "form": form, "members": members, "invitations": invitations}
    )


@require_POST
def remove_staff(request: HtmxHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    home = _home_for(request.user, pk, "staff_managed_by")
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_pk, home=home)
    membership.delete()
    messages.success(request, f"{membership.user.email} can no longer update {home.name}.")
    return redirect("homes:staff", pk=home.pk)
