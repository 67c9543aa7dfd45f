"""Bulk onboarding from CQC CSV files: dry run, preview, all-or-nothing import."""

import csv
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from homes.models import CareHome, CareHomeChange, ImportJob

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
    assert (job.to_create, job.to_update, job.unchanged) == (4, 1, 0)
    reasons = {p["row"]: p["reason"] for p in job.problems}
    assert reasons == {
        7: "CQC location ID “not-an-id” is not like 1-101234567",
        8: "Postcode ZZ9 9ZZ is not a postcode we can find in England",
        9: "Bradford is not your council area",
        10: "The same CQC location ID is on row 2: only the first is used",
        11: "Not a care home (care_home is N)",
        12: "The CQC rating has no date (overall_rating_date): a rating is always shown with its date",
        13: "The postcode LS6 2AD is in Leeds, but the local authority column says Bradford",
    }
    assert job.ignored_columns == ["region", "number_of_beds", "an_extra_column"]
    assert not CareHome.objects.filter(cqc_location_id="1-100000001").exists()  # a dry run writes nothing

    page = client.get(f"/homes/import/{job.pk}/")
    assert "Homes to add" in page.text
    assert "Row 7" not in page.text or "not-an-id" in page.text
    assert "Import 5 homes" in page.text

    client.post(f"/homes/import/{job.pk}/start/")
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.created_count, job.updated_count) == (4, 1)
    meanwood = CareHome.objects.get(cqc_location_id="1-100000001")
    assert meanwood.phone == "0113 496 0000"
    assert meanwood.address_line_2 == ""
    assert meanwood.website == "https://www.example.org"
    assert meanwood.service_user_bands == ["older_people", "dementia"]
    assert meanwood.provider.cqc_provider_id == "1-555000001"
    assert CareHome.objects.get(cqc_location_id="1-100000002").name == '=HYPERLINK("http://evil")'
    assert CareHome.objects.get(cqc_location_id="1-100000003").postcode == "LS6 2ZZ"
    home.refresh_from_db()
    assert home.phone == "0113 496 0555"
    assert CareHomeChange.objects.filter(home=home, field="phone", changed_by=council_admin).exists()
    assert CareHomeChange.objects.filter(home=meanwood, field="imported").exists()
    # Importing the same file again changes nothing and duplicates nothing.
    again = checked_job(client, content)
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 5)


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
        (b"name,postcode\nA,LS6 2AD\n", "The file is missing these columns: location_id, provider_id or Provider name"),
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
    big = header + b"x" * (settings.IMPORT_MAX_BYTES + 1 - len(header))
    response = upload(client, big)
    assert "The file is larger than 20 MB" in response.text
    assert not ImportJob.objects.exists()


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
