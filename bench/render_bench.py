"""How long our pages take to draw: the CPU time of each journey's request, and the part of
it spent rendering templates, in this process (Django's test client) against the national
dataset (docs/adr/009-html.md).

    python bench/render_bench.py [--repeat 40]

CPU time (``time.process_time``) is what this process spent, not the wall clock: other work on
a shared machine moves it far less than it moves latency. "Rendering" is the time inside the
outermost template engine call of the request (a page, its partial, a form's fields, an
email), queries made from a template included. Run `make bench` (or bench/run.py) once first:
it builds the national dataset this reads.

    python bench/render_bench.py --lists [--repeat 200]
    python bench/render_bench.py --written-in [--repeat 40]
    python bench/render_bench.py --pages [--repeat 40]

compares, on the same data, the lists each hot page draws (search results' 25 cards, My
homes' 100 cards, the dashboard's 50 stale homes) drawn three ways: as today (Jinja2, the
components written in when compiled), Jinja2 with every component a macro call (nothing
written in), and the search cards as Django templates with each component an
``{% include %}`` (Django throughout). The context each list gets is the one the page gave it.
(ADR 024's ``--shell``, the page shell drawn in Django's templates and in Jinja2, went with
Django's shell, templates/base.html, once every page had moved.)
``--written-in`` times whole requests (the floor's and the hot pages') with the Jinja2
templates as they are and with every written-in component a macro call instead, in turns
in one run; each page's CPU over the floor's is what its throughput share follows.
``--pages`` times, in turns in one run, the request CPU of the pages ADR 024's conversion to
Jinja2 reaches beyond the hot journeys (accounts', teams', invitations', the API keys and
reference, a council's homes and their onboarding pages, the error pages, the monthly return's
pages, the public pages, enquiries' and home care's pages, vacancies' saved searches, shortlist,
report and reminder pages), so a page converted is measured before and after on the same data; a
service admin for the audit trail and CQC sync is made inside a transaction that is rolled back.
"""

import argparse
import datetime
import os
import re
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["DEBUG"] = "false"
os.environ["HTTPS"] = "false"  # plain HTTP, as bench/run.py (no redirect to https)

from tracker.embedded_postgres import ensure_running  # noqa: E402

if not os.environ.get("DATABASE_URL"):
    ensure_running()

import django  # noqa: E402

django.setup()

import jinja2  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.forms.renderers import BaseRenderer  # noqa: E402
from django.template import Context, engines  # noqa: E402
from django.template import Engine as DjangoEngine  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import Membership, Role, Team, User  # noqa: E402
from enquiries.models import Enquiry, Referral  # noqa: E402
from registers.models import CareHome, HomeCareAgency  # noqa: E402
from tracker.components import environment  # noqa: E402
from tracker.forms import FieldView, NhsFormRenderer  # noqa: E402
from vacancies.models import HomeVacancies  # noqa: E402
from vacancies.reminder_links import confirm_path  # noqa: E402

# The list each hot page draws, by journey.
LISTS = {
    "search_filters": "vacancies/cards.jinja",
    "my_homes_200": "vacancies/home_cards.jinja",
    "dashboard": "vacancies/stale_homes.jinja",
}
# The page a list is included in: Jinja2's include draws it with the page's context, in no
# render() of its own, so the page's context is the one recorded.
INCLUDED_IN = {
    "vacancies/home_cards.jinja": "vacancies/my_homes.jinja",
    "vacancies/stale_homes.jinja": "vacancies/dashboard.jinja",
}
COMMENT = re.compile(r"(\{#.*?#\})", re.S)
COMPONENT = re.compile(r'\{%-?\s*component\s+"([^"]+)"\s*,?(.*?)-?%\}', re.S)


