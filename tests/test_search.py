"""Discharge coordinators find a suitable bed near a postcode."""

import csv
import datetime
import html
import io
import math
import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.utils import timezone

from homes.postcodes import locate_search_location
from tests.factories import CareHomeFactory, local_authority
from tests.vacancy_helpers import OPEN_HOME, give_figures
from vacancies import search
from vacancies.models import HomeVacancies, ShortlistEntry
from vacancies.updates import save_vacancies

pytestmark = pytest.mark.django_db

# name: (postcode, lat, lng, council, categories, extra home fields). Coordinates are the real postcode centroids.
PLACES = {
    "Near Nursing": ("LS6 2AD", 53.82083, -1.57703, "E08000035", {"nursing": {"vacant_accepting": 3}},
                     {"funding_accepted": ["local_authority", "chc"],
                      "service_user_bands": ["older_people", "dementia"]}),
    "Alwoodley Dementia": ("LS17 7AB", 53.85219, -1.53331, "E08000035",
                           {"nursing_dementia": {"vacant_accepting": 2, "sex": "female"}},
                           {"cqc_rating": "outstanding", "service_user_bands": ["dementia"]}),
    "Armley Residential": ("LS12 4AB", 53.78468, -1.58738, "E08000035", {"residential": {"vacant_accepting": 5}},
                           {"cqc_rating": "requires_improvement", "funding_accepted": ["self_funded"]}),
    "Heaton Bradford": ("BD9 5AB", 53.80774, -1.77967, "E08000032", {"nursing": {"vacant_accepting": 1}}, {}),
    "York Minster House": ("YO1 7HH", 53.96155, -1.08190, "E06000014", {"nursing": {"vacant_accepting": 4}}, {}),
    "London House": ("SW1A 1AA", 51.50101, -0.14159, "E09000033", {"nursing": {"vacant_accepting": 6}}, {}),
    "Closed Outbreak": ("LS6 2AB", 53.82221, -1.57226, "E08000035", {"nursing": {"vacant_accepting": 2}}, {}),
    "No Figures Yet": ("LS2 9JT", 53.80796, -1.55333, "E08000035", {}, {}),
}  # fmt: skip


@pytest.fixture
def homes(db):
    created = {}
    for name, (postcode, lat, lng, council, categories, extra) in PLACES.items():
        extra = {"service_user_bands": ["older_people"], **extra}
        home = CareHomeFactory(
            name=name, postcode=postcode, latitude=lat, longitude=lng, local_authority=local_authority(council),
            email=f"{name.split()[0].lower()}@example.org", **extra,
        )  # fmt: skip
        if categories:
            give_figures(home, **categories)
        created[name] = home
    save_vacancies(
        created["Closed Outbreak"], None, loaded_version=1, categories={},
        home_values={**OPEN_HOME, "closed_to_admissions": True, "closed_reason": "outbreak"},
    )  # fmt: skip
    HomeVacancies.objects.filter(home=created["Armley Residential"]).update(
        last_confirmed_at=timezone.now() - datetime.timedelta(days=2)
    )
    return created


def card_names(page: str) -> list[str]:
    """The result cards' homes, as the page names them."""
    return [html.unescape(name) for name in re.findall(r'<a class="nhsuk-card__link" href="[^"]*">([^<]*)</a>', page)]


def names(response) -> list[str]:
    return card_names(response.text)


def shown_cards(page: str) -> dict[str, dict]:
    """Each result card as the page shows it, in order: its home's vacant beds and distance."""
    shown = {}
    for item in page.split('<li class="tracker-result">')[1:]:
        beds, miles = (
            re.search(r'class="tracker-beds">(\d+)<', item),
            re.search(r"<strong>([\d.]+) miles</strong>", item),
        )
        shown[card_names(item)[0]] = {"beds": beds and int(beds[1]), "distance": miles and miles[1]}
    return shown


def exact_miles(user, **params) -> dict[str, float]:
    """Each home's distance as the search computes it (the page shows a tenth of a mile)."""
    _, rows = search.page_of(search.build(QueryDict(urlencode(params))), None, user_id=user.pk)
    return {row["name"]: row["distance"] for row in rows}


