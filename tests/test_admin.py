"""Django admin: every model has a page, for service admins, with search."""

import pytest
from django.apps import apps
from django.contrib import admin

pytestmark = pytest.mark.django_db

OUR_APPS = {"registers", "accounts", "homes", "vacancies", "homecare", "enquiries", "api", "public", "demo"}
# Derived by the database from models that are in admin (and Django's admin
# cannot show a composite primary key), and the public pages' per-minute request counters
# (an unlogged table that empties itself): nothing to look after there.
# Rows kept by PostgreSQL triggers or by the minute, not by people: SearchEntry, HomeChange and
# AgencyChange (the API's changes feeds), RequestCount.
NOT_IN_ADMIN = {"SearchEntry", "RequestCount", "HomeChange", "AgencyChange"}


def test_every_model_is_in_admin():
    missing = [
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        and model not in admin.site._registry
        and model.__name__ not in NOT_IN_ADMIN
    ]
    assert missing == []


def test_every_admin_list_and_search_page_works(client, service_admin, home):
    client.force_login(service_admin)
    # A copy: the first admin request of a process lets django_otp register its own models, which
    # changed the registry under the loop when this test ran first.
    for model, model_admin in list(admin.site._registry.items()):
        if model._meta.app_label not in OUR_APPS:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "leeds"}).status_code == 200, url
