"""Two-factor authentication with an authenticator app (TOTP), and recovery codes.

Council and service admins must use it; anyone else may. A signed-in person
who must (or chose to) use it reaches nothing but these pages, sign-out and
health until they enter a code. Who must is read on every request, so a role
that needs it applies from the next page, not the next sign-in.

A password alone sets up only a first authenticator: replacing one needs a
session already verified by the current app or a recovery code, otherwise
whoever knows the password could swap in their own phone. The key being set
up belongs to the session that asked for it, never shown to another. The
person is emailed whenever their second factor changes. See docs/security.md.
"""

import functools
import io
import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from accounts import audit, permissions
from accounts.backends import second_factor_exists
from accounts.models import User
from accounts.permissions import permission_required, signed_in
from accounts.roles import roles_for
from tracker.forms import NhsFormMixin
from tracker.http import is_public_page, safe_next, with_next
from tracker.notify import send_emails

RECOVERY_CODES = 10
OPEN_PATHS = ("/account/two-factor/", "/sign-out/", "/healthz", "/assets/")
PENDING_SESSION_KEY = "two_factor_pending_device"


def required_for(user) -> bool:
    return permissions.holds_admin_power(roles_for(user))


def has_second_factor(user) -> bool:
    """A confirmed authenticator app or recovery codes left. Read with the person on each
    request (accounts/backends.py); asked of the database only for a user loaded otherwise."""
    known = getattr(user, "has_second_factor", None)
    if known is not None:
        return known
    return User.objects.filter(pk=user.pk).filter(second_factor_exists()).exists()


def needs_code(user) -> bool:
    """Whether this signed-in person must give a code before anything else."""
    return not user.is_verified() and (required_for(user) or has_second_factor(user))


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public_page(view_func):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(OPEN_PATHS) and needs_code(user):
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(second_factor_page(user))
            # A view may name where to come back to (a form's page, not the POST that sent it).
            named = getattr(view_func, "after_second_factor", None)
            return redirect(with_next(second_factor_page(user), reverse(named) if named else request.get_full_path()))
        return None


def second_factor_page(user) -> str:
    """Where someone gives a code: the app's (or a recovery code), or sets one up if they have none."""
    return reverse("two_factor_verify" if has_second_factor(user) else "two_factor_setup")


def verified_session_required(*, then: str, to: str):
    """For a view that hands out lasting power (an API key outlives the session that made it):
    only a session verified by a second factor may use it, whoever it is, so a password
    alone never makes one. Anyone else is sent to give a code, or to set up an app first,
    and then back to the page named ``then``; the view does nothing. ``to`` says what for,
    in words ("make or replace an API key")."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.is_verified():
                return view(request, *args, **kwargs)
            first = "enter a code from your authenticator app" if has_second_factor(request.user) else (
                "set up two-factor authentication")  # fmt: skip
            messages.info(request, f"To {to}, first {first}.")
            target = with_next(second_factor_page(request.user), reverse(then))
            return HttpResponseClientRedirect(target) if getattr(request, "htmx", False) else redirect(target)

        wrapped.after_second_factor = then
        return wrapped

    return decorate


class CodeForm(NhsFormMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "nhsuk-input--width-10"}
        ),
    )

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device = None

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "").strip()
        for device in self.devices:
            if device.verify_token(code):
                self.device = device
                return code
        raise forms.ValidationError("That code is not right. Check the time on your phone, or use a recovery code.")


def _recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _pending_device(request) -> TOTPDevice:
    """The authenticator being set up in this session: its key is shown to this session only."""
    pk = request.session.get(PENDING_SESSION_KEY)
    device = TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first() if pk else None
    if device is None:
        # Keys left pending for a day by other sessions (abandoned, or someone else's try) go.
        TOTPDevice.objects.filter(
            user=request.user, confirmed=False, created_at__lt=timezone.now() - timezone.timedelta(days=1)
        ).delete()
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
        request.session[PENDING_SESSION_KEY] = device.pk
    return device


def tell_second_factor_changed(user, what: str, request=None) -> None:
    """Email the person that their second factor changed (``what``: "set up", "changed",
    "reset"), so a change they did not make does not go unnoticed."""
    subject = f"Two-factor authentication {what} on your {settings.SERVICE_NAME} account"
    context = {"user": user, "what": what, "at": timezone.localtime(), "service_name": settings.SERVICE_NAME}
    body = render_to_string("two_factor/changed_email.txt.jinja", context)
    send_emails(
        [user.email], template_id=settings.NOTIFY_ENQUIRY_TEMPLATE_ID,
        personalisation={"subject": subject, "body": body},
        reference=f"two-factor-{user.pk}-{int(timezone.now().timestamp())}", subject=subject, body=lambda: body,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@permission_required(signed_in)
def setup(request) -> HttpResponse:
    """Link an authenticator app: scan the QR code (or type the key), enter a code. Replacing
    an app needs this session verified by the current one (or a recovery code) first."""
    replacing = has_second_factor(request.user)
    if replacing and not request.user.is_verified():
        messages.info(
            request, "To change your authenticator app, first enter a code from your current app or a recovery code."
        )
        return redirect(with_next(reverse("two_factor_verify"), request.get_full_path()))
    device = _pending_device(request)
    form = CodeForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save()
            codes = _recovery_codes(request.user)
            what = "changed" if replacing else "set up"
            audit.record(
                audit.Action.TWO_FACTOR_CHANGED if replacing else audit.Action.TWO_FACTOR_SET_UP,
                target=request.user.email,
            )
            transaction.on_commit(lambda: tell_second_factor_changed(request.user, what))
        request.session.pop(PENDING_SESSION_KEY, None)
        otp_login(request, device)
        return render(
            request,
            "two_factor/recovery_codes.jinja",
            {"codes": codes, "next": safe_next(request, fallback=reverse("start"))},
        )
    buffer = io.BytesIO()
    write_qrcode_image(device.config_url, buffer)
    # The SVG element alone, inline; qrcode made it from our own data, nothing a user typed.
    svg = mark_safe(buffer.getvalue().decode().split("?>", 1)[-1])  # noqa: S308
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {
        "form": form,
        "qr": svg,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "replacing": replacing,
    }
    return render(request, "two_factor/setup.jinja", context)


@require_http_methods(["GET", "POST"])
@permission_required(signed_in)
def verify(request) -> HttpResponse:
    devices = [
        *TOTPDevice.objects.filter(user=request.user, confirmed=True),
        *StaticDevice.objects.filter(user=request.user),
    ]
    if not devices:
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = form.device.token_set.count()
            messages.warning(request, f"You used a recovery code. {left} left: set up your app again if you lost it.")
        return redirect(safe_next(request, fallback=reverse("start")))
    return render(request, "two_factor/verify.jinja", {"form": form})


@require_GET
@permission_required(signed_in)
def account(request) -> HttpResponse:
    """The signed-in person's own account: password and two-factor authentication."""
    context = {
        "has_second_factor": has_second_factor(request.user),
        "required": required_for(request.user),
        "recovery_codes_left": StaticToken.objects.filter(device__user=request.user).count(),
    }
    return render(request, "registration/account.jinja", context)
