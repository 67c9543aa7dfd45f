import re

from django.core import mail
from playwright.sync_api import expect


def test_council_admin_onboards_a_home_and_its_manager_joins(page, live_server, sign_in, assert_accessible):
    from accounts.models import Role
    from tests.factories import MembershipFactory, local_authority

    MembershipFactory(
        role=Role.COUNCIL_ADMIN, local_authority=local_authority("E08000035"), user__email="c@example.org"
    )
    sign_in(page, "c@example.org")
    page.get_by_role("link", name="Care homes").first.click()
    page.get_by_role("button", name="Add a care home").click()
    assert_accessible(page)

    page.get_by_label("CQC location ID").fill("1-555000111")
    page.get_by_label("Name", exact=True).fill("Meanwood Court")
    page.get_by_label("Provider (organisation) name").fill("Meanwood Care Ltd")
    page.get_by_label("Address line 1").fill("5 Green Road")
    page.get_by_label("Town or city").fill("Leeds")
    page.get_by_label("Postcode").fill("LS6 2AB")
    page.get_by_label("Phone").fill("0113 496 01")
    page.get_by_label("Care home service with nursing", exact=True).check()
    page.get_by_label("Older people (65+)").check()
    page.get_by_role("button", name="Add care home").click()
    # A phone number that cannot be is explained next to the field, and nothing typed is lost.
    expect(page.get_by_role("link", name="Enter a UK phone number, like 0113 496 0000")).to_be_visible()
    assert page.get_by_label("Postcode").input_value() == "LS6 2AB"
    assert_accessible(page)
    page.get_by_label("Phone").fill("0113 496 0123")
    page.get_by_role("button", name="Add care home").click()

    expect(page.get_by_text("Meanwood Court has been added. Now invite its manager.")).to_be_visible()
    page.get_by_label("Full name").fill("Nell Manager")
    page.get_by_label("Email address").fill("nell@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nell@example.org")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    link = re.search(r"http://\S+/invitations/accept/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)
    expect(page.get_by_role("heading", name="Set up your account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Create a password").fill("a-strong-passphrase")
    page.get_by_label("Type the password again").fill("a-strong-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account is ready. You are signed in.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "nell@example.org", "a-strong-passphrase")
    expect(page.get_by_role("heading", name="My homes")).to_be_visible()
    expect(page.get_by_role("link", name="Meanwood Court", exact=True)).to_be_visible()
    assert_accessible(page)
    assert page.js_errors == []


def test_council_admin_matches_an_unfamiliar_file_and_imports_it(
    page, live_server, sign_in, assert_accessible, tmp_path
):
    from accounts.models import Role
    from registers.models import CareHome
    from tests.factories import MembershipFactory, local_authority
    from tests.test_homes_import import COUNCIL_HEADER, council_row, run_worker, to_csv

    MembershipFactory(
        role=Role.COUNCIL_ADMIN, local_authority=local_authority("E08000035"), user__email="c@example.org"
    )
    rows = [council_row("1-800000001", "Meanwood Park", Beds="31"), council_row("1-800000002", "Chapel Allerton Lodge")]
    upload = tmp_path / "leeds-homes.csv"
    upload.write_bytes(
        to_csv(["Reference", *COUNCIL_HEADER[1:]], [["1-800000001", *rows[0][1:]], ["1-800000002", *rows[1][1:]]])
    )
    sign_in(page, "c@example.org")
    page.get_by_role("link", name="Care homes").first.click()
    page.get_by_role("button", name="Add homes from a CSV file").click()
    page.get_by_label("CSV file of care homes").set_input_files(str(upload))
    page.get_by_role("button", name="Check file").click()

    page.get_by_role("heading", name="Match the file's columns").wait_for()
    assert_accessible(page)
    assert page.get_by_label("Post Code").input_value() == "postcode"  # guessed
    assert page.get_by_label("Reference").input_value() == ""  # not a word we know
    page.get_by_role("button", name="Use these columns and check the file").click()
    # Without the CQC location ID the step says so, and keeps what was chosen.
    expect(page.get_by_role("link", name="Match a column to each of these: CQC location ID")).to_be_visible()
    assert page.get_by_label("Post Code").input_value() == "postcode"
    page.get_by_label("Reference").select_option("location_id")
    page.get_by_role("button", name="Use these columns and check the file").click()

    page.get_by_role("heading", name="leeds-homes.csv").wait_for()
    run_worker()  # the background check
    page.reload()
    expect(page.get_by_text("Columns matched by you")).to_be_visible()
    expect(page.get_by_text("Meanwood Park (1-800000001, LS6 2AD, 31 registered beds)", exact=False)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 2 homes").click()
    run_worker()  # the background import
    page.reload()
    expect(page.get_by_text("2 homes added and 0 updated")).to_be_visible()
    assert CareHome.objects.get(cqc_location_id="1-800000001").registered_beds == 31
    assert page.js_errors == []
