"""Find home care for families (issue 26): agencies covering a postcode's district, the care they
give, their CQC rating, and whether they take on new clients there, as a band, never hours; an
agency's page. The homes' public rules: no sign-in, no cookie, cacheable, no private data."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homecare.models import AgencyCapacity, CoveredDistrict
from homes.models import CqcLocation
from public.availability import taking_on
from registers.choices import HomeStatus
from tests.factories import AgencyFactory, CareHomeFactory, MembershipFactory
from tests.public_privacy import private_things

pytestmark = pytest.mark.django_db


def page_of(agency) -> str:
    return f"/home-care/{agency.cqc_location_id}/"


def give_capacity(agency, hours, *, districts=("LS6",), own=None, care=("personal_care", "dementia"), days_ago=0):
    """The agency's capacity (``hours`` a week), confirmed ``days_ago``; ``own``: districts' own figures."""
    AgencyCapacity.objects.update_or_create(
        agency=agency,
        defaults={
            "hours_available": None if hours is None else Decimal(hours),
            "care_given": list(care),
            "earliest_start": timezone.localdate(),
            "two_carer_calls_now": True,
            "last_confirmed_at": timezone.now() - datetime.timedelta(days=days_ago),
        },
    )
    own = own or {}
    for code in districts:
        CoveredDistrict.objects.update_or_create(
            agency=agency, district_id=code, defaults={"hours_available": own.get(code)}
        )


@pytest.fixture
def agency(leeds):
    found = AgencyFactory(
        name="Kirkstall Home Care", local_authority=leeds, phone="0113 496 0999",
        email="office@kirkstall.example.org", website="https://kirkstall.example.org",
    )  # fmt: skip
    give_capacity(found, "37.5", districts=("LS6", "LS16", "LS5"), own={"LS16": Decimal("4.25")})
    return found


@pytest.fixture
def agency_staff(agency):
    return MembershipFactory(
        role="home_staff", home=agency, user__full_name="Jo Carer", user__email="jo@example.org"
    ).user


def no_session_or_user_query(captured) -> None:
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "django_session" not in tables
    assert "accounts_user" not in tables


# --- no sign-in, no cookie, cacheable, few queries ---------------------------------------------


@pytest.mark.parametrize("path", ["/home-care/", "/home-care/?postcode=LS6+2AD&care=dementia", "HOME"])
def test_home_care_pages_need_no_sign_in_set_no_cookie_and_can_be_cached(client, agency, path):
    path = page_of(agency) if path == "HOME" else path
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["ETag"]
    no_session_or_user_query(captured)
    assert "csrfmiddlewaretoken" not in response.text


def test_signed_in_staff_cost_no_session_or_user_query_either(client, agency, agency_staff):
    client.force_login(agency_staff)
    client.get(page_of(agency))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_of(agency))
    no_session_or_user_query(captured)
    assert "Sign out" not in response.text


def test_search_costs_two_queries_and_an_agency_page_two(client, agency, django_assert_max_num_queries):
    search = "/home-care/?postcode=LS6+2AD&care=dementia"
    client.get(search)  # the rate-limit row exists: a steady state
    with django_assert_max_num_queries(2):
        assert client.get(search).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(page_of(agency)).status_code == 200


# --- find home care ------------------------------------------------------------------------------


def test_a_family_finds_agencies_covering_their_postcode_with_a_band(client, agency, leeds):
    elsewhere = AgencyFactory(name="Bradford Care At Home", local_authority=leeds)
    give_capacity(elsewhere, "40", districts=("BD9",))
    full = AgencyFactory(name="Adel Home Care", local_authority=leeds)
    give_capacity(full, "0", districts=("LS6",))
    response = client.get("/home-care/", {"postcode": "ls6 2ad"})
    text = response.text
    assert ">2 agencies covering LS6<" in text
    assert agency.name in text
    assert full.name in text
    assert elsewhere.name not in text
    assert "Taking on new clients" in text
    assert "Not taking on new clients" in text
    assert "CQC rating: Good (March 2024)" in text
    assert "Care: Personal care, Dementia" in text
    # Taking on comes before not taking on, whatever the names.
    assert text.index(agency.name) < text.index(full.name)
    assert f'href="/home-care/{agency.cqc_location_id}/?back=postcode%3Dls6%2B2ad"' in text
    assert private_things(text, names=("office@kirkstall.example.org",)) == []


def test_a_district_alone_is_enough_and_its_own_figure_makes_its_band(client, agency):
    text = client.get("/home-care/", {"postcode": "LS16"}).text
    assert agency.name in text
    assert "Limited capacity for new clients" in text  # 4.25 hours in LS16, 37.5 elsewhere
    assert "Taking on new clients<" not in text


def test_care_and_taking_on_filters(client, agency, leeds):
    personal_only = AgencyFactory(name="Personal Only Care", local_authority=leeds)
    give_capacity(personal_only, "20", care=("personal_care",))
    none_now = AgencyFactory(name="Busy Care", local_authority=leeds)
    give_capacity(none_now, "0", care=("personal_care", "dementia"))
    dementia = client.get("/home-care/", {"postcode": "LS6", "care": "dementia"}).text
    assert agency.name in dementia
    assert "Busy Care" in dementia
    assert "Personal Only Care" not in dementia
    taking = client.get("/home-care/", {"postcode": "LS6", "care": "dementia", "taking_on": "on"}).text
    assert agency.name in taking
    assert "Busy Care" not in taking
    assert "Dementia · Taking on new clients." in taking


def test_archived_agencies_and_care_homes_are_never_listed(client, agency, leeds):
    gone = AgencyFactory(name="Gone Care", local_authority=leeds, status=HomeStatus.ARCHIVED)
    give_capacity(gone, "40")
    CareHomeFactory(name="A Care Home In LS6")
    text = client.get("/home-care/", {"postcode": "LS6"}).text
    assert "Gone Care" not in text
    assert "A Care Home In LS6" not in text


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("ZZ99 9ZZ", "We cannot find the postcode district ZZ99"),
        ("nowhere", "“nowhere” is not a postcode"),
        ("<script>", "is not a postcode"),
        ("LS6 2AD LS6", "at most 10 characters"),
    ],
)
def test_a_postcode_we_cannot_use_is_said_next_to_the_field(client, agency, postcode, message):
    response = client.get("/home-care/", {"postcode": postcode})
    assert response.status_code == 200
    assert message in response.text
    assert 'id="id_postcode-error"' in response.text
    assert "<title>Error: Find home care" in response.text
    assert agency.name not in response.text
    assert not response.cookies


def test_a_known_district_no_agency_covers_says_so(client, agency):
    text = client.get("/home-care/", {"postcode": "BD9 5AB"}).text
    assert ">0 agencies covering BD9<" in text
    assert "No home-care agency we list covers BD9" in text


def test_without_a_postcode_the_page_asks_for_one(client, agency):
    text = client.get("/home-care/").text
    assert "Enter a postcode to see the agencies that cover it" in text
    assert agency.name not in text


def test_htmx_gets_the_results_only(client, agency, htmx_headers):
    response = client.get("/home-care/", {"postcode": "LS6"}, headers=htmx_headers)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="results"' in response.text
    assert agency.name in response.text
    assert "HX-Request" in response.headers["Vary"]
    bad = client.get("/home-care/", {"postcode": "nope"}, headers=htmx_headers)
    assert "<html" not in bad.text
    assert "is not a postcode" in bad.text


def test_page_two_keeps_the_postcode_and_a_page_past_the_last_shows_the_last(client, leeds):
    for n in range(23):
        give_capacity(AgencyFactory(name=f"Agency {n:02d}", local_authority=leeds), "20")
    first = client.get("/home-care/", {"postcode": "LS6", "care": "dementia"}).text
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "postcode=LS6" in link
    assert "care=dementia" in link
    second = client.get("/home-care/" + link).text
    assert "Agency 22" in second
    assert "Agency 00" not in second
    assert "Agency 22" in client.get("/home-care/", {"postcode": "LS6", "page": "99"}).text
    assert "Agency 00" in client.get("/home-care/", {"postcode": "LS6", "page": "abc"}).text


hostile = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "%00", "\u202e", "9" * 500, "LS6\x00"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["postcode", "care", "taking_on", "page", "back", "x"]), value=hostile,
       path=st.sampled_from(["/home-care/", "/home-care/1-800000001/"]))  # fmt: skip
def test_hostile_parameters_never_500_and_never_execute(client, field, value, path):
    with override_settings(PUBLIC_REQUESTS_PER_MINUTE=10**9):
        response = client.get(path, {field: value})
    assert response.status_code in {200, 400, 404}
    assert "<script>alert(1)</script>" not in response.content.decode()


# --- the bands ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "days_ago", "shows", "band"),
    [
        (Decimal(14), 0, True, "Taking on new clients"),
        (Decimal("13.75"), 2, True, "Limited capacity for new clients"),
        (Decimal("0.25"), 0, True, "Limited capacity for new clients"),
        (Decimal(0), 0, True, "Not taking on new clients"),
        (Decimal(40), 8, True, "Not confirmed recently: call the agency"),
        (None, 0, True, "Not confirmed recently: call the agency"),
        (Decimal(40), 0, False, None),
    ],
)
def test_the_bands(hours, days_ago, shows, band):
    now = timezone.now()
    found = taking_on(shows=shows, hours=hours, last_confirmed_at=now - datetime.timedelta(days=days_ago), now=now)
    assert (found.words if found else None) == band


def test_stale_figures_say_call_the_agency_and_come_last(client, agency, leeds):
    fresh = AgencyFactory(name="Zebra Home Care", local_authority=leeds)
    give_capacity(fresh, "2")
    AgencyCapacity.objects.filter(agency=agency).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=8))
    text = client.get("/home-care/", {"postcode": "LS6"}).text
    assert "Not confirmed recently: call the agency" in text
    assert text.index("Zebra Home Care") < text.index(agency.name)
    assert "taking_on" not in client.get(page_of(agency)).text
    assert "has not confirmed whether it can take on new clients in the last week" in client.get(page_of(agency)).text


# --- an agency's page ----------------------------------------------------------------------------


def test_an_agency_page_tells_a_family_what_they_need(client, agency):
    agency.rating_safe, agency.rating_caring = "requires_improvement", "outstanding"
    agency.save()
    text = client.get(page_of(agency)).text
    for expected in [
        "Kirkstall Home Care", "0113 496 0999", "https://kirkstall.example.org", "Good (March 2024)",
        "Requires improvement", "Well-led", "Personal care", "Dementia", "LS5", "LS16", "Taking on new clients",
        "Limited capacity for new clients", "Updated today", f"https://www.cqc.org.uk/location/{agency.cqc_location_id}",
    ]:  # fmt: skip
        assert expected in text, expected
    assert text.index(">LS5<") < text.index(">LS6<") < text.index(">LS16<")  # districts in their natural order
    assert private_things(text, names=("office@kirkstall.example.org",)) == []
    assert "37.5" not in text
    assert "4.25" not in text


def test_no_rating_is_not_known_with_cqcs_link_and_cqcs_not_yet_rated_is_said(client, agency):
    agency.cqc_rating, agency.cqc_rating_date = None, None
    agency.save()
    text = client.get(page_of(agency)).text
    assert 'Not known – <a href="https://www.cqc.org.uk/location/' in text  # noqa: RUF001 - the page's dash
    assert "Not yet rated" not in text
    agency.cqc_rating = "not_yet_rated"
    agency.save()
    text = client.get(page_of(agency)).text
    assert "Not yet rated" in text
    assert "Not known" not in text


def test_when_cqcs_facts_were_last_checked_is_said(client, agency):
    CqcLocation.objects.create(
        location_id=agency.cqc_location_id, name=agency.name, postcode=agency.postcode, registered=True, facts={},
        first_seen_at=timezone.now(), checked_at=datetime.datetime(2026, 12, 5, 6, tzinfo=datetime.UTC),
    )  # fmt: skip
    assert "CQC facts last checked with CQC's register on 5 December 2026" in client.get(page_of(agency)).text


def test_an_agency_that_hides_its_availability_shows_no_band(client, agency):
    agency.shows_availability = False
    agency.save()
    text = client.get(page_of(agency)).text
    assert "does not publish whether it is taking on new clients" in text
    assert "Taking on new clients</strong>" not in text
    search = client.get("/home-care/", {"postcode": "LS6"}).text
    assert "Does not publish whether it is taking on new clients" in search


def test_staff_names_and_emails_never_show(client, agency, agency_staff):
    for path in [page_of(agency), "/home-care/?postcode=LS6"]:
        assert private_things(client.get(path).text, names=("Jo Carer", "jo@example.org")) == []


def test_an_unknown_agency_is_404_and_a_care_home_is_not_an_agency(client, agency, home):
    assert client.get("/home-care/1-000000001/").status_code == 404
    assert client.get(f"/home-care/{home.cqc_location_id}/").status_code == 404
    assert client.get(f"/care-homes/{agency.cqc_location_id}/").status_code == 404


def test_an_archived_agency_says_it_is_no_longer_registered(client, agency):
    agency.status, agency.archived_reason = HomeStatus.ARCHIVED, "Deregistered after enforcement"
    agency.save()
    response = client.get(page_of(agency))
    assert response.status_code == 410
    assert "This home-care agency is no longer registered" in response.text
    assert "Deregistered after enforcement" not in response.text
    assert "find another home-care agency" in response.text


def test_the_etag_changes_with_the_band_not_with_hidden_hours(client, agency):
    etag = client.get(page_of(agency)).headers["ETag"]
    AgencyCapacity.objects.filter(agency=agency).update(hours_available=Decimal(30))  # still taking on
    assert client.get(page_of(agency), headers={"If-None-Match": etag}).status_code == 304
    AgencyCapacity.objects.filter(agency=agency).update(hours_available=Decimal(3))  # now limited
    changed = client.get(page_of(agency), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "nhsuk-tag--green" not in changed.text
    assert "Limited capacity for new clients" in changed.text


# --- meta descriptions, search engines -------------------------------------------------------------


def meta_description(html: str) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1, found
    assert found[0].strip()
    return found[0]


def test_every_public_page_has_its_own_meta_description(client, agency, home, other_home):
    other = AgencyFactory(name="Adel Home Care")
    give_capacity(other, "5")
    paths = [
        "/care-homes/", "/care-homes/?near=LS6&care=dementia", "/care-homes/about/",
        f"/care-homes/{home.cqc_location_id}/", f"/care-homes/{other_home.cqc_location_id}/",
        f"/care-homes/compare/?home={home.cqc_location_id}&home={other_home.cqc_location_id}",
        "/care-homes/compare/", "/home-care/", "/home-care/?postcode=LS6", "/home-care/?postcode=LS6&care=dementia",
        page_of(agency), page_of(other),
    ]  # fmt: skip
    descriptions = {path: meta_description(client.get(path).text) for path in paths}
    assert len(set(descriptions.values())) == len(paths), descriptions
    assert home.name in descriptions[f"/care-homes/{home.cqc_location_id}/"]
    assert "Good (March 2024)" in descriptions[page_of(agency)]
    assert "Care: Personal care, Dementia." in descriptions[page_of(agency)]
    assert "LS5, LS6, LS16" in descriptions[page_of(agency)]
    assert "2 home-care agencies covering LS6" in descriptions["/home-care/?postcode=LS6"]
    for text in descriptions.values():
        assert private_things(text) == []


def test_the_sitemap_lists_active_agencies_and_robots_allows_home_care(client, agency, leeds):
    archived = AgencyFactory(name="Gone Care", local_authority=leeds, status=HomeStatus.ARCHIVED)
    index = client.get("/sitemap.xml").content.decode()
    section = re.search(r"<loc>http://testserver(/sitemap-agencies\.xml[^<]*)</loc>", index).group(1)
    listed = client.get(section).content.decode()
    assert page_of(agency) in listed
    assert page_of(archived) not in listed
    assert "/home-care/</loc>" in client.get("/sitemap-pages.xml").content.decode()
    assert "Allow: /home-care/" in client.get("/robots.txt").content.decode()
