"""Inviting people by email: a one-time link that expires after 7 days and lets
them set a password. Resending makes a new link (the old one stops working)."""

import datetime
import hashlib
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.contrib.auth.decorators import login_not_required
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import audit, permissions
from accounts.models import Invitation, Membership
from accounts.permissions import manages_invitations, permission_required
from accounts.roles import roles_for
from tracker.forms import NhsFormMixin
from tracker.http import safe_next, with_next


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitations_managed_by(user):
    """Invitations this user may see, resend and revoke."""
    return Invitation.objects.filter(permissions.invitations(roles_for(user)))


def send_invitation(request: HttpRequest, invitation: Invitation) -> None:
    """(Re)issue the link: a fresh token, 7 more days, and the email."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = _hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=Invitation.LIFETIME_DAYS)
    invitation.save()
    link = request.build_absolute_uri(reverse("accept_invitation", args=[token]))
    context = {"invitation": invitation, "link": link, "inviter": request.user, "days": Invitation.LIFETIME_DAYS}
    send_mail(
        subject=f"You are invited to the {settings.SERVICE_NAME}",
        message=render_to_string("invitations/email.txt.jinja", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invite(request: HttpRequest, *, email: str, full_name: str, role: str, **scope) -> Invitation:
    """Create and send an invitation; an open one for the same person and place is replaced."""
    with transaction.atomic():
        Invitation.objects.open().filter(email=email, role=role, **scope).update(revoked_at=timezone.now())
        invitation = Invitation(
            email=email, full_name=full_name, role=role, invited_by=request.user, token_hash="", **scope
        )
        send_invitation(request, invitation)
        audit.record(
            audit.Action.INVITATION_SENT, target=email, detail=f"{invitation.get_role_display()} {invitation.scope}"
        )
    return invitation


class InviteForm(NhsFormMixin, forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email address", help_text="Their work email: they will sign in with it.")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


@require_POST
@permission_required(manages_invitations)
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(invitations_managed_by(request.user).open(), pk=pk)
    send_invitation(request, invitation)
    messages.success(request, f"Invitation sent again to {invitation.email}. The new link works for 7 days.")
    return redirect(safe_next(request, fallback=reverse("invitations")))


@require_POST
@permission_required(manages_invitations)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(invitations_managed_by(request.user).open(), pk=pk)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    messages.success(request, f"Invitation for {invitation.email} revoked. Its link no longer works.")
    return redirect(safe_next(request, fallback=reverse("invitations")))


@permission_required(manages_invitations)
def invitation_list(request: HttpRequest) -> HttpResponse:
    invitations = (
        invitations_managed_by(request.user).open().select_related("home", "provider", "local_authority", "invited_by")
    )
    return render(request, "invitations/list.jinja", {"invitations": invitations, "now": timezone.now()})


class AcceptInvitationForm(NhsFormMixin, forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=200)
    password1 = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label="Type the password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = "At least 12 characters. Not a common password, and not all numbers."

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match")
        elif p1:
            user = get_user_model()(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _membership_for(invitation: Invitation, user) -> None:
    Membership.objects.get_or_create(
        user=user,
        role=invitation.role,
        home=invitation.home,
        provider=invitation.provider,
        local_authority=invitation.local_authority,
        team=invitation.team,
        defaults={"created_by": invitation.invited_by},
    )


@login_not_required
def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.pending().filter(token_hash=_hash(token)).first()
    if invitation is None:
        return render(request, "invitations/invalid.jinja", status=404)
    User = get_user_model()
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing:
        # They already have an account: the link adds the role once they prove who they are.
        if request.user.is_authenticated and request.user.pk == existing.pk:
            if request.method == "POST":
                with transaction.atomic():
                    _membership_for(invitation, existing)
                    invitation.accepted_at, invitation.accepted_by = timezone.now(), existing
                    invitation.save(update_fields=["accepted_at", "accepted_by"])
                messages.success(request, f"You now have access as {invitation.get_role_display().lower()}.")
                return redirect("start")
            return render(request, "invitations/accept_existing.jinja", {"invitation": invitation})
        messages.info(request, "You already have an account: sign in to accept the invitation.")
        return redirect(with_next(reverse("login"), request.path))

    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
            _membership_for(invitation, user)
            invitation.accepted_at, invitation.accepted_by = timezone.now(), user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(audit.Action.INVITATION_ACCEPTED, user=user, request=request, target=str(invitation.scope or ""))
        login(request, user, backend="accounts.backends.PersonBackend")
        messages.success(request, "Your account is ready. You are signed in.")
        return redirect("start")
    return render(request, "invitations/accept.jinja", {"invitation": invitation, "form": form})
