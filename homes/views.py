from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from accounts import audit
from accounts.invitations import InviteForm, invite
from accounts.models import Invitation, Membership, Role
from accounts.permissions import ADMINISTER_HOME, MANAGE_STAFF, UPDATE_HOME, may_onboard, permission_required
from accounts.roles import roles_for
from homes.access import allowed, location_permission_required
from homes.audit_actions import HomeAction
from homes.cqc_views import newly_registered
from homes.forms import AddCareHomeForm, CqcFactsForm, EditCareHomeForm, correcting_for
from registers.choices import HomeStatus
from registers.models import CareHome, LocalAuthority
from tracker.forms import NhsFormMixin
from tracker.http import HtmxHttpRequest


class HomesFilterForm(NhsFormMixin, forms.Form):
    """The council's list of homes: by name, CQC location ID or postcode; service admins by council too."""

    all_optional = True
    q = forms.CharField(
        label="Name, CQC location ID or postcode",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"id": "q", "type": "search", "autocomplete": "off", "class": "nhsuk-input--width-20"}
        ),
    )

    def __init__(self, *args, authorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authorities is not None:
            self.fields["la"] = forms.ChoiceField(
                label="Local authority",
                required=False,
                choices=[("", "All of England"), *((la.gss_code, la.name) for la in authorities)],
                widget=forms.Select(attrs={"id": "la"}),
            )


@require_GET
@vary_on_headers("HX-Request")
@permission_required(may_onboard)
def council_homes(request: HtmxHttpRequest) -> HttpResponse:
    """The homes a council admin onboards and looks after, with a name filter."""
    roles = roles_for(request.user)
    homes = allowed(CareHome.objects, ADMINISTER_HOME, request.user).select_related("provider", "local_authority")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        homes = homes.filter(Q(name__icontains=query) | Q(cqc_location_id=query) | Q(postcode__istartswith=query))
    authorities = None
    la_code = request.GET.get("la", "")
    if roles.is_service_admin:
        authorities = LocalAuthority.objects.councils()
        if la_code:
            homes = homes.filter(local_authority__gss_code=la_code)
    # The count and how many hide their availability publicly, in one query.
    counts = homes.aggregate(
        total=Count("pk"), hidden=Count("pk", filter=Q(status=HomeStatus.ACTIVE, shows_availability=False))
    )
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
    paginator = Paginator(homes.order_by("name"), 50)
    paginator.count = counts["total"]
    page = paginator.get_page(request.GET.get("page"))
    areas = LocalAuthority.objects.filter(pk__in=roles.council_la_ids)
    if request.htmx:  # the filter's results only
        context = {"page": page, "hidden": counts["hidden"], "query": query}
        return render(request, "homes/council_homes.jinja#results", context)
    context = {
        "newly_registered": newly_registered(roles, la_code),
        "register": {"what": "care homes", "column": "Home", "next": request.path},
        "page": page,
        "hidden": counts["hidden"],
        "query": query,
        "areas": areas,
        "filter_form": HomesFilterForm(initial={"q": query, "la": la_code}, authorities=authorities),
    }
    return render(request, "homes/council_homes.jinja", context)


@require_http_methods(["GET", "POST"])
@permission_required(may_onboard)
def add_home(request: HtmxHttpRequest) -> HttpResponse:
    form = AddCareHomeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        home = form.save()
        audit.record(HomeAction.HOME_ADDED, target=f"{home.name} ({home.cqc_location_id})")
        messages.success(request, f"{home.name} has been added. Now invite its manager.")
        return redirect("homes:staff", pk=home.pk)
    return render(request, "homes/add_home.jinja", {"form": form})


@require_http_methods(["GET", "POST"])
@location_permission_required(UPDATE_HOME, "provider", "local_authority")
def edit(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    form = EditCareHomeForm(request.POST or None, instance=home, user=request.user)
    if request.method == "POST" and form.is_valid():
        if form.save_versioned():
            audit.record(HomeAction.HOME_CHANGED, target=f"{home.name} ({home.cqc_location_id})",
                         detail=", ".join(sorted(form.changed_data)))  # fmt: skip
            messages.success(request, f"{home.name}'s details have been saved.")
            return redirect(home.page_url)
        return render(
            request, "homes/edit.jinja", {"form": form, "home": home, "conflict": form.conflicting_changes}, status=409
        )
    return render(request, "homes/edit.jinja", {"form": form, "home": home})


@require_http_methods(["GET", "POST"])
@location_permission_required(ADMINISTER_HOME, "provider", "local_authority")
def correct_cqc_facts(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    """A council admin (their area's homes and agencies) or a service admin corrects CQC's facts
    that an import got wrong, with a reason: the only way a person sets them (ADR 015)."""
    organisation = correcting_for(roles_for(request.user), home)
    form = CqcFactsForm(request.POST or None, instance=home, user=request.user, organisation=organisation)
    context, status = {"home": home, "form": form, "conflict": []}, 200
    if request.method == "POST" and form.is_valid():
        if form.save_versioned():
            audit.record(HomeAction.CQC_FACTS_CORRECTED, target=f"{home.name} ({home.cqc_location_id})",
                         detail="; ".join(change.summary for change in form.saved_changes))  # fmt: skip
            messages.success(request, f"{home.name}'s CQC facts have been corrected.")
            if request.htmx:
                return HttpResponseClientRedirect(home.page_url)
            return redirect(home.page_url)
        # htmx swaps only successful answers: it shows the conflict in the page with a 200.
        context["conflict"], status = form.conflicting_changes, 200 if request.htmx else 409
    template = "homes/cqc_facts.jinja#editor" if request.htmx else "homes/cqc_facts.jinja"
    return render(request, template, context, status=status)


@require_GET
@location_permission_required(ADMINISTER_HOME, "provider")
def history(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    changes = home.changes.select_related("changed_by")
    page = Paginator(changes, 100).get_page(request.GET.get("page"))
    return render(request, "homes/history.jinja", {"home": home, "page": page})


@require_http_methods(["GET", "POST"])
@location_permission_required(MANAGE_STAFF, "provider")
def staff(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    """Who can update this home, who is invited, and a form to invite someone."""
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
    for member in members:
        member.summary = member.user.email + ("" if member.user.is_active else " (account deactivated)")
        member.remove_url = reverse("homes:remove_staff", args=[home.pk, member.pk])
    invitations = Invitation.objects.open().filter(home=home).select_related("invited_by")
    nobody = f"Nobody can update this {home.get_kind_display().lower()} yet. Invite its manager below."
    context = {"home": home, "form": form, "members": members, "invitations": invitations, "nobody": nobody}
    return render(request, "homes/staff.jinja", context)


@require_POST
@location_permission_required(MANAGE_STAFF, "provider")
def remove_staff(request: HtmxHttpRequest, home: CareHome, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_pk, home=home)
    membership.delete()
    messages.success(request, f"{membership.user.email} can no longer update {home.name}.")
    return redirect("homes:staff", pk=home.pk)
