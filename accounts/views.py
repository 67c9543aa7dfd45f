"""The signed-in start page, signing in and out, and what follows a password change."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.forms import SignInForm
from accounts.navigation import shown_to
from accounts.permissions import permission_required, signed_in
from accounts.roles import roles_for
from tracker.contributions import MENU, START_PAGE, contributed, contributions
from tracker.http import HtmxHttpRequest, safe_next


@require_GET
@permission_required(signed_in)
def start(request: HtmxHttpRequest) -> HttpResponse:
    """The sections a person's roles open, and what the apps add (tracker/contributions.py);
    those whose roles give them one section that matters (care home staff: their homes) start there."""
    roles = roles_for(request.user)
    for entry in sorted(contributed(MENU), key=lambda entry: entry.position):
        if entry.start_for is not None and entry.start_for(roles) and shown_to(entry, roles):
            return redirect(entry.url_name)
    return render(request, "start.jinja", {"contributed": contributions(START_PAGE, request)})


@permission_required(signed_in)
def password_changed(request: HtmxHttpRequest) -> HttpResponse:
    messages.success(request, "Your password has been changed.")
    return redirect("start")


@require_GET
@permission_required(signed_in)
def about_data(request: HtmxHttpRequest) -> HttpResponse:
    """Where the figures come from and how fresh they are, for everyone who reads them."""
    return render(request, "about_data.jinja")


class SafeNextMixin:
    """Django's own check of "next" accepts a full URL to this host; ours takes a path only,
    by the one rule every "next" in the portal follows (tracker.http.safe_next)."""

    def get_redirect_url(self):
        return safe_next(self.request, fallback="")


class SignInView(SafeNextMixin, auth_views.LoginView):
    template_name = "registration/login.jinja"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(SafeNextMixin, auth_views.LogoutView):
    pass
