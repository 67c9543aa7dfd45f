"""Two-factor authentication with an authenticator app (TOTP), and recovery codes.

Council and service admins must use it; anyone else may. A signed-in person
who must (or chose to) use it reaches nothing but these pages, sign-out and
health until they enter a code. See docs/security.md.
"""

import io
import secrets

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from accounts import audit, permissions
from accounts.roles import roles_for
from tracker.forms import NhsFormMixin
from tracker.http import is_public_page

RECOVERY_CODES = 10
OPTIONAL_SESSION_KEY = "two_factor_not_needed"
OPEN_PATHS = ("/account/two-factor/", "/sign-out/", "/healthz", "/assets/")


def required_for(user) -> bool:
    return permissions.holds_admin_power(roles_for(user))


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public_page(view_func):
            return None
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
            and self._needs_second_factor(request, user)
        ):
            target = reverse("two_factor_verify" if has_device(user) else "two_factor_setup")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(target)
            return redirect(f"{target}?next={request.get_full_path()}")
        return None

    @staticmethod
    def _needs_second_factor(request, user) -> bool:
        # Checked once per sign-in for people who need no code, not on every request.
        if request.session.get(OPTIONAL_SESSION_KEY):
            return False
        if required_for(user) or has_device(user):
            return True
        request.session[OPTIONAL_SESSION_KEY] = True
        return False


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


def _safe_next(request) -> str:
    target = request.GET.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else reverse("start")


def _recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@require_http_methods(["GET", "POST"])
def setup(request) -> HttpResponse:
    """Link an authenticator app: scan the QR code (or type the key), enter a code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        request.session.pop(OPTIONAL_SESSION_KEY, None)
        TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
        device.confirmed = True
        device.save()
        otp_login(request, device)
        codes = _recovery_codes(request.user)
        audit.record(audit.Action.TWO_FACTOR_SET_UP, target=request.user.email)
        return render(request, "two_factor/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
    buffer = io.BytesIO()
    write_qrcode_image(device.config_url, buffer)
    # The SVG element alone, inline; qrcode made it from our own data, nothing a user typed.
    svg = mark_safe(buffer.getvalue().decode().split("?>", 1)[-1])  # noqa: S308
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {
        "form": form,
        "qr": svg,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "two_factor/setup.html", context)


@require_http_methods(["GET", "POST"])
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
        return redirect(_safe_next(request))
    return render(request, "two_factor/verify.html", {"form": form})
