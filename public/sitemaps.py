"""The sitemap search engines read: every active home's and home-care agency's public page,
and the search pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from registers.models import CareHome, HomeCareAgency


class CareHomeSitemap(Sitemap):
    changefreq = "daily"
    limit = 10_000  # pages of 10,000 homes (the protocol allows 50,000); sitemap.xml lists them

    def items(self):
        return CareHome.objects.active().order_by("cqc_location_id").values_list("cqc_location_id", "updated_at")

    def location(self, item):
        return reverse("public:profile", args=[item[0]])

    def lastmod(self, item):
        return item[1]


class AgencySitemap(CareHomeSitemap):
    def items(self):
        return HomeCareAgency.objects.active().order_by("cqc_location_id").values_list("cqc_location_id", "updated_at")

    def location(self, item):
        return reverse("public:agency", args=[item[0]])


class FindSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["public:find", "public:find_home_care", "public:about"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"homes": CareHomeSitemap, "agencies": AgencySitemap, "pages": FindSitemap}
