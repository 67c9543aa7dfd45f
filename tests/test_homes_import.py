"""Bulk onboarding from CQC CSV files: dry run, preview, all-or-nothing import."""

import csv
import io
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from homes.models import CareHomeChange, ImportColumnMapping, ImportJob
from registers.models import CareHome

pytestmark = pytest.mark.django_db

API_HEADER = [
    "location_id", "provider_id", "name", "address_line_1", "address_line_2", "town", "county", "postcode",
    "local_authority", "region", "phone", "website", "care_home", "number_of_beds", "service_types",
    "specialisms", "overall_rating", "overall_rating_date", "an_extra_column",
]  # fmt: skip


def api_row(location_id, name, postcode="LS6 2AD", **overrides):
    row = {
        "location_id": location_id,
        "provider_id": "1-555000001",
        "name": name,
        "address_line_1": "1 Street",
        "address_line_2": "NA",
        "town": "Leeds",
        "county": "West Yorkshire",
        "postcode": postcode,
        "local_authority": "Leeds",
        "region": "Yorkshire and The Humber",
        "phone": "1134960000",
        "website": "www.example.org",
        "care_home": "Y",
        "number_of_beds": "40",
        "service_types": "Care home service with nursing",
        "specialisms": "Caring for adults over 65 yrs|Dementia|Something CQC added later",
        "overall_rating": "Good",
        "overall_rating_date": "2024-02-01",
        "an_extra_column": "ignored",
    }
    row.update(overrides)
    return [row[h] for h in API_HEADER]


