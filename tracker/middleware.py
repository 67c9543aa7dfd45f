from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django_htmx.http import HttpResponseClientRedirect


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's login-by-default, plus: an htmx request whose session expired
    gets HX-Redirect to sign in, so the browser leaves the page instead of
    swapping a sign-in form into the middle of it."""

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            # Come back to the page the user was on, not the fragment URL.
            next_url = request.htmx.current_url_abs_path or request.get_full_path()
            login = redirect_to_login(next_url)  # to settings.LOGIN_URL
            return HttpResponseClientRedirect(login.url)
        return super().handle_no_permission(request, view_func)


class PermissionsPolicyMiddleware:
    """The portal uses no camera, microphone, location or payment APIs."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class NulByte(BadRequest):
    """A request holding a NUL byte: its message is safe to show (handler400)."""

    def __init__(self):
        super().__init__("The request holds a NUL character.")


class RejectNulBytesMiddleware:
    """PostgreSQL cannot store or compare text with NUL bytes, and no person
    types one: a request carrying one anywhere is a bad request (400: the styled
    page, or the API's and FHIR's own error formats: handler400 in tracker/urls.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            raise NulByte
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
