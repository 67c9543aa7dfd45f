"""Every URL of the portal. Each app's URL module spells out its full paths, so
a path in the address bar leads to its module, and from there to its view.

The composition root: the only module of the project that imports the apps.
"""

from django.contrib import admin
from django.urls import include, path, re_path

from api.v1 import urls as api_v1_urls
from api.views import error_for_systems
from api.views import not_found as api_not_found
from tracker import metrics, views
from tracker.admin_site import restrict_admin_to_service_admins
from tracker.middleware import NulByte

restrict_admin_to_service_admins(admin.site)


def handler400(request, exception=None):
    """A bad request (a NUL byte: tracker/middleware.py): the API's and FHIR's own error
    formats under their paths, the styled page elsewhere. Only our own message is shown:
    Django's (a disallowed host, a body too big) name settings."""
    detail = str(exception) if isinstance(exception, NulByte) else "The request could not be understood."
    return error_for_systems(request, 400, detail) or views.bad_request(request, exception)


handler403 = views.permission_denied
handler404 = views.page_not_found


def handler500(request):
    """A failure of ours (or 503, the database unreachable): in the API's and FHIR's own
    formats under their paths, the styled page elsewhere; neither touches the database."""
    page = views.server_error(request)
    detail = ("The service is unavailable: try again shortly." if page.status_code == 503 else
              "Something went wrong on our side; it is logged. Try again, and tell us if it goes on.")  # fmt: skip
    headers = {"Retry-After": page["Retry-After"]} if page.has_header("Retry-After") else {}
    return error_for_systems(request, page.status_code, detail, **headers) or page


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    # /, sign-in/, password-reset/, account/, about-the-data/, invitations/, audit/
    path("", include("accounts.urls")),
    # homes/: councils' homes, onboarding, CSV imports, details, staff, history
    path("", include("homes.urls")),
    # my-homes/ and a home's page, homes/<id>/
    path("", include("vacancies.urls")),
    # find-a-bed/: search and shortlist
    path("", include("vacancies.search_urls")),
    # agencies/ and find-home-care/: home-care agencies and their capacity (ADR 019)
    path("", include("homecare.urls")),
    # area/: the area dashboard
    path("", include("vacancies.dashboard_urls")),
    # enquiries/ (a discharge team's), inbox/ (a home's), area/enquiries/ (a council's figures)
    path("", include("enquiries.urls")),
    # returns/ (a home's monthly return, a provider's CSV), area/returns/ (a council's view)
    path("", include("returns.urls")),
    path("", include("api.urls")),
    path("api/v1/", api_v1_urls()),
    re_path(r"^api/(?P<rest>.*)$", api_not_found, name="api_not_found"),
    # care-homes/: the public pages (no sign-in); homes/<id>/public-page/; sitemap.xml, robots.txt
    path("", include("public.urls")),
    path("admin/", admin.site.urls),
]
