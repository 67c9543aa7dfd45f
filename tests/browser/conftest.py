"""Playwright for Python driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
RESULTS = Path(__file__).resolve().parent.parent.parent / "test-results"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, request, viewport):
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="Europe/London")
    # The NHS fonts live on assets.nhs.uk, out of reach here: fall back to Arial at once.
    context.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type in {"error", "warning"}
            and "assets.nhs.uk" not in message.text
            and "net::ERR_FAILED" not in message.text
            else None
        ),
    )
    page.js_errors = errors
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, request, live_server):
    yield from _new_page(browser, request, DESKTOP)


@pytest.fixture
def phone_page(browser, request, live_server):
    yield from _new_page(browser, request, PHONE)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """No serious or critical axe violations on the page as it is now."""

    def check(page):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
        summary = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in bad
        )
        assert not bad, f"axe found serious or critical violations:\n{summary}"

    return check


@pytest.fixture
def give_second_factor(assert_accessible):
    """On the page the portal sent the person to: set up an authenticator app (a first one),
    or enter its code; then wait until they have left the two-factor pages."""

    def do(page, email):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.test_two_factor import code_for

        heading = page.locator("h1").first.inner_text()
        if heading.startswith("Set up two-factor"):
            assert_accessible(page)
            device = TOTPDevice.objects.get(user__email=email, confirmed=False)
            page.get_by_role("textbox", name="Code").fill(code_for(device))
            page.get_by_role("button", name="Turn on two-factor authentication").click()
            assert_accessible(page)
            page.get_by_role("button", name="I have saved my recovery codes").click()
        elif heading.startswith("Enter the code"):
            device = TOTPDevice.objects.get(user__email=email, confirmed=True)
            page.get_by_role("textbox", name="Code").fill(code_for(device))
            page.get_by_role("button", name="Continue").click()
        # Done only once the last page has gone: a link clicked before would be lost.
        page.wait_for_url(lambda url: "/account/two-factor/" not in url)

    return do


@pytest.fixture
def sign_in(live_server, give_second_factor):
    """Sign in through the page, including two-factor set-up or a code when the account needs one."""

    def do(page, email, password=None):
        from tests.factories import PASSWORD

        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password or PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in/" not in url)
        give_second_factor(page, email)

    return do