def as_macro_calls(source: str) -> str:
    """A Jinja2 template's ``{% component "name", a=1 %}`` as ``{{ nhsuk.name(a=1) }}`` (a macro call)."""
    libraries = {}

    def call(match):
        library, _, name = match.group(1).rpartition(":")
        alias = libraries.setdefault(library or "components/nhsuk.jinja", f"_library{len(libraries)}")
        return f"{{{{ {alias}.{name}({match.group(2).strip()}) }}}}"

    # Comments (which show the tag in examples) are left as they are.
    body = "".join(part if part.startswith("{#") else COMPONENT.sub(call, part) for part in COMMENT.split(source))
    imports = "".join(f'{{% import "{path}" as {alias} %}}' for path, alias in libraries.items())
    return imports + body


def macro_call_environment():
    """Our Jinja2 environment, its templates read with every component a macro call."""
    env = engines["jinja2"].env
    loader = env.loader

    def load(name):
        source, filename, uptodate = loader.get_source(env, name)
        return as_macro_calls(source), filename, uptodate

    return environment(loader=jinja2.FunctionLoader(load), autoescape=True, undefined=jinja2.StrictUndefined)


# The search cards (templates/vacancies/cards.jinja) as Django templates (bench/django_cards/):
# the components as templates included, as a page written in Django's language throughout
# would have them (Django templates cannot hand markup to an included template, so a card's
# body is written in its place and a button's words come in parts).
DJANGO_CARDS = Path(__file__).resolve().parent / "django_cards"


class RenderClock:
    """Adds up the CPU time inside every engine's outermost ``render`` (nested renders, such as
    a form's fields inside a page, count once)."""

    def __init__(self):
        self.seconds, self.depth = 0.0, 0
        for template_class in {type(engine.from_string("")) for engine in engines.all()}:
            template_class.render = self.timed(template_class.render)

    def timed(self, render):
        def wrapper(template, *args, **kwargs):
            self.depth += 1
            started = time.process_time() if self.depth == 1 else None
            try:
                return render(template, *args, **kwargs)
            finally:
                self.depth -= 1
                if started is not None:
                    self.seconds += time.process_time() - started

        return wrapper


