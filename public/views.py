"""The public side: find a care home, a home's page, compare homes; find home care, an
agency's page (issue 26). No sign-in.

Nothing here reads the session, the user, a CSRF token or messages, and the pages
are rendered without the request's context processors: an anonymous visitor gets
no cookie and costs no session or user query, and the pages can be cached
(Cache-Control, ETag, 304). Every page counts against a per-address rate limit
that all app servers share (accounts/throttle.py).
"""

import hashlib

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.views.decorators.http import require_safe

from accounts.throttle import throttled
from public import homecare, search
from public.profile import MAX_COMPARED, etag_of, facts_of, facts_of_active, profile_of
from registers.choices import HomeStatus
from tracker.http import HtmxHttpRequest, back_to, public_page

SEARCH_SECONDS = 60  # how long a browser or a cache may keep a page of results
PROFILE_SECONDS = 300


def _public_page(request, template: str, context: dict, *, seconds: int, status: int = 200) -> HttpResponse:
    """A public page: rendered without the request (no session, user or cookie), cacheable."""
    response = HttpResponse(render_to_string(template, context), status=status)
    if status == 200:
        response["Cache-Control"] = f"public, max-age={seconds}"
    return response


def _with_content_etag(request, response: HttpResponse) -> HttpResponse:
    """An ETag from the page itself, and 304 when the browser already has it."""
    etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response


def _search_page(request, found, template: str) -> HttpResponse:
    """A page of search results (the whole page, or htmx's results), its ETag from itself."""
    query = request.GET.copy()
    query.pop("page", None)
    context = {"found": found, "form": found.form, "page": found.page, "query": query.urlencode(),
               "params": request.GET}  # fmt: skip
    partial = request.htmx and not request.htmx.history_restore_request
    template = f"{template}#results" if partial else template
    response = _with_content_etag(request, _public_page(request, template, context, seconds=SEARCH_SECONDS))
    patch_vary_headers(response, ["HX-Request"])
    return response


@public_page
@require_safe
@throttled("public", "PUBLIC_REQUESTS_PER_MINUTE")
def find(request: HtmxHttpRequest) -> HttpResponse:
    return _search_page(request, search.find(request.GET, request.GET.get("page")), "public/find.jinja")


def _location_page(request, facts: dict | None, make_profile, template: str, what: str, find: str) -> HttpResponse:
    """A home's or an agency's page: 404 unknown, 410 archived, 304 when the browser's copy
    shows the same (answered without drawing the page again)."""
    if facts is None:
        raise Http404
    if facts["status"] != HomeStatus.ACTIVE:
        context = {"home": facts, "what": what, "find": find}
        return _public_page(request, "public/gone.jinja", context, seconds=PROFILE_SECONDS, status=410)
    profile = make_profile(facts)
    etag = f'"{etag_of(profile)}"'
    if not_modified := get_conditional_response(request, etag=etag):
        not_modified["ETag"], not_modified["Cache-Control"] = etag, f"public, max-age={PROFILE_SECONDS}"
        return not_modified
    context = {"profile": profile, "back": back_to("", request.GET.get("back", ""))}
    response = _public_page(request, template, context, seconds=PROFILE_SECONDS)
    response["ETag"] = etag
    return response


@public_page
@require_safe
@throttled("public", "PUBLIC_REQUESTS_PER_MINUTE")
def profile(request: HtmxHttpRequest, cqc_id: str) -> HttpResponse:
    return _location_page(request, facts_of(cqc_id), profile_of, "public/profile.jinja", "care home", "public:find")


@public_page
@require_safe
@throttled("public", "PUBLIC_REQUESTS_PER_MINUTE")
def find_home_care(request: HtmxHttpRequest) -> HttpResponse:
    return _search_page(request, homecare.find(request.GET, request.GET.get("page")), "public/home_care.jinja")


@public_page
@require_safe
@throttled("public", "PUBLIC_REQUESTS_PER_MINUTE")
def agency(request: HtmxHttpRequest, cqc_id: str) -> HttpResponse:
    facts = homecare.facts_of(cqc_id)
    return _location_page(
        request, facts, homecare.profile_of, "public/agency.jinja", "home-care agency", "public:find_home_care"
    )


@public_page
@require_safe
@throttled("public", "PUBLIC_REQUESTS_PER_MINUTE")
def compare(request: HtmxHttpRequest) -> HttpResponse:
    wanted = list(dict.fromkeys(value.strip()[:20] for value in request.GET.getlist("home") if value.strip()))
    chosen = wanted[:MAX_COMPARED]
    found = facts_of_active(chosen)
    context = {
        "profiles": [profile_of(found[cqc_id]) for cqc_id in chosen if cqc_id in found],
        "too_many": len(wanted) > MAX_COMPARED,
        "not_found": len([cqc_id for cqc_id in chosen if cqc_id not in found]),
    }
    return _with_content_etag(request, _public_page(request, "public/compare.jinja", context, seconds=PROFILE_SECONDS))


@public_page
@require_safe
def about(request: HtmxHttpRequest) -> HttpResponse:
    return _with_content_etag(request, _public_page(request, "public/about.jinja", {}, seconds=3600))


@public_page
@require_safe
def robots(request: HtmxHttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Allow: /care-homes/", "Allow: /home-care/", "Disallow: /", f"Sitemap: {sitemap}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain")
    response["Cache-Control"] = "public, max-age=86400"
    return response
