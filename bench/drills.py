"""Reliability drills that take longer than the test command allows.

    make drills            # or: python bench/drills.py [load|outage|all]

load:   50 concurrent signed-in users for a minute against the national
        dataset (search, home pages, updates, confirmations): no errors.
outage: under load, stop PostgreSQL: pages answer a styled 503 and /healthz
        503; start it again: the portal recovers by itself, every manager
        saves again, and every vacancy save that was answered as saved is in
        the database.

Every worker thread reports how it ended (bench/workers.py): one that died
fails its drill, and the command exits non-zero.
"""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run
from workers import Crew

from tracker import embedded_postgres
from vacancies.models import CategoryVacancy

ROOT = run.ROOT


def start_server(workers: int = 5, *, port: int = run.PORT, log: Path | None = None, append: bool = False,
                 env: dict | None = None, name: str = "gunicorn") -> subprocess.Popen:  # fmt: skip
    """gunicorn on ``port``, answering /healthz, its output in ``log`` (added to it with ``append``:
    a server started again)."""
    # A server already there (another checkout's drill) would be drilled instead of ours.
    if not run.port_is_free(port):
        raise SystemExit(f"Something already answers on 127.0.0.1:{port}: stop it, or set BENCH_PORT")
    log = log or ROOT / "var" / "drills-gunicorn.log"
    env = {**os.environ, "ACCESS_LOG": "false", "WEB_CONCURRENCY": str(workers), "BIND": f"127.0.0.1:{port}",
           **(env or {})}  # fmt: skip
    output = log.open("a" if append else "w")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "tracker.wsgi", "-c", "tracker/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(150):
        if server.poll() is not None:
            raise SystemExit(f"{name} stopped at start (see {log})")
        if status("/healthz", port) == 200:
            return server
        time.sleep(0.2)
    raise SystemExit(f"{name} did not start (see {log})")


def status(path: str, port: int = run.PORT) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None


def people():
    # Each home once (the model's ordering would make DISTINCT keep a home once per category).
    homes = list(
        CategoryVacancy.objects.filter(home__is_synthetic=True, home__email__endswith="@dataset.example")
        .order_by("home_id").values_list("home_id", flat=True).distinct()[:60]
    )  # fmt: skip
    managers = dict(
        run.Membership.objects.filter(role=run.Role.HOME_STAFF, home_id__in=homes).values_list("home_id", "user__email")
    )
    return homes, managers


def load(seconds: float = 60, users: int = 50) -> dict:
    """50 users for a minute: coordinators searching and reading, managers updating."""
    homes, managers = people()
    districts = ["LS6", "M14", "B15", "NE4", "BS7", "NG7", "L18", "S10", "SW9", "N16"]
    outcomes: Counter = Counter()
    done: Counter = Counter()  # successful rounds per worker
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(i: int):
        rng = random.Random(i)
        manager = i % 5 == 0
        home = homes[i % len(homes)]
        session = run.Session(managers[home] if manager else f"coordinator{i + 1}@dataset.example")
        while time.monotonic() < stop:
            try:
                if manager:
                    page = session.request("GET", f"/my-homes/{home}/")
                    session.request("POST", f"/my-homes/{home}/", run.update_form(page, home, rng.randrange(1000)),
                                    expect=(302, 409))  # fmt: skip
                else:
                    session.request("GET", f"/find-a-bed/?near={rng.choice(districts)}&radius=10&category=nursing")
                    session.request("GET", f"/homes/{rng.choice(homes)}/")
                result = "ok"
            except Exception as error:
                result = f"error: {error}"
            with lock:
                outcomes[result] += 1
                done[i] += result == "ok"

    crew = Crew()
    for i in range(users):
        crew.start(f"user {i}", user, i)
    crew.join(timeout=seconds + 120)
    idle = [i for i in range(users) if not done[i]]
    return {"users": users, "seconds": seconds, "outcomes": dict(outcomes), "workers": crew.summary(),
            "users_with_no_successful_round": idle}  # fmt: skip


