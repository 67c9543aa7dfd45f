"""``make run``: the portal on this machine in one command, stopped cleanly by Ctrl-C.

    python -m tracker.serve        (what ``make run`` calls, after installing)

1. Starts the embedded PostgreSQL, unless DATABASE_URL points at a server.
2. Prepares the database: migrations, static files, the postcodes, the demo
   region (``DATASET``: region, national, or none) and the demo sign-ins.
3. Runs gunicorn on 127.0.0.1:8000 (``BIND``) and a background worker beside it.

Ctrl-C (SIGINT) or SIGTERM, at any step, stops gunicorn and the worker, then
the embedded PostgreSQL if this run started it: nothing is left running.
(A shell trap did this before and left PostgreSQL running after Ctrl-C.)
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tracker import embedded_postgres

ROOT = Path(__file__).resolve().parent.parent
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 10


class Stopped(Exception):
    """Ctrl-C or SIGTERM arrived."""


def _stop(signum, frame):
    raise Stopped(signal.Signals(signum).name)


def _manage(*args: str) -> None:
    # Its own session: a Ctrl-C reaches this supervisor, which stops the step itself.
    step = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, start_new_session=True)
    try:
        if step.wait() != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed (exit {step.returncode})")
    finally:
        _end(step)


def _end(process: subprocess.Popen | None) -> None:
    """Stop a child: SIGTERM, then SIGKILL if it has not gone after a grace period."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    for signum in STOP_SIGNALS:
        signal.signal(signum, _stop)
    embedded = not os.environ.get("DATABASE_URL")
    started_postgres = False
    worker = server = None
    try:
        if embedded:
            started_postgres = embedded_postgres.start()
        _manage("migrate", "--noinput")
        _manage("collectstatic", "--noinput", "-v", "0")
        _manage("load_places")
        if (dataset := os.environ.get("DATASET", "region")) != "none":
            _manage("build_dataset", "--scale", dataset)
        _manage("seed_demo")
        _manage("sync_cqc", "--schedule")  # the worker runs the CQC sync daily (it says so if CQC_API_KEY is unset)
        python = [sys.executable]
        worker = subprocess.Popen(
            [*python, "manage.py", "db_worker", "--queue-name", "*", "--interval", "1"],
            cwd=ROOT,
            start_new_session=True,
        )
        bind = os.environ.get("BIND", "127.0.0.1:8000")
        print(f"\nThe portal is at http://{bind} (Ctrl-C stops it)\n", flush=True)
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "tracker.wsgi",
                "-c",
                "tracker/gunicorn.conf.py",
                "--bind",
                bind,
            ],
            cwd=ROOT,
            start_new_session=True,
        )
        while server.poll() is None and worker.poll() is None:
            time.sleep(0.5)
        return 1  # one of them stopped by itself
    except Stopped as stop:
        print(f"\nStopping ({stop})...", flush=True)
        return 0
    finally:
        # Nothing below may be interrupted: a second Ctrl-C must not leave PostgreSQL running.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        _end(server)
        _end(worker)
        if started_postgres:
            embedded_postgres.stop()
            print("Embedded PostgreSQL stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
