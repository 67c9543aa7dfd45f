from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from public import manage, views
from public.sitemaps import SITEMAPS
from tracker.http import public_page

app_name = "public"

urlpatterns = [
    path("care-homes/", views.find, name="find"),
    path("care-homes/compare/", views.compare, name="compare"),
    path("care-homes/about/", views.about, name="about"),
    path("care-homes/<str:cqc_id>/", views.profile, name="profile"),
    path("home-care/", views.find_home_care, name="find_home_care"),
    path("home-care/<str:cqc_id>/", views.agency, name="agency"),
    path("homes/<int:pk>/public-page/", manage.edit_public_page, name="edit"),
    path("robots.txt", views.robots, name="robots"),
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "public:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
]
