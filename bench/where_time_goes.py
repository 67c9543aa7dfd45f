"""Where a journey's time goes, in this process: queries, templates, the view's own Python,
and what runs around the view (middleware, context processors outside templates, the
handler), per request, on the dataset ``bench/run.py`` built (run that once first).

    python bench/where_time_goes.py [--runs 40] [--only home_page,dashboard] [--profile home_page]

Each journey is the request bench/run.py times, sent with Django's test client with
production settings (DEBUG off): medians over ``--runs`` requests after a warm-up. The
phases nest: "view" holds "templates" and the view's queries; "around" is the whole
request less the view; "sql" counts every query wherever it ran; "cpu" is this process's
own CPU time (Python: the test client, middleware, view, templates; not the database's),
steadier than wall time on a busy machine. ``--profile NAME`` prints
the functions that took the most time in that journey (cProfile, cumulative), to find which
Python to make cheaper. Numbers are for finding where time goes, not targets: those are
measured over HTTP by bench/run.py.
"""

import argparse
import cProfile
import datetime
import functools
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
SECRET = (ROOT / "var" / "secret_key").read_text().strip() if (ROOT / "var" / "secret_key").exists() else "bench"
os.environ.setdefault("SECRET_KEY", SECRET)
os.environ["HTTPS"] = "false"
os.environ["DEBUG"] = "false"

import atexit  # noqa: E402

from tracker import embedded_postgres  # noqa: E402

if not os.environ.get("DATABASE_URL") and embedded_postgres.start():
    atexit.register(embedded_postgres.stop)

import django  # noqa: E402

django.setup()

from django.core.handlers import base  # noqa: E402
from django.db import connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.template.backends import django as django_backend  # noqa: E402
from django.template.backends import jinja2 as jinja2_backend  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import Membership, Role, User  # noqa: E402
from enquiries.models import Referral  # noqa: E402
from registers.models import CareHome  # noqa: E402
from vacancies.models import HomeVacancies  # noqa: E402