def outage() -> dict:
    """Stop PostgreSQL under load, check the answers, start it, check recovery and saved writes."""
    homes, managers = people()
    homes = homes[:10]
    saved: dict[int, tuple[int, int]] = {}  # home -> (occupied, accepting) last answered as saved
    saved_at: dict[int, float] = {}  # home -> when its last save was answered
    answers: Counter = Counter()
    running = threading.Event()
    running.set()
    lock = threading.Lock()

    def manager(home: int):
        session = None
        n = 0
        while running.is_set():
            n += 1
            try:
                if session is None:  # signing in can be answered 503 too: try again, as a person would
                    try:
                        session = run.Session(managers[home])
                    except Exception:
                        with lock:
                            answers["sign-in refused"] += 1
                        time.sleep(0.2)
                        continue
                page = session.request("GET", f"/my-homes/{home}/", expect=(200, 503))
                if "Sorry, the service is unavailable" in page:
                    with lock:
                        answers["styled 503"] += 1
                    time.sleep(0.2)
                    continue
                form = run.update_form(page, home, n)
                session.request("POST", f"/my-homes/{home}/", form, expect=(302,))
                with lock:
                    saved[home] = run.saved_figures(form)
                    saved_at[home] = time.monotonic()
                    answers["saved"] += 1
            except Exception:
                with lock:
                    answers["not saved"] += 1
                time.sleep(0.2)

    crew = Crew()
    for home in homes:
        crew.start(f"manager of home {home}", manager, home)
    time.sleep(5)
    embedded_postgres.stop()
    down_health = status("/healthz")
    time.sleep(5)
    embedded_postgres.start()
    recovered_after = None
    started = time.monotonic()
    while time.monotonic() - started < 60:
        if status("/healthz") == 200:
            recovered_after = round(time.monotonic() - started, 1)
            break
        time.sleep(0.5)
    time.sleep(5)
    running.clear()
    back = started + (recovered_after or 60)
    not_saving = [home for home in homes if saved_at.get(home, 0) < back]
    crew.join(timeout=120)
    from django.db import connection

    connection.close()
    lost = []
    for home, (occupied, accepting) in saved.items():
        rows = CategoryVacancy.objects.filter(home_id=home)
        if not any(r.occupied == occupied and r.vacant_accepting == accepting for r in rows):
            lost.append(home)
    return {
        "healthz_while_down": down_health,
        "recovered_after_seconds": recovered_after,
        "answers": dict(answers),
        "homes_whose_last_saved_write_is_missing": lost,
        "homes_with_no_save_after_recovery": not_saving,
        "workers": crew.summary(),
    }


def verdict(results: dict) -> list[str]:
    """Every check that failed; a drill whose workers did not all finish has failed."""
    failed = [f"{drill}: workers did not finish: {result['workers']['failed']}"
              for drill, result in results.items() if result["workers"]["failed"]]  # fmt: skip
    if "load" in results:
        if set(results["load"]["outcomes"]) != {"ok"}:
            failed.append("load: some requests failed")
        if results["load"]["users_with_no_successful_round"]:
            failed.append(f"load: users with no successful round: {results['load']['users_with_no_successful_round']}")
    if "outage" in results:
        o = results["outage"]
        if o["healthz_while_down"] != 503 or not o["answers"].get("styled 503") or o["recovered_after_seconds"] is None:
            failed.append("outage: not a clean 503 and recovery")
        if o["homes_whose_last_saved_write_is_missing"]:
            failed.append("outage: a write answered as saved is missing")
        if o["homes_with_no_save_after_recovery"]:
            failed.append(f"outage: homes not saving after recovery: {o['homes_with_no_save_after_recovery']}")
    return failed


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    run.call_command("build_dataset", scale="national", alongside_real_homes=True)
    run.call_command("collectstatic", interactive=False, verbosity=0)
    server = start_server()
    results = {}
    try:
        if which in ("load", "all"):
            results["load"] = load()
            print("load:", results["load"], flush=True)
        if which in ("outage", "all"):
            results["outage"] = outage()
            print("outage:", results["outage"], flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "drills.json").write_text(json.dumps(results, indent=2))
    failed = verdict(results)
    print("PASSED" if not failed else "FAILED: " + "; ".join(failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
