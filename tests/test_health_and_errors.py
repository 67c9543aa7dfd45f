"""Health check, error pages, headers and static files."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.test import RequestFactory, override_settings

from tracker import views

pytestmark = pytest.mark.django_db


def test_healthz_is_public_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch.object(views.connection, "cursor", side_effect=OperationalError("server closed the connection")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_404_is_styled(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "nhsuk-header" in response.text
    assert coordinator.get_full_name() in response.text  # the signed-in shell: the context processors ran


def test_403_is_styled_in_the_signed_in_shell(rf, coordinator):
    """Django's own handler with our page (tracker/urls.py handler403): the person's shell too."""
    request = rf.get("/admin/")
    request.user, request.session = coordinator, {}
    response = views.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text
    assert "Sign out" in response.text


def test_500_page_renders_without_the_database():
    request = RequestFactory().get("/")
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("down")):
        response = views.server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text


def test_database_outage_gives_a_styled_503_not_a_500(client, coordinator):
    client.force_login(coordinator)
    client.raise_request_exception = False
    with mock.patch("accounts.views.render", side_effect=OperationalError("connection refused")):
        response = client.get("/")
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.text
    assert response["Retry-After"] == "30"


def test_security_headers(client):
    response = client.get("/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_no_inline_script_on_pages(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/").text
    for tag in html.split("<script")[1:]:
        assert "src=" in tag.split(">")[0], f"inline script found: <script{tag[:80]}"


def test_htmx_comes_from_our_own_static_files_with_csrf_on_body(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/").text
    assert 'src="/assets/django_htmx/htmx-2.min.js"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_static_files_are_hashed_compressed_and_cached_for_a_year(tmp_path):
    from django.core.management import call_command
    from whitenoise.middleware import WhiteNoiseMiddleware

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "tracker.storage.StaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage

        staticfiles_storage._setup()
        css_url = staticfiles_storage.url("css/nhsuk-frontend.min.css")
        assert css_url != "/assets/css/nhsuk-frontend.min.css"  # hashed name
        css = (tmp_path / css_url.removeprefix("/assets/")).read_text()
        assert "/assets/images/nhsuk-icon-arrow-down." in css  # its images resolve, hashed too
        js = (tmp_path / staticfiles_storage.url("js/tracker.js").removeprefix("/assets/")).read_text()
        assert 'from "./nhsuk-frontend.min.' in js
        assert 'from "./nhsuk-frontend.min.js"' not in js
        middleware = WhiteNoiseMiddleware(lambda request: None)
        response = middleware(RequestFactory().get(css_url, headers={"Accept-Encoding": "gzip, br"}))
        assert response.status_code == 200
        assert "max-age=31536000" in response["Cache-Control"]
        assert response["Content-Encoding"] in {"gzip", "br"}
        staticfiles_storage._wrapped = None


def test_a_nul_byte_under_the_api_or_fhir_gets_their_own_error_format(client):
    problem = client.get("/api/v1/homes", {"council": "E08\x00"})
    assert (problem.status_code, problem["Content-Type"]) == (400, "application/problem+json")
    assert problem.json()["detail"] == "The request holds a NUL character."
    outcome = client.get("/fhir/Location\x00")
    assert (outcome.status_code, outcome["Content-Type"]) == (400, "application/fhir+json")
    assert outcome.json()["issue"][0]["diagnostics"] == "The request holds a NUL character."


def test_a_nul_byte_anywhere_gets_the_styled_400(client, coordinator):
    client.force_login(coordinator)
    for response in (
        client.get("/find-a-bed/", {"near": "LS6\x00"}),
        client.get("/area/", {"area": "\x00"}),
        client.post("/sign-in/", {"username": "a\x00@example.org", "password": "x"}),
    ):
        assert response.status_code == 400
        assert "Sorry, we could not understand that request" in response.text


@pytest.mark.parametrize(
    ("path", "content_type", "field"),
    [("/api/v1/homes", "application/problem+json", "detail"), ("/fhir/Location", "application/fhir+json", "issue")],
)
@pytest.mark.parametrize(("error", "status"), [(RuntimeError("a bug"), 500), (OperationalError("down"), 503)])
def test_a_failure_under_the_api_and_fhir_is_answered_in_their_formats(
    client, path, content_type, field, error, status
):
    client.raise_request_exception = False
    with mock.patch("api.keys.check", side_effect=error):
        response = client.get(path, HTTP_AUTHORIZATION="Bearer cct_abc_def")
    assert response.status_code == status
    assert response["Content-Type"] == content_type
    assert field in response.json()
    assert ("Retry-After" in response) == (status == 503)
