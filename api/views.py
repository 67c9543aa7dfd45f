"""API keys (made by council, provider and service admins) and the API's documentation page."""

import datetime
import functools

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models.expressions import RawSQL
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from accounts.permissions import manages_api_keys, permission_required
from accounts.roles import roles_for
from accounts.two_factor import verified_session_required
from api import fhir, keys
from api.models import ApiKey
from api.responses import problem
from registers.models import LocalAuthority, Provider
from tracker.forms import NhsFormMixin
from tracker.http import HtmxHttpRequest
from tracker.sql import table

EXPIRY = [("90", "In 90 days"), ("365", "In a year"),
          ("", "Never (revoke it when it is no longer used; not for a key that sets figures)")]  # fmt: skip


class KeyForm(NhsFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="What will use it, like “Leeds brokerage system”")
    scope = forms.ChoiceField(label="What it can read")
    expires = forms.ChoiceField(label="Expires", choices=EXPIRY, widget=forms.RadioSelect, initial="365",
                                required=False)  # fmt: skip

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if roles.is_service_admin:
            choices.append(("national:", "Every home in England (read only)"))
        councils = LocalAuthority.objects.councils().order_by("name")
        providers = Provider.objects.order_by("name")
        if not roles.is_service_admin:
            councils = councils.filter(pk__in=roles.council_la_ids)
            providers = providers.filter(pk__in=roles.provider_ids)
        else:
            providers = providers.none()  # providers make their own keys
        choices += [(f"council:{la.pk}", f"Homes in {la.name}") for la in councils]
        choices += [(f"provider:{p.pk}", f"Homes of {p.name} (and set their figures)") for p in providers]
        self.fields["scope"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if "scope" in cleaned and "expires" not in self.errors:
            kind = cleaned["scope"].partition(":")[0]  # council, provider or national: ApiKey.Kind
            if problem := ApiKey.lifetime_problem(kind, self.expires_at()):
                self.add_error("expires", problem)
        return cleaned

    def scope_kwargs(self) -> dict:
        kind, _, pk = self.cleaned_data["scope"].partition(":")
        if kind == "council":
            return {"kind": ApiKey.Kind.COUNCIL, "local_authority": LocalAuthority.objects.get(pk=pk)}
        if kind == "provider":
            return {"kind": ApiKey.Kind.PROVIDER, "provider": Provider.objects.get(pk=pk)}
        return {"kind": ApiKey.Kind.NATIONAL}

    def expires_at(self):
        days = self.cleaned_data.get("expires")
        return timezone.now() + datetime.timedelta(days=int(days)) if days else None


def managed_key(view):
    """The key named by ``pk``, among those the person may see, replace and revoke
    (permissions.api_keys): 404 for any other, before anything else is asked; the view is given it."""

    @functools.wraps(view)
    def wrapped(request, pk: int):
        return view(
            request, get_object_or_404(ApiKey.objects.filter(permissions.api_keys(roles_for(request.user))), pk=pk)
        )

    return wrapped


# A key outlives the session that made it: only a session that gave a second factor makes
# one, so a password alone never does (revoking needs none: stopping a key never waits).
key_makers_only = verified_session_required(then="api:keys", to="make or replace an API key")


@require_http_methods(["GET", "POST"])
@permission_required(manages_api_keys)
@key_makers_only
def key_list(request: HtmxHttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    form = KeyForm(request.POST if request.method == "POST" else None, roles=roles)
    if request.method == "POST" and form.is_valid():
        made, key = keys.make(name=form.cleaned_data["name"], user=request.user, expires_at=form.expires_at(),
                              **form.scope_kwargs())  # fmt: skip
        return _shown_once(request, made, key)
    found = (
        ApiKey.objects.filter(permissions.api_keys(roles))
        .select_related("local_authority", "provider", "created_by")
        .annotate(maker_holds_role=RawSQL(keys.maker_holds_role(table(ApiKey)), []))  # noqa: S611 - our own SQL
    )
    context = {"form": form, "keys": found, "now": timezone.now(), "overlap_days": keys.OVERLAP.days,
               "requests_per_minute": settings.API_REQUESTS_PER_MINUTE}  # fmt: skip
    return render(request, "api/keys.jinja", context)


def _shown_once(request, made: ApiKey, key: str, replaced: ApiKey | None = None) -> HttpResponse:
    """The new key, on this response only: never stored, never in a redirect or a message."""
    response = render(request, "api/key_made.jinja", {"made": made, "key": key, "replaced": replaced})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required(manages_api_keys)
@managed_key
@key_makers_only
def replace(request: HtmxHttpRequest, old: ApiKey) -> HttpResponse:
    """A new key for the same system; the old one works a week more while the system switches."""
    try:
        made, key, replaced = keys.replace(old, request.user)
    except keys.CannotReplace:
        messages.error(request, f"Key “{old.name}” no longer works or was replaced already: make a new key instead.")
        return redirect("api:keys")
    return _shown_once(request, made, key, replaced=replaced)


@require_POST
@permission_required(manages_api_keys)
@managed_key
def revoke(request: HtmxHttpRequest, key: ApiKey) -> HttpResponse:
    keys.revoke(key, request.user)
    messages.success(request, f"Key “{key.name}” revoked: it stops working at once.")
    return redirect("api:keys")


# The errors Django itself answers (tracker/urls.py's handler400 and handler500): their
# titles, and their FHIR issue codes.
SYSTEM_ERRORS = {400: ("Bad request", "invalid"), 500: ("Server error", "exception"),
                 503: ("Service unavailable", "transient")}  # fmt: skip


def error_for_systems(request, status: int, detail: str, **headers) -> HttpResponse | None:
    """An error in the format a system reads: problem details under /api/, an
    OperationOutcome under /fhir/; None elsewhere (where people get a page)."""
    title, code = SYSTEM_ERRORS[status]
    if request.path.startswith("/api/"):
        return problem(status, title, detail, **headers)
    if request.path.startswith("/fhir/"):
        return fhir.outcome(status, code, detail, **headers)
    return None


@csrf_exempt  # answers nothing but 404; systems send no CSRF token
@login_not_required
def not_found(request, rest: str) -> HttpResponse:
    """Anything else under /api/: a problem details 404 (a system reads JSON, not a page)."""
    return problem(404, "Not found", f"Nothing is served at /api/{rest}: see /api/v1/docs/")


@login_not_required
@require_GET
def docs(request: HtmxHttpRequest) -> HttpResponse:
    """The API's reference, drawn from its OpenAPI schema (served at /api/v1/openapi.json)."""
    from api.v1 import api

    schema = api.get_openapi_schema()
    kinds = schema["components"]["securitySchemes"]
    by_id = {operation["operationId"]: f"{method.upper()} {path}"
             for path, methods in schema["paths"].items() for method, operation in methods.items()}  # fmt: skip
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            fields = _fields(schema, body["$ref"]) if body and "$ref" in body else []
            answers = [
                {"status": status, "description": answer["description"], "body": _body(answer),
                 "headers": ", ".join(answer.get("headers", {}))}
                for status, answer in operation["responses"].items()
            ]  # fmt: skip
            links = [{"name": name, "to": by_id[link["operationId"]], "description": link["description"]}
                     for name, link in operation["responses"][200].get("links", {}).items()]  # fmt: skip
            keys_taken = [kinds[name]["description"] for entry in operation["security"] for name in entry]
            operations.append({"method": method.upper(), "path": path, "body": fields, "answers": answers,
                               "links": links, "keys": keys_taken, **operation})  # fmt: skip
    return render(request, "api/docs.jinja", {"schema": schema, "operations": operations})


def _body(answer: dict) -> str:
    """What an answer's body is: its schema's name and media type, or none."""
    for media, content in answer.get("content", {}).items():
        return f"{content['schema'].get('$ref', '').rsplit('/', 1)[-1]} ({media})"
    return "none"


def _fields(schema: dict, ref: str, prefix: str = "") -> list[dict]:
    """A request body's fields (nested lists of objects too: ``categories[].capacity``)."""
    found = []
    for name, field in schema["components"]["schemas"][ref.rsplit("/", 1)[1]].get("properties", {}).items():
        found.append({"name": prefix + name, "description": field.get("description", "")})
        if "$ref" in field.get("items", {}):
            found += _fields(schema, field["items"]["$ref"], f"{prefix}{name}[].")
    return found
