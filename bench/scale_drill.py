"""The real topology on this machine, under load, with its faults (issue 17).

    make scale-drill        # or: python bench/scale_drill.py

Builds: the embedded primary (var/postgres); a hot standby made from it with
``pg_basebackup -R`` streaming through a replication slot (var/replica, its own socket);
two gunicorn app servers (127.0.0.1:8201 and :8202) whose DATABASE_REPLICA_URL is the
standby; HAProxy (Debian's package, installed if missing) on 127.0.0.1:8200 in front,
checking /healthz every second.

Under load from the benchmark's journeys (coordinators searching, families' searches,
managers saving their vacancies and then searching), it:

1. stops one app server: no request fails beyond those in flight, the balancer sends
   everything to the other, and the stopped one serves again once restarted;
2. stops the replica: reads go to the primary within seconds, no request fails;
   starts it again: it catches up and is read again; pauses its replay until it is
   more than 5 s behind: reads go to the primary, and back once it catches up;
3. measures replication lag (the primary's pg_stat_replication.replay_lag) while the
   managers save;
4. checks every write that was answered as saved is on the primary and on the replica.

Every load worker reports how it ended (bench/workers.py). It prints what it saw, writes
var/scale-drill/result.json, and exits non-zero when a check fails.
"""

import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPLICA_DIR = ROOT / "var" / "replica"
WORK = ROOT / "var" / "scale-drill"
LB_PORT, APP_PORTS = 8200, {"app1": 8201, "app2": 8202}
SLOT = "scale_drill"
# The drill's own process reads both databases; its app servers get the same address.
os.environ["DATABASE_REPLICA_URL"] = f"postgres://postgres@{urllib.parse.quote(str(REPLICA_DIR), safe='')}:5432/tracker"

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (sets Django up and starts the embedded primary)
from axes.models import AccessAttempt  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402
from drills import people, start_server  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402
from workers import Crew  # noqa: E402

from tracker import embedded_postgres as pg  # noqa: E402
from vacancies.models import CategoryVacancy, VacancyUpdate  # noqa: E402

# The drill reads where each request read from (X-Read-From) and /healthz's replica details as
# the monitoring system does: with the token (issue 24: nobody else is told).
METRICS_TOKEN = os.environ.setdefault("METRICS_TOKEN", secrets.token_urlsafe(32))
MONITORING = {"Authorization": f"Bearer {METRICS_TOKEN}"}
DISTRICTS = ["LS6", "M14", "B15", "NE4", "BS7", "NG7", "L18", "S10", "SW9", "N16"]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the topology -----------------------------------------------------------------


def as_postgres(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = pg._run([str(pg.bindir() / args[0]), *args[1:]], stdin=subprocess.DEVNULL)
    if check and result.returncode != 0:
        raise SystemExit(f"{args[0]} failed: {result.stdout}{result.stderr}")
    return result


def primary_sql(sql: str, params=()) -> list[tuple]:
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def replica_sql(sql: str) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)


def fetch(port: int, path: str, token: str) -> str:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    return conn.getresponse().read().decode()


def ensure_haproxy() -> str:
    if not shutil.which("haproxy"):
        say("Installing HAProxy (apt-get install -y haproxy)")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})  # fmt: skip
    return shutil.which("haproxy")


def make_standby() -> None:
    """A fresh hot standby of the primary, streaming through a replication slot."""
    hba = pg.DATA_DIR / "pg_hba.conf"
    if "replication" not in hba.read_text():  # a cluster made before replication was allowed
        with hba.open("a") as f:
            f.write("local replication all trust\n")
        as_postgres("pg_ctl", "reload", "-D", str(pg.DATA_DIR))
    stop_standby()
    shutil.rmtree(REPLICA_DIR, ignore_errors=True)
    primary_sql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = %s", [SLOT])
    REPLICA_DIR.mkdir(parents=True)
    shutil.chown(REPLICA_DIR, "postgres", "postgres")
    REPLICA_DIR.chmod(0o700)
    started = time.monotonic()
    as_postgres("pg_basebackup", "-D", str(REPLICA_DIR), "-h", str(pg.DATA_DIR), "-p", pg.PORT, "-U", "postgres",
                "-R", "-X", "stream", "-C", "-S", SLOT, "-c", "fast")  # fmt: skip
    say(f"pg_basebackup copied the primary in {time.monotonic() - started:.0f} s")
    # The primary keeps its log and its socket's lock file in its folder: the copy must not.
    for copied in ("server.log", f".s.PGSQL.{pg.PORT}.lock"):
        (REPLICA_DIR / copied).unlink(missing_ok=True)
    with (REPLICA_DIR / "postgresql.conf").open("a") as conf:
        conf.write(f"\n# scale drill: the standby\nunix_socket_directories = '{REPLICA_DIR}'\nhot_standby = on\n")
    start_standby()


