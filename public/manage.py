"""Where a home's staff (and its provider and council) say what families see on its
public page, with a preview before saving. Signed in, unlike the rest of public/."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts import audit
from accounts.permissions import UPDATE_HOME
from homes.access import home_permission_required
from homes.audit_actions import HomeAction
from public.forms import PublicProfileForm
from public.profile import facts_of, profile_of
from registers.models import CareHome
from tracker.http import HtmxHttpRequest


@require_http_methods(["GET", "POST"])
@home_permission_required(UPDATE_HOME)
def edit_public_page(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    form = PublicProfileForm(request.POST or None, instance=home, user=request.user)
    context = {"home": home, "form": form, "preview": None, "conflict": []}
    status = 200
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            context["preview"] = profile_of(form.preview(facts_of(home.cqc_location_id)))
        elif form.save_versioned():
            if form.changed_data:
                audit.record(HomeAction.HOME_CHANGED, target=f"{home.name} ({home.cqc_location_id})",
                             detail="public page: " + ", ".join(sorted(form.changed_data)))  # fmt: skip
            messages.success(request, f"{home.name}'s public page has been saved.")
            if request.htmx:
                return HttpResponseClientRedirect(reverse("vacancies:home", args=[home.pk]))
            return redirect("vacancies:home", pk=home.pk)
        else:
            # htmx swaps only successful answers: it shows the conflict in the page with a 200.
            context["conflict"], status = form.conflicting_changes, 200 if request.htmx else 409
    template = "public/edit.jinja#editor" if request.htmx else "public/edit.jinja"
    return render(request, template, context, status=status)
