"""The API for partner systems, version 1 (django-ninja; docs/adr/013-api.md).

Every request carries ``Authorization: Bearer <key>``. A key sees only its scope (a
council's homes, a provider's, or England's), at most API_REQUESTS_PER_MINUTE requests a
minute (shared by every app server: accounts/throttle.py), and every use is in the audit
trail. Errors are RFC 9457 problem details. Reading: api/read.py; providers' writes:
api/write.py.
"""

import functools
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from api import agencies, contract, keys, read, write
from api.models import ApiKey
from api.responses import problem

TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed", 413: "Too large"}


class KeyAuth(HttpBearer):
    """A usable key, counted against its limit and recorded in the audit trail."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return keys.authorise(request, token)


class JsonObjects(Parser):
    """A body is one JSON object. (ninja alone read any other JSON, a list or a number, as
    an object with nothing in it: an empty change, saved.)"""

    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data


class TrackerApi(NinjaAPI):
    """Its OpenAPI document with what each operation promises (api/contract.py)."""

    def get_openapi_schema(self, **kwargs):
        return contract.complete(super().get_openapi_schema(**kwargs))


api = TrackerApi(
    title="Care Capacity Tracker API",
    version="1",
    description="Care homes and their vacancies, and home-care agencies and their capacity, for councils', "
    "providers' and NHS partners' systems.",
    auth=KeyAuth(),
    urls_namespace="api-v1",
    docs_url=None,  # our own accessible page: api/views.py
    parser=JsonObjects(),
)
api.add_router("", read.router)
api.add_router("", write.router)
api.add_router("", agencies.router)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return problem(401, "Unauthorised", "Send a current API key: Authorization: Bearer <key>.",
                   WWW_Authenticate="Bearer")  # fmt: skip


@api.exception_handler(keys.Stopped)
def _stopped(request, exc):
    return problem(401, "Unauthorised", exc.reason, WWW_Authenticate='Bearer error="invalid_token"')


@api.exception_handler(keys.TooMany)
def _too_many(request, exc):
    limit = settings.API_REQUESTS_PER_MINUTE
    return problem(429, "Too many requests", f"This key may make {limit} requests a minute.",
                   Retry_After=str(exc.wait))  # fmt: skip


@api.exception_handler(keys.TooLarge)
@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    return problem(413, "Too large", f"A request body may be at most {settings.API_MAX_BODY_BYTES:,} bytes.")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    where = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', []) if p not in ('query', 'body', 'figures', 'filters')) or 'body'}: "
        f"{e.get('msg', '').removeprefix('Value error, ')}"
        for e in exc.errors
    )
    return problem(400, "Bad request", where or "The request is not valid.")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):  # ninja's words for a body it could not read
        detail = 'The body is not a JSON object: send one, like {"categories": [...]}.'
    return problem(exc.status_code, TITLES.get(exc.status_code, "Error"), detail)


def urls():
    """The API's URL patterns (namespace ``api-v1``), for tracker/urls.py. The API answers to
    keys, not to sign-ins: no redirect to the sign-in page (its 401 says what to send)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _problem_for_another_method(pattern.callback)
        pattern.callback.login_required = False
    return patterns, app_name, namespace


def _problem_for_another_method(view):
    """ninja answers a method a path does not serve with a plain-text 405: here it is problem
    details, with the Allow header kept."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            return problem(405, "Method not allowed", f"{request.method} is not served here: {response['Allow']}.",
                           Allow=response["Allow"])  # fmt: skip
        return response

    return wrapped