def client_for(email: str | None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    if email is not None:
        user = User.objects.get(email=email)
        client.force_login(user)
        if device := TOTPDevice.objects.filter(user=user).first():
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # as after giving a code
            session.save()
    return client


def journeys() -> dict:
    """(who, method, path, headers) for each journey of bench/run.py that draws a page."""
    homes = CareHome.objects.filter(is_synthetic=True, email__endswith="@dataset.example", status="active")
    home = HomeVacancies.objects.filter(home__in=homes, home__categories__isnull=False).values_list(
        "home_id", flat=True
    )[0]
    manager = Membership.objects.filter(role=Role.HOME_STAFF, home_id=home).values_list("user__email", flat=True)[0]
    from bench.run import dataset_admins

    _, provider_admin, council_admin = dataset_admins()
    _, inbox_manager = busiest_inbox(homes)
    coordinator = "coordinator1@dataset.example"
    profile = homes.values_list("cqc_location_id", flat=True)[0]
    filters = "near=LS6&radius=20&category=nursing&min_beds=1&updated=3d&rating=good&sex=female"
    htmx = {"HTTP_HX_REQUEST": "true"}
    return {
        "floor": (coordinator, "GET", "/", {}),
        "search_filters": (coordinator, "GET", f"/find-a-bed/?{filters}", {}),
        "search_htmx": (coordinator, "GET", "/find-a-bed/?near=LS6&radius=10&category=nursing", htmx),
        "home_page": (coordinator, "GET", f"/homes/{home}/", {}),
        "my_homes_200": (provider_admin, "GET", "/my-homes/", {}),
        "vacancy_form": (manager, "GET", f"/my-homes/{home}/", {}),
        "confirm_no_change": (manager, "POST", f"/my-homes/{home}/confirm/", htmx),
        "dashboard": (council_admin, "GET", "/area/", {}),
        "inbox": (inbox_manager, "GET", "/inbox/", {}),
        "returns_provider": (provider_admin, "GET", "/returns/", {}),
        "public_profile": (None, "GET", f"/care-homes/{profile}/", {}),
        "public_search": (None, "GET", "/care-homes/?near=LS6&radius=10&care=nursing", {}),
    }


def busiest_inbox(homes) -> tuple[int, str]:
    """The home with the most open enquiries among ``homes``, and one of its staff (a home's inbox)."""
    busiest = (
        Referral.objects.filter(home__in=homes, enquiry__state="open").values("home_id").annotate(n=Count("id"))
        .order_by("-n").values_list("home_id", flat=True)[0]
    )  # fmt: skip
    manager = Membership.objects.filter(role=Role.HOME_STAFF, home_id=busiest).values_list("user__email", flat=True)
    return busiest, manager[0]


class ListRecorder:
    """Keeps the context each Jinja2 template of ``names`` (the lists of LISTS) was last drawn
    with (patching Jinja2's render)."""

    def __init__(self, names=None):
        names = {INCLUDED_IN.get(name, name) for name in LISTS.values()} if names is None else names
        self.contexts = {}
        self.render = render = jinja2.Template.render
        recorder = self

        def recording(template, *args, **kwargs):
            if template.name in names:
                recorder.contexts[template.name] = dict(*args, **kwargs)
            return render(template, *args, **kwargs)

        jinja2.Template.render = recording

    def stop(self) -> None:
        jinja2.Template.render = self.render


def same_html(one: str, other: str) -> bool:
    """The same markup, whitespace aside (and Django's &quot; for Jinja2's &#34;)."""
    return re.sub(r"\s+", "", one.replace("&quot;", "&#34;")) == re.sub(r"\s+", "", other.replace("&quot;", "&#34;"))


def cpu_ms(draw, repeat: int) -> float:
    """The median CPU time of ``draw()`` in ms, after two draws that warm the caches."""
    times = []
    for _ in range(repeat + 2):
        started = time.process_time()
        draw()
        times.append(time.process_time() - started)
    return statistics.median(times[2:]) * 1000


def written_in_or_not(repeat: int) -> None:
    backend, render = engines["jinja2"], NhsFormRenderer.render
    today, calls = backend.env, macro_call_environment()

    def uncached(renderer, template_name, context, request=None):
        """Every field drawn afresh (a form that names no field as same_html_for_same_value)."""
        if (bound := context.get("field")) is not None and template_name == renderer.field_template_name:
            context = {**context, "view": FieldView.of(bound)}
        return BaseRenderer.render(renderer, template_name, context, request=request)

    ways = {"today": (today, render), "macro calls": (calls, render), "fields uncached": (today, uncached)}
    names = ("floor", "search_filters", "search_htmx", "public_search", "my_homes_200", "dashboard")
    clients = {name: (client_for(j[0]), j) for name, j in journeys().items() if name in names}
    times = {(name, way): [] for name in names for way in ways}
    for _ in range(repeat):  # in turns, so that the machine's drift falls on each alike
        for way, (env, field_render) in ways.items():
            backend.env, NhsFormRenderer.render = env, field_render
            for name, (client, (_, _, path, headers)) in clients.items():
                started = time.process_time()
                assert client.get(path, **headers).status_code == 200
                times[name, way].append(time.process_time() - started)
    backend.env, NhsFormRenderer.render = today, render
    median = {key: statistics.median(values[2:]) * 1000 for key, values in times.items()}
    print(f"{'journey':<16} " + " ".join(f"{way + ' ms':>15} {'floor/page':>10}" for way in ways))
    for name in names:
        print(
            f"{name:<16} "
            + " ".join(f"{median[name, way]:>15.2f} {median['floor', way] / median[name, way]:>10.3f}" for way in ways),
            flush=True,
        )


def lists(repeat: int) -> None:
    recorder = ListRecorder()
    for name, template_name in LISTS.items():
        email, _, path, headers = journeys()[name]
        client_for(email).get(path, **headers)
        assert INCLUDED_IN.get(template_name, template_name) in recorder.contexts, (name, template_name)
    today, calls = engines["jinja2"].env, macro_call_environment()
    django = DjangoEngine(
        dirs=[DJANGO_CARDS],
        builtins=["django.contrib.humanize.templatetags.humanize"],
    )
    print(f"{'list':<30} {'items':>5} {'written in ms':>14} {'macro calls ms':>15} {'Django include ms':>18}")
    for template_name in LISTS.values():
        context = recorder.contexts[INCLUDED_IN.get(template_name, template_name)]
        listed = context["cards"] if "cards" in context else (context.get("page") or context["stale_page"]).object_list
        today_template, calls_template = today.get_template(template_name), calls.get_template(template_name)
        drawn = today_template.render(context)
        assert same_html(calls_template.render(context), drawn), template_name
        written = cpu_ms(partial(today_template.render, context), repeat)
        called = cpu_ms(partial(calls_template.render, context), repeat)
        in_django = ""
        if template_name == "vacancies/cards.jinja":
            cards = django.get_template("cards.html")
            assert same_html(cards.render(Context(context)), drawn), "the Django cards draw other markup"
            in_django = f"{cpu_ms(partial(cards.render, Context(context)), repeat):.2f}"
        print(f"{template_name:<30} {len(listed):>5} {written:>14.2f} {called:>15.2f} {in_django:>18}", flush=True)


def other_pages() -> dict:
    """(who, path, headers, status) for the pages of ``--pages``."""
    from bench.run import dataset_admins

    big_provider, provider_admin, council_admin = dataset_admins()
    leeds = Membership.objects.filter(user__email=council_admin, role=Role.COUNCIL_ADMIN).values_list(
        "local_authority_id", flat=True
    )[0]
    home = (
        CareHome.objects.filter(local_authority_id=leeds, status="active")
        .order_by("pk")
        .values_list("pk", flat=True)[0]
    )
    team = Team.objects.order_by("pk").values_list("pk", flat=True).first()
    own = (
        CareHome.locations.filter(provider=big_provider, status="active").order_by("pk").values_list("pk", flat=True)[0]
    )
    listed = CareHome.objects.filter(is_synthetic=True, email__endswith="@dataset.example", status="active")
    compared = "&".join(
        f"home={cqc_id}" for cqc_id in listed.order_by("pk").values_list("cqc_location_id", flat=True)[:3]
    )
    agency = HomeCareAgency.objects.filter(status="active").order_by("pk").values_list("cqc_location_id", flat=True)
    coordinator, htmx = "coordinator1@dataset.example", {"HTTP_HX_REQUEST": "true"}
    pages = {
        "start": (coordinator, "/", {}, 200),
        "about_data": (coordinator, "/about-the-data/", {}, 200),
        "not_found": (coordinator, "/no-such-page/", {}, 404),
        "account": (coordinator, "/account/", {}, 200),
        "sign_in": (None, "/sign-in/", {}, 200),
        "password_reset": (None, "/password-reset/", {}, 200),
        "teams": (council_admin, "/teams/", {}, 200),
        "invitations": (council_admin, "/invitations/", {}, 200),
        "api_keys": (council_admin, "/api-keys/", {}, 200),
        "api_docs": (council_admin, "/api/v1/docs/", {}, 200),
        "council_homes": (council_admin, "/homes/", {}, 200),
        "council_homes_htmx": (council_admin, "/homes/?q=care", htmx, 200),
        "add_home": (council_admin, "/homes/add/", {}, 200),
        "home_edit": (council_admin, f"/homes/{home}/edit/", {}, 200),
        "home_cqc_facts": (council_admin, f"/homes/{home}/cqc-facts/", {}, 200),
        "home_history": (council_admin, f"/homes/{home}/history/", {}, 200),
        "home_staff": (council_admin, f"/homes/{home}/staff/", {}, 200),
        "import_upload": (council_admin, "/homes/import/", {}, 200),
        "audit": ("bench-service-admin@dataset.example", "/audit/", {}, 200),
        "cqc_sync": ("bench-service-admin@dataset.example", "/cqc-sync/", {}, 200),
        # The monthly return's (outside its window, a home's return is the page saying it is closed).
        "returns_provider": (provider_admin, "/returns/", {}, 200),
        "returns_home": (provider_admin, f"/returns/{own}/", {}, 200),
        "returns_upload": (provider_admin, "/returns/upload/", {}, 200),
        "returns_area": (council_admin, "/area/returns/", {}, 200),
        "returns_area_htmx": (council_admin, "/area/returns/", htmx, 200),
        # The public pages (drawn without the request).
        "public_find": (None, "/care-homes/", {}, 200),
        "public_search": (None, "/care-homes/?near=LS6&radius=10&care=nursing", {}, 200),
        "public_search_htmx": (None, "/care-homes/?near=LS6&radius=10&care=nursing", htmx, 200),
        "public_profile": (None, f"/care-homes/{listed.values_list('cqc_location_id', flat=True)[0]}/", {}, 200),
        "public_compare": (None, f"/care-homes/compare/?{compared}", {}, 200),
        "public_about": (None, "/care-homes/about/", {}, 200),
        "public_home_care": (None, "/home-care/?postcode=LS6+2AD", {}, 200),
        "public_edit": (council_admin, f"/homes/{home}/public-page/", {}, 200),
    }
    if agency:
        pages["public_agency"] = (None, f"/home-care/{agency[0]}/", {}, 200)
    # Vacancies' pages beyond the hot journeys (ADR 024, step 2); the reminder's link only shows its home's figures.
    board = HomeVacancies.objects.filter(home__local_authority_id=leeds, home__status="active").order_by("home_id")
    board = board.values_list("home_id", "version")[0]
    pages |= {
        "saved_searches": (coordinator, "/find-a-bed/saved/", {}, 200),
        "recent_alerts": (coordinator, "/find-a-bed/alerts/", htmx, 200),
        "shortlist": (coordinator, "/find-a-bed/shortlist/", {}, 200),
        "report_figures": (coordinator, f"/homes/{home}/report/", {}, 200),
        "reminder_link": (None, confirm_path(*board), {}, 200),
        "stop_alerts": (None, "/alerts/stop/not-a-token/", {}, 404),
        "history_extract_error": (council_admin, "/area/history.csv?start=2026-01-02&end=2026-01-01", {}, 400),
    }
    if team is not None:
        pages["team"] = ("bench-service-admin@dataset.example", f"/teams/{team}/", {}, 200)
    return pages | enquiry_and_home_care_pages(leeds, coordinator, council_admin)


def enquiry_and_home_care_pages(leeds: str, coordinator: str, council_admin: str) -> dict:
    """Enquiries' pages (a team's, a home's inbox and one of its enquiries, a council's figures) and
    home care's (Find home care as bench/run.py asks it, an agency's pages, a council's agencies)."""
    homes = CareHome.objects.filter(is_synthetic=True, email__endswith="@dataset.example", status="active")
    busiest, inbox_manager = busiest_inbox(homes)
    referral = Referral.objects.filter(home_id=busiest, enquiry__state="open").order_by("-pk").values_list("pk")[0][0]
    followed = Enquiry.objects.followed_by(User.objects.get(email=coordinator)).order_by("-pk")
    enquiry = followed.filter(kind="bed").values_list("pk", flat=True)[0]
    package = followed.filter(kind="package").values_list("pk", flat=True)[0]
    agency = (
        HomeCareAgency.objects.filter(local_authority_id=leeds, status="active", districts__isnull=False)
        .order_by("pk").values_list("pk", flat=True)[0]
    )  # fmt: skip
    start_by = timezone.localdate() + datetime.timedelta(days=7)
    find = f"/find-home-care/?postcode=LS6&hours=10&care=personal_care&start_by={start_by}"
    htmx = {"HTTP_HX_REQUEST": "true"}
    return {
        "inbox": (inbox_manager, "/inbox/", {}, 200),
        "inbox_htmx": (inbox_manager, "/inbox/", htmx, 200),
        "inbox_count": (inbox_manager, "/inbox/count/", htmx, 200),
        "referral": (inbox_manager, f"/inbox/{referral}/", {}, 200),
        "enquiries": (coordinator, "/enquiries/?show=all", {}, 200),
        "enquiries_htmx": (coordinator, "/enquiries/?show=all", htmx, 200),
        "enquiry": (coordinator, f"/enquiries/{enquiry}/", {}, 200),
        "package_request": (coordinator, f"/enquiries/{package}/", {}, 200),
        "new_enquiry": (coordinator, "/enquiries/new/", {}, 200),
        "new_package": (coordinator, "/enquiries/new-package/?postcode=LS6&hours=10", {}, 200),
        "area_enquiries": (council_admin, "/area/enquiries/", {}, 200),
        "area_home_care": (council_admin, "/area/home-care/", {}, 200),
        "find_home_care": (coordinator, find, {}, 200),
        "find_home_care_htmx": (coordinator, find, htmx, 200),
        "home_care_shortlist": (coordinator, "/find-home-care/shortlist/", {}, 200),
        "council_agencies": (council_admin, "/agencies/", {}, 200),
        "council_agencies_htmx": (council_admin, "/agencies/?q=care", htmx, 200),
        "add_agency": (council_admin, "/agencies/add/", {}, 200),
        "agency": (council_admin, f"/agencies/{agency}/", {}, 200),
        "agency_capacity": (council_admin, f"/agencies/{agency}/capacity/", {}, 200),
        "agency_care": (council_admin, f"/agencies/{agency}/care/", {}, 200),
        "agency_districts": (council_admin, f"/agencies/{agency}/districts/?q=LS1", {}, 200),
        "agency_history": (council_admin, f"/agencies/{agency}/capacity-history/", {}, 200),
    }


def pages(repeat: int, only: set) -> None:
    # One client asks for every public page 40 times: not a crawler to slow down (as bench/run.py).
    with transaction.atomic(), override_settings(PUBLIC_REQUESTS_PER_MINUTE=10**9):  # the admin made is rolled back
        admin = User.objects.create_superuser(email="bench-service-admin@dataset.example", full_name="Bench Admin")
        TOTPDevice.objects.create(user=admin, name="bench", confirmed=True)
        chosen = {name: page for name, page in other_pages().items() if not only or name in only}
        clients = {
            name: (client_for(who), path, headers, status) for name, (who, path, headers, status) in chosen.items()
        }
        times = {name: [] for name in chosen}
        for _ in range(repeat + 2):  # in turns; the first two warm the caches and the templates
            for name, (client, path, headers, status) in clients.items():
                started = time.process_time()
                response = client.get(path, **headers)
                times[name].append(time.process_time() - started)
                assert response.status_code == status, (name, response.status_code)
        print(f"{'page':<20} {'request CPU ms':>15}")
        for name, values in times.items():
            print(f"{name:<20} {statistics.median(values[2:]) * 1000:>15.2f}", flush=True)
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--only", default="", help="comma-separated journeys")
    parser.add_argument("--lists", action="store_true", help="the hot lists drawn three ways")
    parser.add_argument("--written-in", action="store_true", help="requests with components written in or called")
    parser.add_argument("--pages", action="store_true", help="the request CPU of the other pages, in turns")
    args = parser.parse_args()
    if args.pages:
        pages(args.repeat, {name for name in args.only.split(",") if name})
        return
    if args.written_in:
        written_in_or_not(args.repeat)
        return
    if args.lists:
        lists(args.repeat)
        return
    only = {name for name in args.only.split(",") if name}
    clock = RenderClock()
    print(f"{'journey':<20} {'request CPU ms':>15} {'rendering CPU ms':>17} {'bytes':>8}")
    for name, (email, method, path, headers) in journeys().items():
        if only and name not in only:
            continue
        client = client_for(email)
        requests, renders = [], []
        for _ in range(args.repeat + 2):  # the first two warm the caches and the templates
            clock.seconds = 0.0
            started = time.process_time()
            response = client.post(path, **headers) if method == "POST" else client.get(path, **headers)
            requests.append(time.process_time() - started)
            renders.append(clock.seconds)
            assert response.status_code == 200, (name, response.status_code)
        requests, renders = requests[2:], renders[2:]
        print(
            f"{name:<20} {statistics.median(requests) * 1000:>15.2f} {statistics.median(renders) * 1000:>17.2f}"
            f" {len(response.content):>8}",
            flush=True,
        )


if __name__ == "__main__":
    main()
