"""The public shop window (issue 12): find a care home, a home's page, compare; no sign-in,
no cookie, no session or user query; bands never counts; cacheable; rate-limited."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homes.models import CareHomeChange
from public.availability import availability
from registers.choices import HomeStatus, ServiceType
from tests.factories import CareHomeFactory, ProviderFactory
from tests.public_privacy import private_things
from tests.vacancy_helpers import give_figures
from vacancies.models import HomeVacancies

pytestmark = pytest.mark.django_db


def page_of(home) -> str:
    return f"/care-homes/{home.cqc_location_id}/"


def no_session_or_user_query(captured) -> None:
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert "django_session" not in tables
    assert "accounts_user" not in tables


@pytest.fixture
def published(home, home_staff):
    """Home A with a public page: fees, top-up, a description, fresh figures (3 beds free)."""
    home.public_description = "A family-run home.\n\nWe have a garden."
    home.fee_from, home.fee_to, home.top_up, home.top_up_note = 950, 1200, True, "Only for our larger rooms."
    home.facilities, home.visiting_arrangements = ["garden", "lift"], "Visitors welcome from 10am."
    home.rating_safe, home.rating_caring = "requires_improvement", "outstanding"
    home.registered_beds = 40
    home.save()
    give_figures(home, home_staff, nursing={"vacant_accepting": 3, "capacity": 40})
    return home


# --- no sign-in, no cookie, no session or user query -----------------------------------


@pytest.mark.parametrize("path", ["/care-homes/", "/care-homes/?near=LS6&care=dementia", "/care-homes/about/"])
def test_public_pages_need_no_sign_in_set_no_cookie_and_can_be_cached(client, published, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["ETag"]
    assert "Cookie" not in response.headers.get("Vary", "")
    no_session_or_user_query(captured)
    assert "csrfmiddlewaretoken" not in response.text


@pytest.mark.parametrize(
    ("method", "path", "status", "meta"),
    [
        ("get", "/care-homes/1-999999999/", 404, {}),  # on main: a CSRF cookie
        ("get", "/no-such-page/", 404, {}),
        ("post", "/no-such-page/", 404, {}),
        ("get", "/sitemap-nope.xml", 404, {}),
        ("get", "/care-homes/?near=%00", 400, {}),
        ("get", "/care-homes/", 400, {"HTTP_HOST": "evil.example"}),  # a host we do not serve
        ("post", "/care-homes/", 405, {}),
        ("head", "/care-homes/", 200, {}),
    ],
)
def test_public_error_pages_set_no_cookie_either(client, published, method, path, status, meta):
    response = getattr(client, method)(path, **meta)
    assert response.status_code == status
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


@override_settings(PUBLIC_REQUESTS_PER_MINUTE=1)
def test_the_too_many_requests_page_sets_no_cookie(client, published):
    client.get(page_of(published))
    response = client.get(page_of(published))
    assert response.status_code == 429
    assert not response.cookies


def test_a_home_page_is_public_uncookied_and_costs_three_queries(client, published, django_assert_max_num_queries):
    client.get(page_of(published))  # the rate-limit row exists: a steady state
    with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(3):
        response = client.get(page_of(published))
    assert response.status_code == 200
    assert not response.cookies
    no_session_or_user_query(captured)
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_search_costs_two_queries(client, published, django_assert_max_num_queries):
    client.get("/care-homes/?near=LS6+2AD&care=dementia")
    with django_assert_max_num_queries(2):
        assert client.get("/care-homes/?near=LS6+2AD&care=dementia").status_code == 200


def test_staff_signed_in_cost_no_session_or_user_query_on_public_pages(client, published, home_staff):
    client.force_login(home_staff)
    client.get(page_of(published))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page_of(published))
    assert response.status_code == 200
    no_session_or_user_query(captured)
    assert "Sign out" not in response.text  # the page is everyone's, not this person's


# --- find a care home --------------------------------------------------------------------


def test_families_find_dementia_nursing_homes_near_a_postcode_with_distance(client, published, bradford):
    other_home = CareHomeFactory(
        name="Heaton Grove", local_authority=bradford, town="Bradford", latitude=53.8098, longitude=-1.7940
    )
    residential = CareHomeFactory(name="Far Headingley House", service_type=ServiceType.WITHOUT_NURSING)
    response = client.get("/care-homes/", {"near": "ls6 2ad", "radius": "5", "care": ["dementia", "nursing"]})
    assert published.name in response.text
    assert residential.name not in response.text  # residential only
    assert other_home.name not in response.text  # Bradford: more than 5 miles away
    assert re.search(r"\b0\.\d miles away", response.text)
    assert ">1 care home<" in response.text
    assert "Within 5 miles of LS6 2AD" in response.text
    wider = client.get("/care-homes/", {"near": "ls6 2ad", "radius": "20", "care": ["dementia", "nursing"]}).text
    assert other_home.name in wider
    assert re.search(r"[1-9]\d*\.\d miles away", wider)


def test_a_town_or_council_name_finds_homes_too(client, published):
    assert published.name in client.get("/care-homes/", {"near": "Leeds"}).text


def test_a_place_we_cannot_find_is_said_next_to_the_field_and_the_rest_still_applies(client, published):
    response = client.get("/care-homes/", {"near": "Atlantis", "care": "nursing"})
    assert response.status_code == 200
    assert "We cannot find “Atlantis”" in response.text
    assert 'id="id_near-error"' in response.text
    assert published.name in response.text  # the type of care still applies
    assert "<title>Error: Find a care home" in response.text


def test_bed_available_now_means_fresh_published_figures_with_a_free_bed(client, published, provider):
    full = CareHomeFactory(name="Full House", provider=provider)
    give_figures(full, None, nursing={"vacant_accepting": 0})
    hidden = CareHomeFactory(name="Quiet House", provider=provider, shows_availability=False)
    give_figures(hidden, None, nursing={"vacant_accepting": 5})
    stale = CareHomeFactory(name="Old News House", provider=provider)
    give_figures(stale, None, nursing={"vacant_accepting": 5})
    HomeVacancies.objects.filter(home=stale).update(last_confirmed_at=timezone.now() - datetime.timedelta(days=8))
    text = client.get("/care-homes/", {"available": "on"}).text
    assert published.name in text
    for home in (full, hidden, stale):
        assert home.name not in text


def test_funding_and_rating_filters(client, published, provider):
    council_only = CareHomeFactory(name="Council Only", provider=provider, funding_accepted=["local_authority"])
    published.funding_accepted = ["self_funded"]
    published.save()
    text = client.get("/care-homes/", {"paying": "council"}).text
    assert council_only.name in text
    assert published.name not in text
    CareHomeFactory(name="Needs Work", provider=provider, cqc_rating="requires_improvement")
    text = client.get("/care-homes/", {"rating": "good"}).text
    assert "Needs Work" not in text
    assert published.name in text


def test_htmx_gets_the_results_only_and_caches_keep_the_two_apart(client, published, htmx_headers):
    response = client.get("/care-homes/", {"care": "dementia"}, headers=htmx_headers)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="results"' in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_page_two_keeps_the_filters(client, provider):
    for n in range(25):
        CareHomeFactory(name=f"Home {n:02d}", provider=provider)
    first = client.get("/care-homes/", {"near": "LS6", "care": "dementia"}).text
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "near=LS6" in link
    assert "care=dementia" in link
    second = client.get("/care-homes/" + link).text
    assert "Home 24" in second
    assert "Home 00" not in second


def test_a_page_beyond_the_last_shows_the_last(client, published):
    response = client.get("/care-homes/", {"page": "999"})
    assert published.name in response.text


@pytest.mark.parametrize("page", ["0", "-3", "abc", "9" * 40, "1e9"])
def test_nonsense_page_numbers_show_the_first_page(client, published, page):
    response = client.get("/care-homes/", {"page": page})
    assert response.status_code == 200
    assert published.name in response.text


hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "%00", "\u202e", "9" * 500, "../../etc/passwd"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(["near", "radius", "care", "paying", "rating", "available", "page", "home", "back", "x"]),
    value=hostile,
    path=st.sampled_from(["/care-homes/", "/care-homes/compare/", "/care-homes/1-101234567/"]),
)
def test_hostile_parameters_never_500_and_never_execute(client, field, value, path):
    with override_settings(PUBLIC_REQUESTS_PER_MINUTE=10**9):
        response = client.get(path, {field: value})
    assert response.status_code in {200, 400, 404}
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_huge_query_string_is_answered(client, published):
    response = client.get("/care-homes/", {"near": "x" * 5000, "care": ["dementia"] * 500})
    assert response.status_code == 200
    assert "at most 60 characters" in response.text


# --- a home's page -------------------------------------------------------------------------


def test_a_home_page_tells_a_family_what_they_need(client, published):
    text = client.get(page_of(published)).text
    for expected in [
        published.name,
        "LS6 2AD",
        "0113 496 0000",
        "Good (March 2024)",
        "Requires improvement",  # Safe
        "Outstanding",  # Caring
        "Well-led",
        "CQC registers the home for 40 beds",
        "£950 to £1,200 a week",
        "A top-up may be asked for. Only for our larger rooms.",
        "Garden",
        "Visitors welcome from 10am.",
        "We have a garden.",
        "Beds available",
        "Updated today",
        "https://www.cqc.org.uk/location/" + published.cqc_location_id,
        'itemtype="https://schema.org/NursingHome"',
    ]:
        assert expected in text, expected


def test_availability_is_a_band_never_a_count(client, published):
    text = client.get(page_of(published)).text
    assert private_things(text, names=("manager@example.org",)) == []


@pytest.mark.parametrize(
    ("beds", "closed", "band"),
    [(5, False, "Beds available"), (2, False, "Limited availability"), (0, False, "No vacancies"),
     (4, True, "Not taking new residents")],
)  # fmt: skip
def test_the_bands(beds, closed, band):
    now = timezone.now()
    found = availability(
        shows=True, closed=closed, all_categories_closed=False, beds=beds, last_confirmed_at=now, now=now
    )
    assert found.words == band


def test_figures_more_than_a_week_old_say_call_the_home(client, published):
    eight_days = timezone.now() - datetime.timedelta(days=8)
    HomeVacancies.objects.filter(home=published).update(last_confirmed_at=eight_days)
    text = client.get(page_of(published)).text
    assert "Availability not confirmed recently: call the home" in text
    assert "Beds available" not in text
    HomeVacancies.objects.filter(home=published).update(last_confirmed_at=eight_days + datetime.timedelta(days=2))
    assert "Updated 6 days ago" in client.get(page_of(published)).text


def test_a_home_that_does_not_publish_availability_says_call(client, published):
    published.shows_availability = False
    published.save()
    text = client.get(page_of(published)).text
    assert "does not publish its availability" in text
    assert "Beds available" not in text


def test_closure_reasons_and_staff_never_show(client, published, home_staff):
    HomeVacancies.objects.filter(home=published).update(closed_to_admissions=True, closed_reason="cqc_enforcement")
    text = client.get(page_of(published)).text
    assert "Not taking new residents" in text
    assert private_things(text, names=(home_staff.full_name, home_staff.email), reasons=("CQC enforcement",)) == []


def test_an_unknown_home_is_the_styled_404(client, db):
    response = client.get("/care-homes/1-000000001/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_an_archived_home_says_it_is_no_longer_registered(client, published):
    published.status = HomeStatus.ARCHIVED
    published.archived_reason = "Deregistered after enforcement"
    published.save()
    response = client.get(page_of(published))
    assert response.status_code == 410
    assert "is no longer registered" in response.text
    assert "Deregistered after enforcement" not in response.text
    assert published.name not in client.get("/care-homes/").text


def test_an_unchanged_page_is_answered_304_and_a_change_makes_a_new_one(client, published, home_staff):
    first = client.get(page_of(published))
    etag = first.headers["ETag"]
    again = client.get(page_of(published), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    give_figures(published, home_staff, version=1, nursing={"vacant_accepting": 0, "capacity": 40})
    changed = client.get(page_of(published), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "No vacancies" in changed.text


def test_the_etag_does_not_tell_what_a_home_keeps_private(client, published, home_staff):
    """Issue 24: on main the ETag changed with figures the page does not show, so polling it
    with If-None-Match told anyone when a home that hides its availability gained or lost a bed."""
    published.shows_availability = False
    published.save()
    etag = client.get(page_of(published)).headers["ETag"]
    for version, free in enumerate([0, 5, 1], start=1):
        give_figures(published, home_staff, version=version, nursing={"vacant_accepting": free, "capacity": 40})
        again = client.get(page_of(published), headers={"If-None-Match": etag})
        assert again.status_code == 304, free
    # What the page does show still makes a new one.
    published.public_description = "A new description."
    published.save()
    assert client.get(page_of(published), headers={"If-None-Match": etag}).status_code == 200


def test_search_pages_answer_304_when_unchanged(client, published):
    first = client.get("/care-homes/?care=dementia")
    assert client.get("/care-homes/?care=dementia", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


# --- compare -------------------------------------------------------------------------------


def test_compare_two_homes_side_by_side_by_link(client, published, other_home):
    response = client.get("/care-homes/compare/", {"home": [published.cqc_location_id, other_home.cqc_location_id]})
    text = response.text
    assert response.status_code == 200
    assert published.name in text
    assert other_home.name in text
    assert "£950 to £1,200 a week" in text
    assert "Not published" in text
    assert "Beds available" in text
    assert private_things(text) == []
    assert not response.cookies


def test_compare_keeps_to_three_and_says_what_it_left_out(client, provider):
    homes = [CareHomeFactory(name=f"Home {n}", provider=provider) for n in range(4)]
    text = client.get("/care-homes/compare/", {"home": [h.cqc_location_id for h in homes] + ["1-1"]}).text
    assert "You can compare 3 homes at a time" in text
    assert "Home 3" not in text
    gone = client.get("/care-homes/compare/", {"home": ["1-123", homes[0].cqc_location_id]}).text
    assert "1 of the homes in this link is no longer listed" in gone


def test_compare_with_nothing_chosen_says_how(client, db):
    assert "tick up to 3" in client.get("/care-homes/compare/").text


# --- rate limit ----------------------------------------------------------------------------


@override_settings(PUBLIC_REQUESTS_PER_MINUTE=3)
def test_scraping_at_speed_gets_a_polite_429_per_address(client, published):
    # Counts are per minute: the clock is held 10 seconds into one.
    ten_past = timezone.now().replace(second=10, microsecond=0)
    with mock.patch("accounts.throttle.timezone.now", return_value=ten_past):
        for _ in range(3):
            assert client.get(page_of(published)).status_code == 200
        response = client.get(page_of(published))
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "50"
        assert "Too many requests" in response.text
        assert client.get(page_of(published), REMOTE_ADDR="192.0.2.7").status_code == 200  # another address
    next_minute = ten_past + datetime.timedelta(minutes=1)
    with mock.patch("accounts.throttle.timezone.now", return_value=next_minute):
        assert client.get(page_of(published)).status_code == 200


# --- search engines ------------------------------------------------------------------------


def test_sitemap_lists_every_active_home_and_robots_points_to_it(client, published, other_home):
    other_home.status = HomeStatus.ARCHIVED
    other_home.save()
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert not index.cookies
    section = re.search(r"<loc>http://testserver(/sitemap-homes\.xml[^<]*)</loc>", index.content.decode()).group(1)
    homes = client.get(section).content.decode()
    assert page_of(published) in homes
    assert page_of(other_home) not in homes
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Allow: /care-homes/" in robots


# --- homes control their public page -----------------------------------------------------


def public_form(home, **changes):
    data = {
        "version": home.version,
        "public_description": home.public_description,
        "fee_from": home.fee_from or "",
        "fee_to": home.fee_to or "",
        "top_up": "" if home.top_up is None else str(home.top_up),
        "top_up_note": home.top_up_note,
        "facilities": home.facilities,
        "visiting_arrangements": home.visiting_arrangements,
        "shows_availability": str(home.shows_availability),
        "action": "save",
    }
    return data | changes


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "council_admin", "service_admin"])
def test_people_responsible_for_a_home_edit_its_public_page(client, request, published, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = f"/homes/{published.pk}/public-page/"
    assert "What families see" in client.get(url).text
    response = client.post(url, public_form(published, fee_from="1000", shows_availability="False"), follow=True)
    assert "public page has been saved" in response.text
    published.refresh_from_db()
    assert (published.fee_from, published.shows_availability, published.version) == (1000, False, 2)
    changes = {c.field: c for c in CareHomeChange.objects.filter(home=published, version=2)}
    assert changes["fee_from"].old_value == "950"
    assert changes["fee_from"].new_value == "1000"
    assert changes["fee_from"].changed_by == user
    assert "shows_availability" in changes


@pytest.mark.parametrize("role", ["other_home_staff", "other_council_admin", "coordinator", "user_without_role"])
def test_others_cannot_edit_a_home_public_page(client, request, published, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(f"/homes/{published.pk}/public-page/").status_code == 404
    assert client.post(f"/homes/{published.pk}/public-page/", public_form(published, fee_from="1")).status_code == 404
    published.refresh_from_db()
    assert published.fee_from == 950


def test_signed_out_people_are_sent_to_sign_in(client, published):
    response = client.get(f"/homes/{published.pk}/public-page/")
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"fee_from": "5"}, "fee_from", "between £100 and £10,000"),
        ({"fee_from": "1200", "fee_to": "900"}, "fee_to", "the same as the lowest or more"),
        ({"fee_from": "", "fee_to": "900"}, "fee_from", "Enter the lowest weekly fee too"),
        ({"fee_from": "lots"}, "fee_from", "Enter a whole number"),
        ({"shows_availability": "maybe"}, "shows_availability", "Select a valid choice"),
        ({"public_description": "x" * 3001}, "public_description", "at most 3000 characters"),
    ],
)
def test_bad_input_is_said_next_to_the_field_and_changes_nothing(
    client, home_staff, published, changes, field, message
):
    client.force_login(home_staff)
    response = client.post(f"/homes/{published.pk}/public-page/", public_form(published, **changes))
    assert response.status_code == 200
    assert f'id="id_{field}-error"' in response.text
    assert message in response.text
    published.refresh_from_db()
    assert published.version == 1
    assert published.fee_from == 950


def test_preview_shows_the_page_and_saves_nothing(client, home_staff, published):
    client.force_login(home_staff)
    response = client.post(
        f"/homes/{published.pk}/public-page/",
        public_form(published, public_description="Newly decorated lounge.", action="preview"),
    )
    assert "Preview: not saved yet" in response.text
    assert "Newly decorated lounge." in response.text
    assert "Newly decorated lounge." in response.text.split("Preview: not saved yet")[1]
    published.refresh_from_db()
    assert published.public_description == "A family-run home.\n\nWe have a garden."


def test_htmx_preview_swaps_the_editor_only_and_htmx_save_redirects(client, home_staff, published, htmx_headers):
    client.force_login(home_staff)
    url = f"/homes/{published.pk}/public-page/"
    preview = client.post(url, public_form(published, fee_to="1500", action="preview"), headers=htmx_headers)
    assert "<html" not in preview.text
    assert 'id="public-page-editor"' in preview.text
    assert "£950 to £1,500 a week" in preview.text
    bad = client.post(url, public_form(published, fee_to="10", action="preview"), headers=htmx_headers)
    assert bad.status_code == 200
    assert "between £100 and £10,000" in bad.text
    assert "<html" not in bad.text
    saved = client.post(url, public_form(published, fee_to="1500"), headers=htmx_headers)
    assert saved.headers["HX-Redirect"] == f"/homes/{published.pk}/"
    published.refresh_from_db()
    assert published.fee_to == 1500


def test_two_people_editing_at_once_lose_nothing(client, home_staff, provider_admin, published):
    client.force_login(provider_admin)
    client.post(f"/homes/{published.pk}/public-page/", public_form(published, fee_from="990"))
    client.force_login(home_staff)
    stale = public_form(published, top_up_note="Ask us about top-ups.")  # loaded at version 1
    response = client.post(f"/homes/{published.pk}/public-page/", stale)
    assert response.status_code == 409
    assert "Someone else saved changes while you were editing" in response.text
    assert "Ask us about top-ups." in response.text  # what this person typed is still in the form
    assert 'name="version" value="2"' in response.text
    published.refresh_from_db()
    assert published.fee_from == 990
    assert published.top_up_note == "Only for our larger rooms."


def test_councils_see_which_homes_hide_their_availability(client, council_admin, published, provider):
    CareHomeFactory(name="Private Place", provider=provider, shows_availability=False)
    client.force_login(council_admin)
    text = client.get("/homes/").text
    assert "Availability hidden" in text
    assert "Availability shown" in text
    assert "1 of them does not show its availability on its public page" in text


def test_the_home_page_links_to_the_public_page_for_its_editors(client, home_staff, coordinator, published):
    client.force_login(home_staff)
    text = client.get(f"/homes/{published.pk}/").text
    assert f"/homes/{published.pk}/public-page/" in text
    assert page_of(published) in text
    client.force_login(coordinator)
    assert f"/homes/{published.pk}/public-page/" not in client.get(f"/homes/{published.pk}/").text


# --- the dataset's public pages --------------------------------------------------------------


@pytest.mark.slow
def test_no_public_page_of_the_dataset_shows_a_bed_count_or_an_email(client):
    from django.core.management import call_command

    from registers.models import CareHome

    call_command("build_dataset", scale="region", seed=3, stdout=open("/dev/null", "w"))  # noqa: SIM115
    homes = list(CareHome.objects.filter(is_synthetic=True, status="active"))
    assert homes
    published = [h for h in homes if h.public_description and h.fee_from]
    assert len(published) > len(homes) / 2  # most homes say what they charge
    assert any(not h.shows_availability for h in homes)
    with override_settings(PUBLIC_REQUESTS_PER_MINUTE=10**9):
        pages = [client.get(page_of(home)).text for home in homes]
        pages.append(client.get("/care-homes/", {"near": "Leeds", "radius": "50"}).text)
        pages.append(client.get("/care-homes/compare/", {"home": [h.cqc_location_id for h in homes[:3]]}).text)
    for html in pages:
        assert private_things(html) == []
    assert any("Beds available" in html or "Limited availability" in html for html in pages)


def test_provider_names_are_public_but_provider_staff_are_not(client, published, provider_admin):
    text = client.get(page_of(published)).text
    assert published.provider.name in text
    assert private_things(text, names=(provider_admin.full_name,)) == []


def test_a_home_with_no_figures_yet_says_call_the_home(client, db):
    fresh = CareHomeFactory(name="Brand New House", provider=ProviderFactory())
    text = client.get(page_of(fresh)).text
    assert "Availability not confirmed recently: call the home" in text


def test_the_privacy_check_finds_what_it_looks_for():
    found = private_things(
        "<p>3 beds available. 2 vacant. Ask manager@home.example.org</p><p>Jo Bloggs</p>",
        names=("Jo Bloggs",),
        reasons=("Infection outbreak",),
    )
    assert len(found) == 4
    assert private_things("<p>No vacancies. Limited availability. CQC registers the home for 40 beds.</p>") == []
    assert private_things("<p>Can take on 12.5 new hours a week; 3 hrs in LS6</p>") == [
        "hours “12.5 new hours”",
        "hours “3 hrs”",
    ]
    assert private_things("<p>Taking on new clients. Updated 3 days ago. Limited capacity for new clients</p>") == []