class Clock:
    """Time spent in each phase of the request being measured (seconds)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.sql = self.sql_count = self.view = self.templates = 0.0
        self._template_depth = 0
        self.statements = []

    def query(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.sql += took
            self.sql_count += 1
            self.statements.append((took * 1000, sql, params))

    def wrap_view(self, view):
        @functools.wraps(view)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return view(*args, **kwargs)
            finally:
                self.view += time.perf_counter() - started

        return timed

    def wrap_render(self, render):
        @functools.wraps(render)
        def timed(template, *args, **kwargs):
            self._template_depth += 1  # a template that renders another counts once
            started = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                self._template_depth -= 1
                if not self._template_depth:
                    self.templates += time.perf_counter() - started

        return timed


CLOCK = Clock()
_resolve = base.BaseHandler.resolve_request


def _timed_resolve(handler, request):
    match = _resolve(handler, request)
    match.func = CLOCK.wrap_view(match.func)
    return match


base.BaseHandler.resolve_request = _timed_resolve
django_backend.Template.render = CLOCK.wrap_render(django_backend.Template.render)
jinja2_backend.Template.render = CLOCK.wrap_render(jinja2_backend.Template.render)


def client_for(email: str) -> Client:
    """A signed-in browser (past the second factor, as after giving a code)."""
    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.get(email=email)
    client.force_login(user)
    if device := TOTPDevice.objects.filter(user=user, confirmed=True).first():
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    client.get("/")
    return client


def update_data(client: Client, pk: int, n: int) -> dict:
    """The update form as bench/run.py posts it: one count moved by one."""
    from bench.run import update_form

    return update_form(client.get(f"/my-homes/{pk}/").content.decode(), pk, n)


def journeys() -> dict:
    """name -> (client, steps): ``steps(n)`` sends the journey's requests, as bench/run.py's do."""
    homes = list(
        CareHome.objects.filter(is_synthetic=True, email__endswith="@dataset.example").values_list("pk", flat=True)
    )
    updatable = list(
        HomeVacancies.objects.filter(home_id__in=homes, home__categories__isnull=False)
        .values_list("home_id", flat=True).distinct()[:200]
    )  # fmt: skip
    manager_of = dict(
        Membership.objects.filter(role=Role.HOME_STAFF, home_id__in=updatable).values_list("home_id", "user__email")
    )
    from bench.run import dataset_admins

    _, provider_admin, council_admin = dataset_admins()
    busiest = (
        Referral.objects.filter(home_id__in=homes, enquiry__state="open").values("home_id")
        .annotate(n=Count("id")).order_by("-n").values_list("home_id", flat=True)[:1]
    )  # fmt: skip
    inbox_manager = Membership.objects.filter(role=Role.HOME_STAFF, home_id__in=list(busiest)).values_list(
        "user__email", flat=True
    )[0]
    coordinator = "coordinator1@dataset.example"
    districts = ["LS6", "M14", "B15", "NE4", "BS7", "NG7", "L18", "S10", "CB4", "PL4", "SW9", "N16", "LE2", "YO10"]
    categories = ["nursing", "residential", "nursing_dementia", "residential_dementia"]
    home = updatable[0]
    manager = client_for(manager_of[home])
    coordinating = client_for(coordinator)

    def confirm(n):
        manager.get("/my-homes/")
        manager.post(f"/my-homes/{home}/confirm/")

    def update(n):
        data = update_data(manager, home, n)
        manager.post(f"/my-homes/{home}/", data)

    return {
        "floor": (coordinating, lambda n: coordinating.get("/")),
        "confirm_no_change": (manager, confirm),
        "vacancy_update": (manager, update),
        "home_page": (coordinating, lambda n: coordinating.get(f"/homes/{homes[n * 7919 % len(homes)]}/")),
        "my_homes_200": (client_for(provider_admin), None),
        "dashboard": (client_for(council_admin), None),
        "search_filters": (coordinating, lambda n: coordinating.get(
            f"/find-a-bed/?near={districts[n % len(districts)]}&radius=20&category={categories[n % 4]}"
            "&min_beds=1&updated=3d&rating=good&sex=female")),
        "search_postcode": (coordinating, lambda n: coordinating.get(
            f"/find-a-bed/?near={districts[n % len(districts)]}&radius=10&category={categories[n % 4]}")),
        "search_htmx": (coordinating, lambda n: coordinating.get(
            f"/find-a-bed/?near={districts[n % len(districts)]}&radius=10&category={categories[n % 4]}",
            headers={"HX-Request": "true"})),
        "find_home_care": (coordinating, lambda n: coordinating.get(
            f"/find-home-care/?postcode={districts[n % len(districts)]}&hours={(5, 10, 20)[n % 3]}"
            f"&care=personal_care&start_by={timezone.localdate() + datetime.timedelta(days=7)}")),
        "inbox": (client_for(inbox_manager), None),
    }  # fmt: skip


PATHS = {"my_homes_200": "/my-homes/", "dashboard": "/area/", "inbox": "/inbox/"}


def measure(steps, runs: int) -> dict:
    """Medians per request of a journey's phases, in milliseconds (a two-request journey: per journey)."""
    for n in range(3):
        steps(n)
    phases = {"total": [], "cpu": [], "sql": [], "queries": [], "view": [], "templates": [], "around": []}
    wrappers = [connections[alias].execute_wrapper(CLOCK.query) for alias in connections]
    for wrapper in wrappers:
        wrapper.__enter__()
    try:
        for n in range(runs):
            CLOCK.reset()
            started, cpu = time.perf_counter(), time.process_time()
            steps(n)
            total = time.perf_counter() - started
            phases["total"].append(total * 1000)
            phases["cpu"].append((time.process_time() - cpu) * 1000)
            phases["sql"].append(CLOCK.sql * 1000)
            phases["queries"].append(CLOCK.sql_count)
            phases["view"].append(CLOCK.view * 1000)
            phases["templates"].append(CLOCK.templates * 1000)
            phases["around"].append((total - CLOCK.view) * 1000)
    finally:
        for wrapper in reversed(wrappers):
            wrapper.__exit__(None, None, None)
    return {name: round(statistics.median(values), 1) for name, values in phases.items()}


def planned(sql: str, params) -> str:
    """The database's own time for a SELECT (EXPLAIN ANALYZE: no client, no queueing), or ""."""
    words = sql.split()
    if words[0] not in ("SELECT", "WITH") or {"UPDATE", "INSERT", "DELETE"} & set(words):
        return "        "
    with connections["default"].cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]
    return f"db {plan['Execution Time']:5.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="", help="a journey to profile with cProfile")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--sql", default="", help="a journey whose last run's statements to print, with their times")
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}
    found = journeys()
    print(
        f"{'journey':<18} {'total':>7} {'cpu':>7} {'sql':>7} {'queries':>7} {'view':>7} {'templates':>9} {'around':>7}"
    )
    for name, (client, steps) in found.items():
        if only and name not in only:
            continue
        steps = steps or (lambda n, client=client, path=PATHS[name]: client.get(path))
        result = measure(steps, args.runs)
        print(
            f"{name:<18} {result['total']:>7} {result['cpu']:>7} {result['sql']:>7} {result['queries']:>7g} "
            f"{result['view']:>7} {result['templates']:>9} {result['around']:>7}",
            flush=True,
        )
        if name == args.sql:
            for took, sql, params in CLOCK.statements:
                print(f"  {took:6.2f} ms  {planned(sql, params)}  {' '.join(sql.split())[:300]}")
        if name == args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(args.runs):
                steps(n)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.lines)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.lines)


if __name__ == "__main__":
    main()
