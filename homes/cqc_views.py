"""CQC's register in the portal: a newly registered home or home-care agency onboarded in one
click by its council, and the CQC sync's runs for service admins (homes/cqc_sync.py)."""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit, permissions
from accounts.permissions import may_onboard, permission_required, runs_the_cqc_sync
from accounts.roles import roles_for
from homes import cqc_sync, tasks
from homes.audit_actions import HomeAction
from homes.models import CqcLocation, CqcSyncRun
from registers.choices import LocationKind
from tracker.http import HtmxHttpRequest, safe_next

RUNS_LISTED = 20
NEWLY_LISTED = 50


def newly_registered(roles, la_code: str = "", kind: str = LocationKind.CARE_HOME):
    """Care homes (or, of ``kind``, home-care agencies) registered with CQC lately that the
    portal does not have, in the person's council areas (service admins: every council's, or
    one's), newest first."""
    since = timezone.localdate() - datetime.timedelta(days=cqc_sync.NEWLY_REGISTERED_DAYS)
    found = CqcLocation.objects.newly_registered(since).filter(permissions.council_areas(roles), kind=kind)
    if la_code:
        found = found.filter(local_authority__gss_code=la_code)
    this_week = timezone.localdate() - datetime.timedelta(days=7)
    rows = list(found.select_related("local_authority").order_by("-registration_date", "name")[:NEWLY_LISTED])
    for row in rows:
        row.this_week = row.registration_date >= this_week
    return rows


@require_POST
@permission_required(may_onboard)
def add_from_register(request: HtmxHttpRequest, location_id: str) -> HttpResponse:
    """One click: a home or home-care agency made from CQC's register by the council it is in
    (only theirs reach it). Refused, back to the list it was added from (``next``)."""
    locations = CqcLocation.objects.filter(permissions.council_areas(roles_for(request.user)))
    location = get_object_or_404(locations.select_related("local_authority"), location_id=location_id)
    try:
        home = cqc_sync.onboard(location, request.user)
    except cqc_sync.CannotOnboard as refused:
        messages.error(request, str(refused))
        return redirect(safe_next(request, fallback=reverse("homes:council_homes")))
    kind = ", home-care agency" if home.is_agency else ""
    audit.record(HomeAction.HOME_ADDED, target=f"{home.name} ({home.cqc_location_id}){kind}",
                 detail="from CQC's register")  # fmt: skip
    messages.success(request, f"{home.name} has been added from CQC's register. Now invite its manager.")
    return redirect("homes:staff", pk=home.pk)


@require_http_methods(["GET", "POST"])
@permission_required(runs_the_cqc_sync)
def sync_runs(request: HtmxHttpRequest) -> HttpResponse:
    """The CQC sync's runs, what each found, and the location IDs of its problems."""
    if request.method == "POST":
        tasks.sync_cqc.enqueue(full=True)
        messages.success(request, "The worker will read every care home on CQC's register again, from now.")
        return redirect("homes:cqc_sync")
    runs = list(CqcSyncRun.objects.defer("to_read", "problems", "notes")[:RUNS_LISTED])
    chosen = request.GET.get("run", "")
    if chosen and not chosen.isdigit():
        raise Http404
    run = get_object_or_404(CqcSyncRun, pk=chosen) if chosen else CqcSyncRun.objects.first()
    context = {
        "runs": runs,
        "run": run,
        "run_summary": tasks.summary(run) if run else "",
        "counts": sorted(run.counts.items(), key=lambda count: -count[1]) if run else [],
        "last_success": cqc_sync.last_success(),
    }
    return render(request, "homes/cqc_sync.jinja", context)