def haversine_miles(lat1, lng1, lat2, lng2):
    """Independent great-circle distance, to check the SQL against."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(a))


@pytest.mark.parametrize("role", ["coordinator", "council_admin", "service_admin"])
def test_search_is_for_coordinators_councils_and_service_admins(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/find-a-bed/").status_code == 200


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "user_without_role"])
def test_home_staff_do_not_get_search(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/find-a-bed/").status_code == 404
    assert client.get("/find-a-bed/results.csv").status_code == 404
    assert client.get("/find-a-bed/shortlist/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/find-a-bed/?near=LS6").status_code == 302


def test_near_a_postcode_within_a_radius_sorted_by_true_distance(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"near": "ls6 2ad", "radius": "5"})
    origin = (53.82083, -1.57703)
    expected = sorted(
        (haversine_miles(*origin, PLACES[n][1], PLACES[n][2]), n)
        for n in ("Near Nursing", "Alwoodley Dementia", "Armley Residential")
    )
    assert names(response) == [n for _, n in expected]
    shown, computed = shown_cards(response.text), exact_miles(coordinator, near="ls6 2ad", radius="5")
    for miles, name in expected:
        assert computed[name] == pytest.approx(miles, abs=0.01)
        assert shown[name]["distance"] == f"{miles:.1f}"
    assert "Within 5 miles of LS6 2AD" in response.text


def test_any_distance_orders_england_by_distance(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"near": "LS6 2AD", "radius": "any"})
    found = names(response)
    assert found[-2:] == ["York Minster House", "London House"]
    london = exact_miles(coordinator, near="LS6 2AD", radius="any")["London House"]
    assert london == pytest.approx(haversine_miles(53.82083, -1.57703, 51.50101, -0.14159), abs=0.01)
    assert "Closed Outbreak" not in found  # closed homes are hidden by default
    assert "No Figures Yet" not in found  # no beds to offer


def test_a_district_works_as_the_centre(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"near": "LS6", "radius": "10"})
    assert "Near Nursing" in names(response)
    assert "York Minster House" not in names(response)


@pytest.mark.parametrize(
    ("typed", "found"),
    [("B15", "B15"), ("m14", "M14"), ("M1 4", "M1 4"), ("ls62", "LS6 2"), ("LS6", "LS6"), ("LS6 2AD", "LS6 2AD")],
)
def test_districts_win_over_sectors_typed_without_a_space(db, typed, found):
    """'B15' is Edgbaston (district B15), not a sector of B1; 'M1 4', with its space, is the sector."""
    assert locate_search_location(typed)[0] == found


def test_care_category_shows_that_categorys_beds(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"category": "nursing"})
    assert set(names(response)) == {"Near Nursing", "Heaton Bradford", "York Minster House", "London House"}
    assert shown_cards(response.text)["London House"]["beds"] == 6
    assert names(response)[0] == "London House"  # without a postcode: most beds first


def test_at_least_n_beds(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"min_beds": "4"})
    assert set(names(response)) == {"Armley Residential", "York Minster House", "London House"}


def test_sex_of_the_vacant_beds(client, coordinator, homes):
    client.force_login(coordinator)
    female = client.get("/find-a-bed/", {"category": "nursing_dementia", "sex": "female"})
    male = client.get("/find-a-bed/", {"category": "nursing_dementia", "sex": "male"})
    assert names(female) == ["Alwoodley Dementia"]
    assert names(male) == []


def test_bands_and_funding_must_all_be_offered(client, coordinator, homes):
    client.force_login(coordinator)
    assert names(client.get("/find-a-bed/", {"bands": ["older_people", "dementia"]})) == ["Near Nursing"]
    assert names(client.get("/find-a-bed/", {"funding": ["chc"]})) == ["Near Nursing"]
    assert names(client.get("/find-a-bed/", {"funding": ["chc", "self_funded"]})) == []


def test_rating_at_least(client, coordinator, homes):
    client.force_login(coordinator)
    good = names(client.get("/find-a-bed/", {"rating": "good"}))
    assert "Armley Residential" not in good
    assert "Alwoodley Dementia" in good
    assert names(client.get("/find-a-bed/", {"rating": "outstanding"})) == ["Alwoodley Dementia"]


def test_updated_within(client, coordinator, homes):
    client.force_login(coordinator)
    assert "Armley Residential" not in names(client.get("/find-a-bed/", {"updated": "24h"}))
    assert "Armley Residential" in names(client.get("/find-a-bed/", {"updated": "3d"}))


def test_closed_homes_on_request(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"open": "no", "min_beds": "0"})
    assert "Closed Outbreak" in names(response)
    assert "Closed to admissions" in response.text


def test_local_authority_and_name(client, coordinator, homes):
    client.force_login(coordinator)
    assert names(client.get("/find-a-bed/", {"la": "E08000032"})) == ["Heaton Bradford"]
    assert names(client.get("/find-a-bed/", {"name": "minster"})) == ["York Minster House"]


def test_sort_by_most_recently_updated(client, coordinator, homes):
    client.force_login(coordinator)
    assert names(client.get("/find-a-bed/", {"sort": "updated"}))[-1] == "Armley Residential"


def test_result_shows_what_a_coordinator_needs(client, coordinator, homes):
    client.force_login(coordinator)
    html = client.get("/find-a-bed/", {"near": "LS6 2AD", "radius": "5", "category": "nursing"}).text
    assert 'href="tel:01134960000"' in html
    assert "mailto:near@example.org" in html
    assert "Updated just now" in html
    assert "CQC: Good (Mar 2024)" in html
    assert "0.0 miles" in html


def test_unknown_postcode_is_an_error_by_the_field_and_other_filters_still_apply(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"near": "ZZ9 9ZZ", "category": "nursing"})
    assert response.status_code == 200
    assert 'id="id_near-error"' in response.text
    assert "We cannot find “ZZ9 9ZZ”" in response.text
    assert len(names(response)) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"radius": "banana"}, {"sort": "'; drop table"}, {"min_beds": "-5"}, {"min_beds": "9" * 30},
        {"page": "abc"}, {"page": "99999"}, {"bands": ["nonsense"]}, {"category": "<script>alert(1)</script>"},
        {"open": "maybe"}, {"la": "E99999999"}, {"near": "\x00\x01"}, {"name": "%_%"}, {"updated": "1000y"},
        {"near": "LS6 2AD", "radius": "-1"},
    ],
)  # fmt: skip
def test_nonsense_parameters_never_cause_a_500(client, coordinator, homes, params):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", params)
    assert response.status_code in {200, 400}
    assert "<script>alert(1)</script>" not in response.text


def test_htmx_gets_only_the_results_partial(client, coordinator, homes, htmx_headers):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"category": "nursing"}, headers=htmx_headers)
    assert response.text.lstrip().startswith('<div id="results"')
    assert "<html" not in response.text
    assert "4 homes found" in response.text
    assert response["Vary"] == "HX-Request, Cookie" or "HX-Request" in response["Vary"]


def test_empty_results_say_which_filter_to_relax(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.get("/find-a-bed/", {"near": "LS6 2AD", "radius": "5", "rating": "outstanding", "min_beds": "3"})
    assert names(response) == []
    assert "To see more homes:" in response.text
    assert "Remove “Rated Outstanding or better”" in response.text


def test_queries_stay_bounded_whatever_the_page(client, coordinator, django_assert_max_num_queries):
    for n in range(60):
        give_figures(CareHomeFactory(name=f"Home {n:02d}"), nursing={}, residential={})
    client.force_login(coordinator)
    client.get("/find-a-bed/")  # warm: session refresh, the councils list cached per process
    # Session, user, roles; the postcode (once per process); then one query for the page and its cards.
    for page, headers in (("1", {}), ("3", {}), ("2", {"HX-Request": "true"})):
        with django_assert_max_num_queries(5):
            response = client.get(
                "/find-a-bed/", {"near": "LS6 2AD", "category": "nursing", "page": page}, headers=headers
            )
        assert response.status_code == 200
    with django_assert_max_num_queries(6):  # past the end: a count, then the last page
        response = client.get("/find-a-bed/", {"near": "LS6 2AD", "category": "nursing", "page": "9"})
    assert '<ol class="nhsuk-list tracker-results" start="51">' in response.text  # page 3 of 25 a page
    assert len(card_names(response.text)) == 10
    with django_assert_max_num_queries(4):
        assert client.get("/find-a-bed/shortlist/").status_code == 200


def test_csv_export_has_every_result_and_neutralises_formulas(client, coordinator, homes):
    homes["London House"].name = "=cmd|' /C calc'!A0"
    homes["London House"].save()
    client.force_login(coordinator)
    response = client.get("/find-a-bed/results.csv", {"category": "nursing"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 5
    assert "'=cmd|' /C calc'!A0" in [row[0] for row in rows]


def test_shortlist_add_review_export_and_remove(client, coordinator, homes, htmx_headers):
    client.force_login(coordinator)
    near = homes["Near Nursing"]
    response = client.post(f"/find-a-bed/shortlist/{near.pk}/", {"action": "add"}, headers=htmx_headers)
    assert "On your shortlist" in response.text
    assert "<html" not in response.text
    client.post(f"/find-a-bed/shortlist/{homes['London House'].pk}/", {"action": "add", "next": "/find-a-bed/?x=1"})
    page = client.get("/find-a-bed/shortlist/")
    assert card_names(page.text) == ["London House", "Near Nursing"]  # by name
    assert '<strong class="tracker-beds">6</strong> vacant beds accepting admissions' in page.text  # the home's total
    assert "On your shortlist: remove" in page.text
    rows = list(csv.reader(io.StringIO(b"".join(client.get("/find-a-bed/shortlist.csv").streaming_content).decode())))
    assert len(rows) == 3
    response = client.post(f"/find-a-bed/shortlist/{near.pk}/", {"action": "remove"}, follow=True)
    assert "removed from your shortlist" in response.text
    assert list(ShortlistEntry.objects.values_list("home__name", flat=True)) == ["London House"]


def test_shortlists_are_per_person(client, coordinator, council_admin, homes):
    ShortlistEntry.objects.create(user=council_admin, home=homes["York Minster House"])
    client.force_login(coordinator)
    assert "York Minster House" not in client.get("/find-a-bed/shortlist/").text


def test_shortlist_redirect_stays_on_this_site(client, coordinator, homes):
    client.force_login(coordinator)
    response = client.post(
        f"/find-a-bed/shortlist/{homes['London House'].pk}/", {"action": "add", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/find-a-bed/shortlist/"


def test_default_search_location(client, coordinator, homes):
    client.force_login(coordinator)
    client.post("/find-a-bed/default-location/", {"near": "ls17 7ab"})
    coordinator.refresh_from_db()
    assert coordinator.default_search_postcode == "LS17 7AB"
    response = client.get("/find-a-bed/")
    assert "Within 20 miles of LS17 7AB" in response.text


def test_home_page_links_back_to_the_search_with_filters(client, coordinator, homes):
    client.force_login(coordinator)
    results = client.get("/find-a-bed/", {"near": "LS6 2AD", "category": "nursing"})
    assert f"/homes/{homes['Near Nursing'].pk}/?back=near%3DLS6%2B2AD" in results.text
    page = client.get(f"/homes/{homes['Near Nursing'].pk}/", {"back": "near=LS6+2AD&category=nursing"})
    assert 'href="/find-a-bed/?near=LS6+2AD&amp;category=nursing"' in page.text
    assert 'Add<span class="nhsuk-u-visually-hidden"> Near Nursing</span> to shortlist' in page.text


def test_result_cards_escape_what_homes_typed(client, coordinator):
    """Cards are a Jinja2 template with autoescaping (templates/vacancies/cards.jinja): nothing a home typed runs."""
    home = CareHomeFactory(name='<script>alert("x")</script> & Sons', phone="0113 <b>", email="a&b@example.org")
    give_figures(home, nursing={"vacant_accepting": 2})
    client.force_login(coordinator)
    for page in (client.get("/find-a-bed/", {"category": "nursing"}), client.get(f"/homes/{home.pk}/")):
        assert "<script>alert" not in page.text
        assert "<b>" not in page.text
    page = client.get("/find-a-bed/", {"category": "nursing"})
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Sons</a></h3>" in page.text
    assert 'href="mailto:a&amp;b@example.org"' in page.text
    assert "2</strong> vacant beds accepting admissions (Nursing)" in page.text


def test_searching_leaves_the_search_forms_shared_fields_as_declared(client, coordinator):
    """The search form's instances use its declared fields themselves (tracker/forms.py,
    ``unchanging_fields``): no search, however wrong its input, may change them for the next."""

    def declared() -> dict:
        return {
            name: (repr(sorted(vars(field).items())), repr(sorted(vars(field.widget).items())))
            for name, field in search.SearchForm.base_fields.items()
        }

    before = declared()
    client.force_login(coordinator)
    for query in ["near=LS6&radius=10&category=nursing&bands=dementia", "near=nowhere&min_beds=-4&rating=banana",
                  "la=E08000035&sex=female&open=no&sort=name", ""]:  # fmt: skip
        assert client.get(f"/find-a-bed/?{query}").status_code == 200
        assert client.get(f"/find-a-bed/?{query}", headers={"HX-Request": "true"}).status_code == 200
    assert declared() == before
    form = search.SearchForm(QueryDict("near=nowhere"))
    assert not form.is_valid()
    assert form.fields["near"] is search.SearchForm.base_fields["near"]
    assert "We cannot find “nowhere”" in client.get("/find-a-bed/?near=nowhere").text
    assert "We cannot find" not in client.get("/find-a-bed/?near=LS6").text