def to_csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client, content: bytes, name="homes.csv"):
    return client.post("/homes/import/", {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def run_worker():
    """The real database worker, processing what is queued, then returning. It
    closes stale connections between tasks, which would end the test's own."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, no_startup_delay=True, queue_name="*", verbosity=0)


def checked_job(client, content) -> ImportJob:
    response = upload(client, content)
    assert response.status_code == 302, response.content
    run_worker()
    return ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_messy_file_is_checked_previewed_then_imported(client, council_admin, home):
    client.force_login(council_admin)
    content = to_csv(
        API_HEADER,
        [
            api_row("1-100000001", "Meanwood Court"),
            api_row(home.cqc_location_id, "Headingley Park", phone="0113 496 0555"),  # an update
            api_row("1-100000002", '=HYPERLINK("http://evil")', postcode="ls6  2ab"),  # formula cell, kept as text
            api_row("1-100000003", "New Build House", postcode="LS6 2ZZ"),  # newer than our postcode list
            api_row("1-100000004", "E08000035 By Code", local_authority="E08000035"),
            api_row("not-an-id", "Bad Id"),
            api_row("1-100000005", "Nowhere", postcode="ZZ9 9ZZ"),
            api_row("1-100000006", "In Bradford", postcode="BD9 5AB", local_authority="Bradford"),
            api_row("1-100000001", "Duplicate Of Row 2"),
            api_row("1-100000007", "Domiciliary Agency", care_home="N"),
            api_row("1-100000008", "Rated Without Date", overall_rating_date="NA"),
            api_row("1-100000009", "Wrong Council Column", local_authority="Bradford"),
            ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ],
    )
    job = checked_job(client, content)
    assert job.status == ImportJob.Status.READY
    assert job.layout == "CQC API extract"
    assert (job.to_create, job.to_update, job.unchanged) == (5, 1, 0)
    reasons = {p["row"]: p["reason"] for p in job.problems}
    assert reasons == {
        7: "CQC location ID “not-an-id” is not like 1-101234567",
        8: "Postcode ZZ9 9ZZ is not a postcode we can find in England",
        9: "Bradford is not your council area",
        10: "The same CQC location ID is on row 2: only the first is used",
        12: "The CQC rating has no date (overall_rating_date): a rating is always shown with its date",
    }
    assert job.skipped == {"Neither care homes nor home-care agencies": 1}  # row 11: counted, not a problem
    # The postcode wins over the council column: a warning, and the row is imported.
    assert [(w["row"], w["reason"]) for w in job.warnings] == [
        (13, "The local authority column says Bradford, but the postcode LS6 2AD is in Leeds: the postcode's council "
             "is used"),
    ]  # fmt: skip
    assert job.ignored_columns == ["region", "an_extra_column"]  # number_of_beds is kept now
    assert not CareHome.objects.filter(cqc_location_id="1-100000001").exists()  # a dry run writes nothing

    page = client.get(f"/homes/import/{job.pk}/")
    assert "Homes to add" in page.text
    assert "40 registered beds" in page.text
    assert "Rows with warnings" in page.text
    assert "Skipped: Neither care homes nor home-care agencies" in page.text
    assert "Import 6 homes" in page.text

    client.post(f"/homes/import/{job.pk}/start/")
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.updated_count) == (5, 1)
    meanwood = CareHome.objects.get(cqc_location_id="1-100000001")
    assert meanwood.phone == "0113 496 0000"
    assert meanwood.address_line_2 == ""
    assert meanwood.website == "https://www.example.org"
    assert meanwood.service_user_bands == ["older_people", "dementia"]
    assert meanwood.provider.cqc_provider_id == "1-555000001"
    assert meanwood.registered_beds == 40
    assert CareHome.objects.get(cqc_location_id="1-100000009").local_authority.name == "Leeds"
    assert CareHome.objects.get(cqc_location_id="1-100000002").name == '=HYPERLINK("http://evil")'
    assert CareHome.objects.get(cqc_location_id="1-100000003").postcode == "LS6 2ZZ"
    home.refresh_from_db()
    assert home.phone == "0113 496 0000"  # the home keeps its own phone: a file only fills an empty one
    assert home.website == "https://www.example.org"  # it had none
    assert home.registered_beds == 40
    assert CareHomeChange.objects.filter(home=home, field="registered_beds", changed_by=council_admin).exists()
    assert not CareHomeChange.objects.filter(home=home, field="phone").exists()
    assert CareHomeChange.objects.filter(home=meanwood, field="imported").exists()
    # Importing the same file again changes nothing and duplicates nothing.
    again = checked_job(client, content)
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 6)


DIRECTORY_HEADER = [
    "Name", "Also known as", "Address", "Postcode", "Phone number", "Service's website (if available)",
    "Service types", "Date of latest check", "Specialisms/services", "Provider name", "Local authority", "Region",
    "Location URL", "CQC Location ID (for office use only)", "CQC Provider ID (for office use only)",
    "Overall rating",
]  # fmt: skip


def test_cqc_care_directory_headings_are_understood(client, council_admin):
    client.force_login(council_admin)
    row = [
        "Otley Road House", "", "2 Otley Road, Far Headingley, Leeds", "LS16 6AB", "0113 496 0321", "",
        "Care home service without nursing", "01/03/2024", "Dementia, Caring for adults over 65 yrs",
        "Otley Care Ltd", "Leeds", "Yorkshire and The Humber", "https://www.cqc.org.uk/location/1-200000001",
        "1-200000001", "1-300000001", "Requires improvement",
    ]  # fmt: skip
    job = checked_job(client, to_csv(DIRECTORY_HEADER, [row]))
    assert (job.to_create, job.problems) == (1, [])
    client.post(f"/homes/import/{job.pk}/start/")
    run_worker()
    home = CareHome.objects.get(cqc_location_id="1-200000001")
    assert (home.address_line_1, home.address_line_2, home.town) == ("2 Otley Road", "Far Headingley", "Leeds")
    assert home.provider.name == "Otley Care Ltd"
    assert home.service_type == "without_nursing"
    assert (home.cqc_rating, str(home.cqc_rating_date)) == ("requires_improvement", "2024-03-01")
    assert home.service_user_bands == ["dementia", "older_people"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"   \n  ", "The file is empty"),
        ("name,postcode\nCaf\u00e9,LS6 2AD\n".encode("latin-1"), "The file is not UTF-8 text"),
        (b",,\n1,2,3\n", "first row has no column headings"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "The file is not UTF-8 text"),
    ],
)
def test_unreadable_files_are_refused_next_to_the_field(client, council_admin, content, message):
    client.force_login(council_admin)
    response = upload(client, content)
    assert response.status_code == 200
    assert 'id="id_file-error"' in response.text
    assert message in response.text
    assert not ImportJob.objects.exists()


def test_a_file_over_20_mb_is_refused(client, council_admin, settings):
    client.force_login(council_admin)
    header = to_csv(API_HEADER, [])
    big = header + b"x" * (settings.UPLOAD_MAX_BYTES + 1 - len(header))
    response = upload(client, big)
    assert "The file is larger than 20.0\xa0MB" in response.text
    assert not ImportJob.objects.exists()


def test_a_file_over_the_limit_is_refused_before_any_of_it_is_kept(client, council_admin, settings):
    """Issue 24: on main the whole upload was written to a temporary file (past 5 MB), or held
    in memory, and only then refused by the form."""
    from django.core.files import uploadedfile

    settings.UPLOAD_MAX_BYTES, settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000, 2_000
    client.force_login(council_admin)
    header = to_csv(API_HEADER, [])
    kept = []
    big = {"file": SimpleUploadedFile("homes.csv", header + b"x" * 200_000, content_type="text/csv")}
    with (
        mock.patch.object(uploadedfile.TemporaryUploadedFile, "__init__", side_effect=lambda *a, **k: kept.append(a)),
        mock.patch.object(uploadedfile.InMemoryUploadedFile, "__init__", side_effect=lambda *a, **k: kept.append(a)),
    ):
        response = client.post("/homes/import/", big)
    assert response.status_code == 200
    assert 'id="id_file-error"' in response.text
    assert "The file is larger than 9.8\xa0KB" in response.text
    assert kept == []
    assert not ImportJob.objects.exists()
    # A file within the limit still arrives.
    assert upload(client, to_csv(API_HEADER, [api_row("1-100000001", "A")])).status_code == 302


def test_a_cell_longer_than_the_csv_modules_limit_is_refused_at_upload(client, council_admin):
    """Issue 24: on main the upload was accepted and its check stopped half way, leaving the
    import "checking" for ever."""
    client.force_login(council_admin)
    content = to_csv(API_HEADER, [api_row("1-100000001", "A"), api_row("1-100000002", "x" * 200_000)])
    response = upload(client, content)
    assert response.status_code == 200
    assert 'id="id_file-error"' in response.text
    assert "line 3 has a cell longer than 131,072 characters" in response.text
    assert not ImportJob.objects.exists()


def test_an_import_whose_file_cannot_be_read_fails_with_a_clear_message(council_admin, leeds):
    from homes.tasks import check_import

    content = to_csv(API_HEADER, [api_row("1-100000001", "x" * 200_000)]).decode()
    job = ImportJob.objects.create(
        uploaded_by=council_admin, local_authority=leeds, filename="old.csv", content=content,
        columns=[*API_HEADER[:18], ""], layout="api", status=ImportJob.Status.QUEUED,
    )  # fmt: skip
    check_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "line 2 has a cell longer than 131,072 characters" in job.error


def test_an_import_check_that_breaks_says_so_rather_than_checking_for_ever(client, council_admin):
    client.force_login(council_admin)
    response = upload(client, to_csv(API_HEADER, [api_row("1-100000001", "A")]))
    job = ImportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    from homes.tasks import check_import

    with mock.patch("homes.csv_import.plan", side_effect=RuntimeError("a bug")), pytest.raises(RuntimeError):
        check_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "could not be checked" in job.error


def test_import_is_all_or_nothing(client, council_admin):
    client.force_login(council_admin)
    job = checked_job(client, to_csv(API_HEADER, [api_row("1-100000001", "A"), api_row("1-100000002", "B")]))
    client.post(f"/homes/import/{job.pk}/start/")
    from homes.tasks import run_import

    failing = mock.patch("homes.csv_import.CareHomeChange.objects.bulk_create", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "Nothing was imported" in job.error
    assert not CareHome.objects.exists()


def test_progress_is_polled_with_htmx_and_survives_a_reload(client, council_admin, htmx_headers):
    client.force_login(council_admin)
    response = upload(client, to_csv(API_HEADER, [api_row("1-100000001", "A")]))
    url = response["Location"]
    page = client.get(url)
    assert 'hx-trigger="every 1s"' in page.text
    assert "Waiting to be checked" in page.text
    fragment = client.get(url, headers=htmx_headers)
    assert fragment.text.lstrip().startswith('<div id="import-status"')
    run_worker()
    fragment = client.get(url, headers=htmx_headers)
    assert "every 1s" not in fragment.text  # polling stops when the check is done
    assert "Import 1 home" in fragment.text


def test_cancel_imports_nothing(client, council_admin):
    client.force_login(council_admin)
    job = checked_job(client, to_csv(API_HEADER, [api_row("1-100000001", "A")]))
    client.post(f"/homes/import/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert client.post(f"/homes/import/{job.pk}/start/", follow=True).status_code == 200
    run_worker()
    assert not CareHome.objects.exists()


def test_problem_rows_download_neutralises_formula_cells(client, council_admin):
    client.force_login(council_admin)
    job = checked_job(client, to_csv(API_HEADER, [api_row("=1+1", "A")]))
    response = client.get(f"/homes/import/{job.pk}/problems.csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=1+1" in body
    assert ",=1+1" not in body


@pytest.mark.parametrize("role", ["home_staff", "provider_admin", "coordinator"])
def test_only_councils_and_service_admins_import(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/homes/import/").status_code == 404
    assert upload(client, to_csv(API_HEADER, [api_row("1-100000001", "A")])).status_code == 404


def test_another_councils_import_is_not_found(client, council_admin, other_council_admin):
    client.force_login(council_admin)
    job = checked_job(client, to_csv(API_HEADER, [api_row("1-100000001", "A")]))
    client.force_login(other_council_admin)
    assert client.get(f"/homes/import/{job.pk}/").status_code == 404
    assert client.post(f"/homes/import/{job.pk}/start/").status_code == 404
    assert client.get(f"/homes/import/{job.pk}/problems.csv").status_code == 404


def test_service_admin_imports_anywhere(client, service_admin):
    client.force_login(service_admin)
    job = checked_job(
        client, to_csv(API_HEADER, [api_row("1-100000006", "In Bradford", postcode="BD9 5AB", local_authority="")])
    )
    assert (job.to_create, job.problems) == (1, [])


# --- every layout, every rating, registered beds, refreshing (issue 15) ---------------------------

HSCA_HEADER = [
    "Location ID", "Location HSCA start date", "Dormant (Y/N)", "Care home?", "Location Name",
    "Location Telephone Number", "Location Web Address", "Care homes beds", "Location Latest Overall Rating",
    "Publication Date", "Location Region", "Location Local Authority", "Location Street Address",
    "Location Address Line 2", "Location City", "Location County", "Location Postal Code", "Provider ID",
    "Provider Name", "Service type - Care home service with nursing",
    "Service type - Care home service without nursing", "Service type - Domiciliary care service",
    "Service user band - Dementia", "Service user band - Older People", "Service user band - Children 0-18 years",
]  # fmt: skip


def hsca_row(location_id, name, **overrides):
    row = dict.fromkeys(HSCA_HEADER, "")
    row |= {
        "Location ID": location_id, "Location HSCA start date": "01/04/2011", "Dormant (Y/N)": "N", "Care home?": "Y",
        "Location Name": name, "Location Telephone Number": "01134960123", "Care homes beds": "38",
        "Location Latest Overall Rating": "Good", "Publication Date": "23 February 2021",
        "Location Local Authority": "Leeds", "Location Street Address": "5 Spen Lane", "Location City": "Leeds",
        "Location Postal Code": "LS6 2AD", "Provider ID": "1-600000001", "Provider Name": "Spen Care Ltd",
        "Service type - Care home service with nursing": "Y", "Service user band - Dementia": "Y",
        "Service user band - Older People": "Y",
    }  # fmt: skip
    row.update(overrides)
    return [row[h] for h in HSCA_HEADER]


def imported(client, job):
    client.post(f"/homes/import/{job.pk}/start/")
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    return job


def test_cqc_hsca_active_locations_layout(client, council_admin):
    client.force_login(council_admin)
    rows = [
        hsca_row("1-700000001", "Spen Court"),
        hsca_row("1-700000002", "Spen Domiciliary", **{"Care home?": "N", "Care homes beds": ""}),
        hsca_row("1-700000003", "Spen Lodge", **{
            "Service type - Care home service with nursing": "",
            "Service type - Care home service without nursing": "Y",
            "Service user band - Dementia": "", "Location Latest Overall Rating": "Inspected but not rated",
            "Publication Date": "",
        }),
    ]  # fmt: skip
    job = checked_job(client, to_csv(HSCA_HEADER, rows))
    assert job.layout == "CQC HSCA active locations"
    assert (job.to_create, job.problems, job.skipped) == (2, [], {"Neither care homes nor home-care agencies": 1})
    imported(client, job)
    court = CareHome.objects.get(cqc_location_id="1-700000001")
    assert (court.service_type, court.service_user_bands) == ("with_nursing", ["dementia", "older_people"])
    assert (court.registered_beds, str(court.registration_date), str(court.cqc_rating_date)) == (
        38,
        "2011-04-01",
        "2021-02-23",
    )
    assert court.provider.name == "Spen Care Ltd"
    lodge = CareHome.objects.get(cqc_location_id="1-700000003")
    assert (lodge.service_type, lodge.cqc_rating, lodge.cqc_rating_date) == (
        "without_nursing",
        "inspected_not_rated",
        None,
    )
    assert lodge.get_cqc_rating_display() == "Inspected but not rated"


def test_every_cqc_rating_and_the_key_questions_are_kept(client, council_admin):
    client.force_login(council_admin)
    header = [*API_HEADER, "safe_rating", "well_led_rating", "registration_status", "last_inspection_date"]
    base = api_row("1-100000001", "Inspected Not Rated", overall_rating="Inspected but not rated",
                   overall_rating_date="23/02/2021")  # fmt: skip
    rows = [
        [*base, "Good", "Requires improvement", "Registered", "2021-02-10"],
        [
            *api_row(
                "1-100000002", "Insufficient", overall_rating="Insufficient evidence to rate", overall_rating_date="NA"
            ),
            "",
            "N/A",
            "Registered",
            "",
        ],
        [*api_row("1-100000003", "Not Yet", overall_rating="Not yet rated", overall_rating_date=""), "", "", "", ""],
        [*api_row("1-100000004", "Bad Rating", overall_rating="Excellent"), "", "", "", ""],
        [*api_row("1-100000005", "Bad Key Question"), "Brilliant", "", "", ""],
        [*api_row("1-100000006", "Bad Date"), "", "", "", "last Tuesday"],
    ]
    job = checked_job(client, to_csv(header, rows))
    assert {p["row"]: p["reason"] for p in job.problems} == {
        5: "CQC rating “Excellent” is not one of CQC's ratings",
        6: "CQC rating: Safe “Brilliant” is not one of CQC's ratings",
        7: "Date of last inspection “last Tuesday” is not a date we can read (like 2024-03-01 or 01/03/2024)",
    }
    imported(client, job)
    home = CareHome.objects.get(cqc_location_id="1-100000001")
    assert (home.cqc_rating, str(home.cqc_rating_date)) == ("inspected_not_rated", "2021-02-23")
    assert home.key_question_ratings == [
        ("Safe", "Good"), ("Effective", "Not known"), ("Caring", "Not known"), ("Responsive", "Not known"),
        ("Well-led", "Requires improvement"),
    ]  # fmt: skip
    insufficient = CareHome.objects.get(cqc_location_id="1-100000002")
    assert (insufficient.rating_safe, insufficient.rating_well_led) == (None, None)  # empty and "N/A": not given
    assert str(home.last_inspection_date) == "2021-02-10"
    assert CareHome.objects.get(cqc_location_id="1-100000002").cqc_rating == "insufficient_evidence"
    assert CareHome.objects.get(cqc_location_id="1-100000003").cqc_rating == "not_yet_rated"
    page = client.get(f"/homes/{home.pk}/").text
    assert "Inspected but not rated, 23 February 2021" in page
    assert (
        "Safe: Good<br>Effective: Not known<br>Caring: Not known<br>Responsive: Not known<br>"
        "Well-led: Requires improvement" in page
    )
    assert f'href="https://www.cqc.org.uk/location/{home.cqc_location_id}"' in page


@pytest.mark.parametrize(
    ("beds", "reason"),
    [
        ("-3", "Registered beds -3 is not a number of beds a home can have (0 to 2,000)"),
        ("forty", "Registered beds “forty” is not a whole number"),
        ("5000", "Registered beds 5000 is not a number of beds a home can have (0 to 2,000)"),
    ],
)
def test_registered_beds_that_cannot_be_are_problems(client, council_admin, beds, reason):
    client.force_login(council_admin)
    job = checked_job(client, to_csv(API_HEADER, [api_row("1-100000001", "A", number_of_beds=beds)]))
    assert [p["reason"] for p in job.problems] == [reason]
    assert job.to_create == 0


def test_a_file_whose_every_row_is_skipped_imports_nothing(client, council_admin):
    client.force_login(council_admin)
    rows = [api_row("1-100000001", "A", care_home="N"), api_row("bad", "B"), api_row("1-100000003", "C", postcode="")]
    job = checked_job(client, to_csv(API_HEADER, rows))
    assert (job.to_create, job.to_update, job.to_archive, len(job.problems)) == (0, 0, 0, 2)
    page = client.get(f"/homes/import/{job.pk}/").text
    assert "Import 0" not in page
    assert "/start/" not in page  # no import button: nothing to import
    assert "Cancel: import nothing" in page
    assert not CareHome.objects.exists()


def test_a_newer_file_updates_archives_the_deregistered_and_lists_the_missing(client, council_admin):
    client.force_login(council_admin)
    header = [*API_HEADER, "registration_status", "deregistration_date"]
    first = [
        [*api_row("1-100000001", "Stays", number_of_beds="40"), "Registered", ""],
        [*api_row("1-100000002", "Rating Changes"), "Registered", ""],
        [*api_row("1-100000003", "Closes Down"), "Registered", ""],
        [*api_row("1-100000004", "Left Out"), "Registered", ""],
    ]
    imported(client, checked_job(client, to_csv(header, first)))
    newer = [
        [*api_row("1-100000001", "Stays", number_of_beds="44"), "Registered", ""],
        [
            *api_row("1-100000002", "Rating Changes", overall_rating="Outstanding", overall_rating_date="2025-06-01"),
            "Registered",
            "",
        ],
        [*api_row("1-100000003", "Closes Down"), "Deregistered", "2025-10-31"],
        [*api_row("1-100000009", "Never Here"), "Deregistered", "2025-01-01"],
    ]
    job = checked_job(client, to_csv(header, newer))
    assert (job.to_create, job.to_update, job.to_archive) == (0, 2, 1)
    assert job.skipped == {"Deregistered homes not in the portal (not added)": 1}
    assert job.preview["rating_changes"] == [
        {"row": 3, "id": "1-100000002", "name": "Rating Changes", "old": "Good", "new": "Outstanding"}
    ]
    assert job.preview["beds_changes"] == [{"row": 2, "id": "1-100000001", "name": "Stays", "old": 40, "new": 44}]
    assert [a["id"] for a in job.preview["archive"]] == ["1-100000003"]
    assert job.preview["archive"][0]["reason"] == "Deregistered by CQC on 31 October 2025"
    assert [m["id"] for m in job.preview["missing"]] == ["1-100000004"]
    page = client.get(f"/homes/import/{job.pk}/").text
    shown = ["CQC ratings that change", "Registered beds that change", "Homes to archive", "Homes not in this file"]
    for words in [*shown, "Import 2 homes and archive 1"]:
        assert words in page
    assert CareHome.objects.get(cqc_location_id="1-100000003").status == "active"  # not before the import

    imported(client, job)
    closed = CareHome.objects.get(cqc_location_id="1-100000003")
    assert closed.status == "archived"
    assert closed.archived_reason == f"Deregistered by CQC on 31 October 2025 (file {job.filename})"
    assert CareHomeChange.objects.filter(home=closed, field="status", new_value__startswith="Archived").exists()
    assert CareHome.objects.get(cqc_location_id="1-100000004").status == "active"  # missing: never removed
    assert CareHome.objects.get(cqc_location_id="1-100000001").registered_beds == 44
    assert not CareHome.objects.filter(cqc_location_id="1-100000009").exists()


def test_only_the_columns_a_file_has_are_imported(client, council_admin, home):
    """A refresh without a website column leaves the website as it was."""
    home.website, home.county = "https://kept.example.org", "Kept County"
    home.save()
    client.force_login(council_admin)
    header = ["location_id", "provider_id", "name", "postcode", "service_types", "number_of_beds"]
    job = checked_job(client, to_csv(header, [[home.cqc_location_id, "1-555000001", home.name, "LS6 2AD",
                                               "Care home service with nursing", "30"]]))  # fmt: skip
    imported(client, job)
    home.refresh_from_db()
    assert (home.website, home.county, home.registered_beds) == ("https://kept.example.org", "Kept County", 30)


# --- the mapping step ------------------------------------------------------------------------------

COUNCIL_HEADER = ["Home ID", "Home name", "Post Code", "Telephone", "Provider", "Type", "Rating", "Rating date",
                  "Beds", "Notes"]  # fmt: skip


def council_row(home_id, name, **overrides):
    row = {"Home ID": home_id, "Home name": name, "Post Code": "LS6 2AD", "Telephone": "0113 496 0777",
           "Provider": "Council List Care", "Type": "Nursing home", "Rating": "Good", "Rating date": "01/02/2024",
           "Beds": "25", "Notes": "call before noon"}  # fmt: skip
    row.update(overrides)
    return [row[h] for h in COUNCIL_HEADER]


def chosen_on(page: str, name: str) -> str:
    """The option chosen in a page's select, as the person sees it chosen ("" for none)."""
    options = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    chosen = re.search(r'<option value="([^"]*)" selected>', options)
    return chosen.group(1) if chosen else ""


def test_unfamiliar_headings_are_matched_once_then_remembered(client, council_admin):
    client.force_login(council_admin)
    content = to_csv(COUNCIL_HEADER, [council_row("1-800000001", "Mapped House"), council_row("1-800000002", "Two")])
    response = upload(client, content, name="council-list.csv")
    job = ImportJob.objects.get()
    assert response["Location"] == f"/homes/import/{job.pk}/columns/"
    assert job.status == ImportJob.Status.MAPPING
    assert client.get(f"/homes/import/{job.pk}/")["Location"] == f"/homes/import/{job.pk}/columns/"
    page = client.get(f"/homes/import/{job.pk}/columns/")
    guesses = [chosen_on(page.text, f"column_{i}") for i in range(len(COUNCIL_HEADER))]
    assert guesses == ["location_id", "name", "postcode", "phone", "provider_name", "service_types",
                       "overall_rating", "overall_rating_date", "registered_beds", ""]  # fmt: skip
    assert "First values: 1-800000001 · 1-800000002" in page.text
    assert '<optgroup label="The home">' in page.text

    data = {f"column_{i}": guess for i, guess in enumerate(guesses)}
    response = client.post(f"/homes/import/{job.pk}/columns/", data)
    assert response["Location"] == f"/homes/import/{job.pk}/"
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.layout, job.to_create, job.problems) == ("ready", "Columns matched by you", 2, [])
    imported(client, job)
    mapped = CareHome.objects.get(cqc_location_id="1-800000001")
    assert (mapped.name, mapped.phone, mapped.service_type, mapped.registered_beds) == (
        "Mapped House",
        "0113 496 0777",
        "with_nursing",
        25,
    )
    assert mapped.provider.name == "Council List Care"

    # The council's next file with these headings skips the step.
    upload(client, to_csv(COUNCIL_HEADER, [council_row("1-800000003", "Three")]), name="next.csv")
    again = ImportJob.objects.get(filename="next.csv")
    assert again.status == ImportJob.Status.QUEUED
    assert again.layout == "Matched as this council's earlier file"


def test_the_mapping_step_refuses_what_it_cannot_use(client, council_admin):
    client.force_login(council_admin)
    upload(client, to_csv(COUNCIL_HEADER, [council_row("1-800000001", "A")]))
    job = ImportJob.objects.get()
    nothing = {f"column_{i}": "" for i in range(len(COUNCIL_HEADER))}
    response = client.post(f"/homes/import/{job.pk}/columns/", nothing)
    assert response.status_code == 200
    assert ("Match a column to each of these: CQC location ID, Name of the home, Postcode, CQC provider ID or "
            "provider name") in response.text  # fmt: skip
    twice = nothing | {"column_0": "location_id", "column_1": "name", "column_2": "postcode", "column_4": "name"}
    response = client.post(f"/homes/import/{job.pk}/columns/", twice)
    assert "Name of the home is already matched to “Home name”: match each field to one column" in response.text
    assert 'id="id_column_4-error"' in response.text
    nonsense = nothing | {"column_0": "not_a_field"}
    assert "Select a valid choice" in client.post(f"/homes/import/{job.pk}/columns/", nonsense).text
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING
    assert not ImportColumnMapping.objects.exists()


def test_another_councils_mapping_step_is_not_found(client, council_admin, other_council_admin):
    client.force_login(council_admin)
    upload(client, to_csv(COUNCIL_HEADER, [council_row("1-800000001", "A")]))
    job = ImportJob.objects.get()
    client.force_login(other_council_admin)
    assert client.get(f"/homes/import/{job.pk}/columns/").status_code == 404
    assert client.post(f"/homes/import/{job.pk}/columns/", {}).status_code == 404


def test_a_file_without_ratings_leaves_them_not_known_and_a_refresh_without_them_keeps_them(client, council_admin):
    """A directory file with no rating column says nothing about ratings (issue 24): a new home's
    rating is not known, never "Not yet rated"; an empty cell is not known too; a later file
    without the column leaves a known rating as it is."""
    client.force_login(council_admin)
    header = [h for h in DIRECTORY_HEADER if h not in {"Overall rating", "Date of latest check"}]
    row = [
        "No Ratings House", "", "2 Otley Road, Leeds", "LS16 6AB", "0113 496 0321", "",
        "Care home service without nursing", "Dementia", "Otley Care Ltd", "Leeds", "Yorkshire and The Humber",
        "https://www.cqc.org.uk/location/1-200000002", "1-200000002", "1-300000001",
    ]  # fmt: skip
    imported(client, checked_job(client, to_csv(header, [row])))
    home = CareHome.objects.get(cqc_location_id="1-200000002")
    assert (home.cqc_rating, home.cqc_rating_date, home.registered_beds) == (None, None, None)
    public = client.get("/care-homes/1-200000002/").text
    assert "Not known \u2013 <a" in public
    assert "Not yet rated" not in public

    empty = api_row("1-100000009", "Empty Rating", overall_rating="", overall_rating_date="", number_of_beds="")
    imported(client, checked_job(client, to_csv(API_HEADER, [empty])))
    assert CareHome.objects.get(cqc_location_id="1-100000009").cqc_rating is None

    CareHome.objects.filter(pk=home.pk).update(cqc_rating="good", cqc_rating_date="2024-01-05")
    again = checked_job(client, to_csv(header, [row]))
    assert again.to_update == 0
    home.refresh_from_db()
    assert home.cqc_rating == "good"
