"""A project-local PostgreSQL cluster for development, demos and tests.

Used only when DATABASE_URL is unset. The cluster lives in ``var/postgres``
(gitignored), listens on a Unix socket inside that folder and nowhere else,
trusts connections on that socket only, and is reused across restarts.
PostgreSQL refuses to run as root, so as root we run it as the ``postgres``
OS user. Run ``python -m tracker.embedded_postgres start|stop|status``.
"""

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EMBEDDED_POSTGRES_DIR", BASE_DIR / "var" / "postgres"))
# `make bench-quick` keeps its region dataset in a database of its own in the same cluster, so the
# national dataset `make bench` built (minutes to build again) is left where it is.
DB_NAME = os.environ.get("EMBEDDED_POSTGRES_DB", "tracker")
DB_USER = "postgres"
PORT = "5432"  # only names the socket file; there is no TCP listener


class EmbeddedPostgresError(RuntimeError):
    pass


def bindir() -> Path:
    """Where the server binaries are (Debian keeps them off PATH)."""
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        candidate = Path(out.stdout.strip())
        if (candidate / "pg_ctl").exists():
            return candidate
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "pg_ctl").exists():
            return candidate
    if pg_ctl := shutil.which("pg_ctl"):
        return Path(pg_ctl).parent
    raise EmbeddedPostgresError(
        "PostgreSQL server binaries not found: install them (apt-get install -y postgresql) or set DATABASE_URL."
    )


def _as_owner(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(_as_owner(args), capture_output=True, text=True, **kwargs)


def socket_dir() -> str:
    return str(DATA_DIR)


def is_running() -> bool:
    if not (DATA_DIR / "PG_VERSION").exists():
        return False
    result = _run([str(bindir() / "pg_ctl"), "status", "-D", str(DATA_DIR)])
    return result.returncode == 0


def _let_postgres_reach(path: Path) -> None:
    """The postgres user must be able to pass through every folder above the
    cluster (a clone under a private temporary folder, say). Grant passing
    through (execute, not read) on those that refuse it, and say so."""
    for folder in reversed(path.parents):
        reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(folder)], check=False)
        if reachable.returncode != 0:
            folder.chmod(folder.stat().st_mode | 0o001)
            print(f"Embedded PostgreSQL: let other users pass through {folder} (chmod o+x) to reach {path}")


def _init_cluster() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(DATA_DIR, "postgres", "postgres")
        _let_postgres_reach(DATA_DIR)
    DATA_DIR.chmod(0o700)
    result = _run(
        [
            str(bindir() / "initdb"),
            "-D",
            str(DATA_DIR),
            "-U",
            DB_USER,
            "--auth-local=trust",
            "--auth-host=reject",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
    )
    if result.returncode != 0:
        raise EmbeddedPostgresError(f"initdb failed:\n{result.stdout}{result.stderr}")
    # Unix socket in the data folder only; trust on that socket, nothing else.
    with open(DATA_DIR / "postgresql.conf", "a") as conf:
        conf.write(
            "\n# Care Capacity Tracker: project-local cluster\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{DATA_DIR}'\n"
            "max_connections = 200\n"
            "shared_buffers = 256MB\n"
            "fsync = on\n"
        )
    (DATA_DIR / "pg_hba.conf").write_text("local all all trust\n")


def _ensure_database() -> None:
    psql = str(bindir() / "psql")
    base = [psql, "-h", socket_dir(), "-p", PORT, "-U", DB_USER, "-d", "postgres", "-tA"]
    exists = _run([*base, "-c", f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"])  # noqa: S608 - constant
    if exists.stdout.strip() != "1":
        created = _run([*base, "-c", f'CREATE DATABASE "{DB_NAME}"'])
        if created.returncode != 0:
            raise EmbeddedPostgresError(f"could not create database: {created.stderr}")


@contextlib.contextmanager
def _one_at_a_time():
    """Several processes may start or stop the cluster at once (gunicorn's hook beside a
    manage.py command, a test's manage.py beside pytest): the first initialises and starts it
    while the others wait, then find it running. The lock file sits beside the cluster, which
    may not exist yet."""
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR.with_name(DATA_DIR.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def start() -> bool:
    """Start the cluster if it is not running. Returns True if this call started it."""
    with _one_at_a_time():
        return _start()


def _start() -> bool:
    if not (DATA_DIR / "PG_VERSION").exists():
        _init_cluster()
    if is_running():
        _ensure_database()
        return False
    stale_pid = DATA_DIR / "postmaster.pid"
    if stale_pid.exists():  # left by a crash or a killed machine; pg_ctl said not running
        stale_pid.unlink()
    result = _run(
        [
            str(bindir() / "pg_ctl"),
            "start",
            "-D",
            str(DATA_DIR),
            "-l",
            str(DATA_DIR / "server.log"),
            "-w",
            "-t",
            "60",
        ],
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        log = (DATA_DIR / "server.log").read_text()[-2000:] if (DATA_DIR / "server.log").exists() else ""
        raise EmbeddedPostgresError(f"pg_ctl start failed:\n{result.stderr}\n{log}")
    _ensure_database()
    return True


def stop() -> None:
    with _one_at_a_time():
        if is_running():
            _run([str(bindir() / "pg_ctl"), "stop", "-D", str(DATA_DIR), "-m", "fast", "-w"])


def ensure_running() -> None:
    """Start on demand, but only when DATABASE_URL does not point elsewhere."""
    if os.environ.get("DATABASE_URL"):
        return
    start()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        started = start()
        print(f"Embedded PostgreSQL {'started' if started else 'already running'} in {DATA_DIR}")
    elif command == "stop":
        stop()
        print("Embedded PostgreSQL stopped")
    elif command == "status":
        print("running" if is_running() else "stopped")
    else:
        print(f"usage: {argv[0]} start|stop|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