def start_standby() -> None:
    as_postgres("pg_ctl", "start", "-D", str(REPLICA_DIR), "-l", str(REPLICA_DIR / "server.log"), "-w", "-t", "60")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if primary_sql("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'"):
            return
        time.sleep(0.5)
    raise SystemExit("the standby did not start streaming")


def stop_standby() -> None:
    if (REPLICA_DIR / "PG_VERSION").exists():
        as_postgres("pg_ctl", "stop", "-D", str(REPLICA_DIR), "-m", "fast", "-w", check=False)


def start_app(name: str, public_limit: int = 100_000_000) -> subprocess.Popen:
    """An app server behind HAProxy (one proxy: the client's address is the last X-Forwarded-For
    entry). The load's families all come from 127.0.0.1, so their rate limit is lifted, but
    for the step that checks it."""
    return start_server(2, port=APP_PORTS[name], log=WORK / f"{name}.log", append=True, name=name,
                        env={"PUBLIC_REQUESTS_PER_MINUTE": str(public_limit), "LOG_FORMAT": "json",
                             "TRUSTED_PROXY_COUNT": "1"})  # fmt: skip


def stop_app(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: in-flight requests finish
    server.wait(timeout=60)


def health(port: int) -> tuple[int | None, dict]:
    """/healthz as the monitoring system reads it: with the token, it says where reads go."""
    import http.client

    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz", headers=MONITORING)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    except (OSError, ValueError):
        return None, {}


HAPROXY_CFG = """
global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # A health check may wait while the server is busy (a dozen sign-ins hashing passwords on
    # two cores took both servers out at 1 s); a stopped server refuses at once regardless.
    timeout check 5s
    # A request whose connection an app server refused (it is stopping) goes to the other.
    retries 3
    option redispatch 1
    retry-on conn-failure
    # The client's address, appended to X-Forwarded-For, for the lockout and rate limits.
    option forwardfor
frontend portal
    bind 127.0.0.1:{lb}
    unique-id-format %[uuid()]
    http-request set-header X-Request-ID %[unique-id]
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
    http-response set-header X-Served-By %s
{servers}
"""


def start_haproxy(binary: str) -> subprocess.Popen:
    if not run.port_is_free(LB_PORT):
        raise SystemExit(f"Something already answers on 127.0.0.1:{LB_PORT}")
    servers = "\n".join(f"    server {name} 127.0.0.1:{port} check" for name, port in APP_PORTS.items())
    (WORK / "haproxy.cfg").write_text(HAPROXY_CFG.format(lb=LB_PORT, servers=servers))
    balancer = subprocess.Popen([binary, "-db", "-f", str(WORK / "haproxy.cfg")],
                                stdout=(WORK / "haproxy.log").open("w"), stderr=subprocess.STDOUT)  # fmt: skip
    for _ in range(100):
        if health(LB_PORT)[0] == 200:
            return balancer
        time.sleep(0.2)
    raise SystemExit("HAProxy did not start")


# --- the load ---------------------------------------------------------------------


class Load:
    """Users driving the benchmark's journeys through the balancer; every request is an event."""

    def __init__(self, coordinators: int = 6, families: int = 2, managers: int = 4):
        homes, self.managers = people()
        self.homes = [home for home in homes if home in self.managers]
        self.events: list[dict] = []
        self.saved: dict[int, tuple[int, int]] = {}  # home -> (occupied, accepting) last answered as saved
        self.acknowledged: Counter = Counter()  # home -> saves answered as saved (each one changes a figure)
        self.started_at = timezone.now()
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.crew = Crew()
        self.signed_in: set[str] = set()
        self.plan = ([("coordinator", i) for i in range(coordinators)] + [("family", i) for i in range(families)]
                     + [("manager", i) for i in range(managers)])  # fmt: skip

    def start(self) -> None:
        self.running.set()
        for kind, i in self.plan:
            self.crew.start(f"{kind} {i}", getattr(self, kind), i)

    def stop(self) -> dict:
        self.running.clear()
        self.crew.join(timeout=120)
        return self.crew.summary()

    def record(self, session, user: str, journey: str, error: str | None = None) -> None:
        with self.lock:
            self.events.append({
                "t": time.monotonic(), "user": user, "journey": journey, "ok": error is None, "error": error,
                "served_by": session.headers.get("x-served-by"), "read_from": session.headers.get("x-read-from"),
                "request_id": session.headers.get("x-request-id"),
            })  # fmt: skip

    def call(self, session, user: str, journey: str, method: str, path: str, form=None, expect=None) -> str | None:
        session.headers = {}
        try:
            text = session.request(method, path, form, expect=expect)
        except Exception as error:
            self.record(session, user, journey, f"{type(error).__name__}: {error}")
            time.sleep(0.2)
            return None
        self.record(session, user, journey)
        return text

    def coordinator(self, i: int) -> None:
        rng = random.Random(i)
        session = run.Session(f"coordinator{i + 1}@dataset.example", headers=MONITORING)
        self.signed_in.add(f"coordinator {i}")
        while self.running.is_set():
            district = rng.choice(DISTRICTS)
            self.call(
                session, f"coordinator {i}", "search", "GET", f"/find-a-bed/?near={district}&radius=10&category=nursing"
            )
            self.call(session, f"coordinator {i}", "home_page", "GET", f"/homes/{rng.choice(self.homes)}/")

    def family(self, i: int) -> None:
        rng = random.Random(100 + i)
        session = run.Session(None, headers=MONITORING)
        self.signed_in.add(f"family {i}")
        while self.running.is_set():
            self.call(session, f"family {i}", "public_search", "GET",
                      f"/care-homes/?near={rng.choice(DISTRICTS)}&radius=10&care=nursing")  # fmt: skip

    def manager(self, i: int) -> None:
        home = self.homes[i]
        session = run.Session(self.managers[home], headers=MONITORING)
        self.signed_in.add(f"manager {i}")
        n = 0
        while self.running.is_set():
            n += 1
            page = self.call(session, f"manager {i}", "update_form", "GET", f"/my-homes/{home}/")
            if page is None:
                continue
            form = run.update_form(page, home, n)
            if self.call(session, f"manager {i}", "save", "POST", f"/my-homes/{home}/", form, expect=(302,)) is None:
                continue
            with self.lock:
                self.saved[home] = run.saved_figures(form)
                self.acknowledged[home] += 1
            # Straight after saving, a search (families' search: home staff do not find beds):
            # it must read from the primary (read your writes).
            self.call(
                session, f"manager {i}", "search_after_save", "GET", "/care-homes/?near=LS6&radius=10&care=nursing"
            )

    def between(self, start: float, end: float, **match) -> list[dict]:
        with self.lock:
            return [e for e in self.events if start <= e["t"] < end and all(e[k] == v for k, v in match.items())]


class LagSampler:
    """The primary's view of the standby's replay lag, every quarter second."""

    def __init__(self):
        self.samples: list[tuple[float, float | None]] = []
        self.running = threading.Event()

    def run(self) -> None:
        self.running.set()
        try:
            while self.running.is_set():
                rows = primary_sql(
                    "SELECT EXTRACT(EPOCH FROM COALESCE(replay_lag, '0'))::float FROM pg_stat_replication "
                    "WHERE application_name <> 'pg_basebackup'"
                )
                self.samples.append((time.monotonic(), rows[0][0] if rows else None))
                time.sleep(0.25)
        finally:
            connections["default"].close()

    def between(self, start: float, end: float) -> list[float]:
        return [lag for t, lag in self.samples if start <= t < end and lag is not None]


def wait_for(condition, seconds: float, step: float = 0.2) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return round(time.monotonic() - started, 2)
        time.sleep(step)
    return None


def ms(values: list[float]) -> dict:
    if not values:
        return {"samples": 0}
    ordered = sorted(values)
    return {
        "samples": len(values),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(run.percentile(ordered, 0.95) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


# --- the drill --------------------------------------------------------------------


def drill() -> tuple[dict, list[str]]:
    failed: list[str] = []
    seen: dict = {}

    def check(ok: bool, what: str) -> None:
        say(("ok:     " if ok else "FAILED: ") + what)
        if not ok:
            failed.append(what)

    load, sampler = Load(), LagSampler()
    threading.Thread(target=sampler.run, daemon=True).start()
    load.start()
    users = len(load.plan)
    # Signing in is a POST: for REPLICA_STICKY_SECONDS (15) after it, a person reads from the primary.
    if wait_for(lambda: len(load.signed_in) == users, 120) is None:
        raise SystemExit(f"only {len(load.signed_in)} of {users} users signed in")
    time.sleep(16)

    # 0. Both app servers and the replica up.
    t0 = time.monotonic()
    time.sleep(8)
    t1 = time.monotonic()
    base = load.between(t0, t1)
    reads = load.between(t0, t1, journey="search")
    seen["steady"] = {"requests": len(base), "errors": sum(not e["ok"] for e in base),
                      "served_by": dict(Counter(e["served_by"] for e in base)),
                      "searches_read_from": dict(Counter(e["read_from"] for e in reads))}  # fmt: skip
    say(f"steady: {seen['steady']}")
    check(seen["steady"]["errors"] == 0, "steady: no request failed")
    check(set(seen["steady"]["served_by"]) == set(APP_PORTS), "steady: both app servers serve")
    check(
        set(seen["steady"]["searches_read_from"]) == {"replica"},
        "steady: every coordinator's search read from the replica",
    )
    after_save = load.between(t0, t1, journey="search_after_save")
    check(bool(after_save) and all(e["read_from"] == "primary" for e in after_save),
          f"read your writes: {len(after_save)} searches straight after a save all read from the primary")  # fmt: skip

    # 1. One app server stops.
    say("stopping app1 (SIGTERM: it finishes what it is answering)")
    stopped = time.monotonic()
    stop_app(apps["app1"])
    time.sleep(8)
    t2 = time.monotonic()
    window = load.between(stopped, t2)
    late = load.between(stopped + 3, t2)  # the balancer's check (1 s, 2 falls) has noticed by then
    errors = [e for e in window if not e["ok"]]
    seen["app_server_down"] = {
        "requests": len(window),
        "errors": len(errors),
        "error_samples": [e["error"] for e in errors[:5]],
        "served_by_after_3s": dict(Counter(e["served_by"] for e in late)),
    }
    say(f"app1 down: {seen['app_server_down']}")
    check(
        len(errors) <= users and not [e for e in errors if e["t"] > stopped + 3],
        f"app server down: {len(errors)} failed requests, at most the {users} in flight and none after 3 s",
    )
    check(set(seen["app_server_down"]["served_by_after_3s"]) == {"app2"}, "app server down: all requests go to app2")

    # ...and comes back.
    restarted = time.monotonic()
    apps["app1"] = start_app("app1")
    back = wait_for(lambda: bool(load.between(restarted, time.monotonic(), served_by="app1")), 30)
    time.sleep(3)
    t3 = time.monotonic()
    rejoin = load.between(restarted, t3)
    seen["app_server_back"] = {"serving_again_after_seconds": back, "errors": sum(not e["ok"] for e in rejoin)}
    say(f"app1 restarted: {seen['app_server_back']}")
    check(back is not None, "app server back: the balancer sends it requests again")
    check(seen["app_server_back"]["errors"] == 0, "app server back: no request failed")

    # 2. The replica stops.
    say("stopping the replica (pg_ctl stop -m fast)")
    replica_stopped = time.monotonic()
    stop_standby()
    time.sleep(8)
    t4 = time.monotonic()
    during = load.between(replica_stopped, t4)
    searches = load.between(replica_stopped, t4, journey="search")
    last_replica_read = max((e["t"] for e in searches if e["read_from"] == "replica"), default=replica_stopped)
    statuses = {name: health(port)[1].get("databases", {}).get("replica", {}) for name, port in APP_PORTS.items()}
    seen["replica_down"] = {
        "requests": len(during), "errors": sum(not e["ok"] for e in during),
        "error_samples": [e["error"] for e in during if not e["ok"]][:5],
        "searches_read_from": dict(Counter(e["read_from"] for e in searches)),
        "last_replica_read_after_stop_seconds": round(last_replica_read - replica_stopped, 2),
        "healthz_replica": statuses,
    }  # fmt: skip
    say(f"replica down: {seen['replica_down']}")
    check(seen["replica_down"]["errors"] == 0, "replica down: no request failed")
    check(seen["replica_down"]["last_replica_read_after_stop_seconds"] <= 2,
          "replica down: reads go to the primary within 2 s")  # fmt: skip
    check(all(s.get("state") == "unreachable" for s in statuses.values()), "replica down: /healthz says unreachable")

    # ...and starts again: it catches up and is read again.
    start_standby()
    replica_back = time.monotonic()
    again = wait_for(
        lambda: bool(load.between(replica_back, time.monotonic(), journey="search", read_from="replica")), 30
    )
    t5 = time.monotonic()
    seen["replica_back"] = {
        "read_again_after_seconds": again,
        "errors": sum(not e["ok"] for e in load.between(replica_back, t5)),
    }
    say(f"replica restarted: {seen['replica_back']}")
    check(again is not None, "replica back: searches read from it again")
    check(seen["replica_back"]["errors"] == 0, "replica back: no request failed")

    # 3. The replica falls behind: its replay paused while the managers keep saving.
    time.sleep(3)
    say("pausing the replica's replay (pg_wal_replay_pause()) while managers save")
    replica_sql("SELECT pg_wal_replay_pause()")
    paused = time.monotonic()
    time.sleep(12)
    behind = {name: health(port)[1].get("databases", {}).get("replica", {}) for name, port in APP_PORTS.items()}
    late_searches = load.between(paused + 7, time.monotonic(), journey="search")  # over 5 s behind, and checked
    replica_sql("SELECT pg_wal_replay_resume()")
    resumed = time.monotonic()
    again_after_lag = wait_for(
        lambda: bool(load.between(resumed, time.monotonic(), journey="search", read_from="replica")), 30
    )
    seen["replica_lagging"] = {
        "errors": sum(not e["ok"] for e in load.between(paused, time.monotonic())),
        "searches_read_from_7s_after_pause": dict(Counter(e["read_from"] for e in late_searches)),
        "healthz_replica": behind,
        "read_again_after_resume_seconds": again_after_lag,
    }
    say(f"replica lagging: {seen['replica_lagging']}")
    check(seen["replica_lagging"]["errors"] == 0, "replica lagging: no request failed")
    check(bool(late_searches) and all(e["read_from"] == "primary" for e in late_searches),
          "replica lagging: once over 5 s behind, every search reads from the primary")  # fmt: skip
    check(all(b.get("state") == "lagging" for b in behind.values()), "replica lagging: /healthz says lagging")
    check(again_after_lag is not None, "replica caught up: searches read from it again")

    # 4. Lag while managers save (the whole run, the replica's downtime and pause aside).
    time.sleep(5)
    t6 = time.monotonic()
    lags = (sampler.between(t0, replica_stopped) + sampler.between(replica_back + 2, paused)
            + sampler.between(resumed + 5, t6))  # fmt: skip
    saves = load.between(t0, t6, journey="save", ok=True)
    seen["replication_lag"] = {**ms(lags), "saves_during": len(saves),
                               "saves_per_second": round(len(saves) / (t6 - t0), 1)}  # fmt: skip
    say(f"replication lag (pg_stat_replication.replay_lag) while managers save: {seen['replication_lag']}")
    check(bool(lags) and max(lags) <= 5, "replication lag stayed within REPLICA_MAX_LAG_SECONDS (5 s)")

    # Each app server's /metrics adds up its workers (prometheus_client's multiprocess mode):
    # app2 ran all along, so it counts every search it answered.
    workers = load.stop()
    sampler.running.clear()
    families = text_string_to_metric_families(fetch(APP_PORTS["app2"], "/metrics", os.environ["METRICS_TOKEN"]))
    counted = sum(sample.value for family in families if family.name == "tracker_request_duration_seconds"
                  for sample in family.samples
                  if sample.name.endswith("_count") and sample.labels["view"] == "search:search")  # fmt: skip
    answered = len(load.between(0, time.monotonic(), served_by="app2", journey="search"))
    seen["metrics"] = {"app2_searches_counted": counted, "app2_searches_answered": answered}
    say(f"metrics: {seen['metrics']}")
    check(counted >= answered > 0, "app2's /metrics counts every search its workers answered")
    # Every answer (a request that failed outright has none) carries the id HAProxy made.
    answered = [e for e in load.between(0, time.monotonic()) if e["ok"]]
    missing = [e for e in answered if not (e["request_id"] and len(e["request_id"]) == 36)]
    repeated = [rid for rid, n in Counter(e["request_id"] for e in answered).items() if n > 1]
    check(not missing and not repeated, f"every response carries the balancer's own request id ({len(answered)}: "
          f"{len(missing)} without one, {len(repeated)} repeated)")  # fmt: skip
    if missing or repeated:
        say(f"without an id: {missing[:3]}; repeated: {repeated[:3]}")
    seen["workers"] = workers
    check(not workers["failed"], f"every load worker finished ({workers['finished']} of {workers['workers']})")
    everything = load.between(t0, time.monotonic())
    seen["totals"] = {"requests": len(everything), "failed": sum(not e["ok"] for e in everything),
                      "errors": dict(Counter(e["error"] for e in everything if not e["ok"])),
                      "by_journey": dict(Counter(e["journey"] for e in everything))}  # fmt: skip

    # 5. Every acknowledged write is on the primary and, once caught up, on the replica.
    caught_up = wait_for(lambda: bool(primary_sql(
        "SELECT 1 FROM pg_stat_replication WHERE application_name <> 'pg_basebackup' "
        "AND replay_lsn >= pg_current_wal_lsn()")), 30)  # fmt: skip
    missing = {"default": [], "replica": []}
    history = {}
    for alias in missing:
        for home, (occupied, accepting) in load.saved.items():
            rows = CategoryVacancy.objects.using(alias).filter(home_id=home)
            if not any(r.occupied == occupied and r.vacant_accepting == accepting for r in rows):
                missing[alias].append(home)
        # Every save answered as saved is one update in the home's history (a save whose answer
        # was lost on the way may be there too: more is not a loss).
        made = VacancyUpdate.objects.using(alias).filter(
            home_id__in=list(load.acknowledged), made_at__gte=load.started_at
        )
        history[alias] = dict(Counter(made.values_list("home_id", flat=True)))
    seen["acknowledged_writes"] = {
        "homes": len(load.saved),
        "saves": len(saves),
        "replica_caught_up_after_seconds": caught_up,
        "missing_on_primary": missing["default"],
        "missing_on_replica": missing["replica"],
    }
    say(f"acknowledged writes: {seen['acknowledged_writes']}")
    seen["acknowledged_writes"]["history"] = {"acknowledged": dict(load.acknowledged), **history}
    check(bool(load.saved), "managers' saves were answered as saved")
    for alias, name in (("default", "primary"), ("replica", "replica")):
        lost = {home: n - history[alias].get(home, 0) for home, n in load.acknowledged.items()
                if history[alias].get(home, 0) < n}  # fmt: skip
        check(not lost, f"the {name}'s history holds all {sum(load.acknowledged.values())} saves answered as saved")
    check(not missing["default"], "every acknowledged write is on the primary")
    check(caught_up is not None and not missing["replica"], "every acknowledged write is on the replica")

    seen["per_client"] = per_client(check)
    return seen, failed


PUBLIC_LIMIT = 20
WRONG_PASSWORD_LIMIT = 5  # AXES_FAILURE_LIMIT's default


def per_client(check) -> dict:
    """6. Behind HAProxy, each client is counted apart (issue 24): wrong passwords from one
    address (127.0.0.2) lock that address out of the account, not the owner signing in from
    another (127.0.0.3); a forged X-Forwarded-For moves nobody; and the public rate limit
    counts each address apart. The load has stopped; both app servers start again with a
    public limit of 20 a minute."""
    say(f"per-client addresses: app servers again with PUBLIC_REQUESTS_PER_MINUTE={PUBLIC_LIMIT}")
    for name in APP_PORTS:
        stop_app(apps[name])
        apps[name] = start_app(name, public_limit=PUBLIC_LIMIT)
    if wait_for(lambda: all(health(port)[0] == 200 for port in APP_PORTS.values()) and health(LB_PORT)[0] == 200,
                30) is None:  # fmt: skip
        raise SystemExit("app servers did not come back for the per-client step")
    time.sleep(3)  # HAProxy's rise: two checks a second apart
    email = run.Membership.objects.filter(role=run.Role.HOME_STAFF, user__email__endswith="@dataset.example") \
        .order_by("-user_id").values_list("user__email", flat=True)[0]  # fmt: skip
    AccessAttempt.objects.filter(username=email).delete()

    def sign_in(source: str, password: str, forged: str = "") -> int:
        browser = run.Session(None, source=source)
        token, _ = browser.csrf("/sign-in/")
        browser.request("POST", "/sign-in/", {"username": email, "password": password, "csrfmiddlewaretoken": token},
                        expect=(200, 302, 429), headers={"X-Forwarded-For": forged} if forged else None)  # fmt: skip
        return browser.status

    wrong = [sign_in("127.0.0.2", "not-the-password") for _ in range(WRONG_PASSWORD_LIMIT)]
    result = {
        "wrong_passwords_from_127.0.0.2": wrong,
        "right_password_from_127.0.0.2": sign_in("127.0.0.2", run.PASSWORD),
        "right_password_from_127.0.0.2_claiming_127.0.0.3": sign_in("127.0.0.2", run.PASSWORD, forged="127.0.0.3"),
        "right_password_from_127.0.0.3": sign_in("127.0.0.3", run.PASSWORD),
    }
    AccessAttempt.objects.filter(username=email).delete()
    family_a, family_b = run.Session(None, source="127.0.0.2"), run.Session(None, source="127.0.0.3")

    def visit(family) -> int:
        family.request("GET", "/care-homes/?near=LS6", expect=(200, 429))
        return family.status

    busy = Counter(visit(family_a) for _ in range(PUBLIC_LIMIT + 5))
    result["public_from_127.0.0.2"] = dict(busy)
    result["public_from_127.0.0.3_after"] = visit(family_b)
    say(f"per-client addresses behind HAProxy: {result}")
    check(wrong[-1] == 429 and result["right_password_from_127.0.0.2"] == 429,
          f"{WRONG_PASSWORD_LIMIT} wrong passwords from 127.0.0.2 lock 127.0.0.2 out of the account")  # fmt: skip
    check(result["right_password_from_127.0.0.2_claiming_127.0.0.3"] == 429,
          "a forged X-Forwarded-For does not let 127.0.0.2 in as 127.0.0.3")  # fmt: skip
    check(result["right_password_from_127.0.0.3"] == 302, "the owner signs in from 127.0.0.3 meanwhile")
    check(busy[429] > 0 and busy[200] <= PUBLIC_LIMIT and result["public_from_127.0.0.3_after"] == 200,
          f"the public rate limit counts each client apart (127.0.0.2: {dict(busy)}; 127.0.0.3: "
          f"{result['public_from_127.0.0.3_after']})")  # fmt: skip
    return result


apps: dict[str, subprocess.Popen] = {}


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    haproxy = ensure_haproxy()
    run.call_command("build_dataset", scale="national", alongside_real_homes=True)
    run.call_command("collectstatic", interactive=False, verbosity=0)
    balancer = None
    try:
        make_standby()
        for name in APP_PORTS:
            apps[name] = start_app(name)
        balancer = start_haproxy(haproxy)
        run.PORT = LB_PORT  # the benchmark's sessions talk to the balancer
        say(f"topology: primary {pg.DATA_DIR}, standby {REPLICA_DIR} (slot {SLOT}), "
            f"app servers {APP_PORTS}, HAProxy on 127.0.0.1:{LB_PORT}")  # fmt: skip
        seen, failed = drill()
    finally:
        if balancer is not None:
            balancer.terminate()
            balancer.wait(timeout=30)
        for server in apps.values():
            if server.poll() is None:
                stop_app(server)
        stop_standby()
        connections.close_all()
        primary_sql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = %s", [SLOT])
    (WORK / "result.json").write_text(json.dumps({"seen": seen, "failed": failed}, indent=2, default=str))
    say(f"totals: {seen['totals']}")
    print("PASSED" if not failed else "FAILED: " + "; ".join(failed), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
