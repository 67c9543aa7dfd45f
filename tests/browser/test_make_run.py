"""`make run` as a person runs it: the portal comes up, a browser signs in, and
Ctrl-C stops everything, the embedded PostgreSQL included (it used to be left
running). Against a cluster of its own in a temporary folder."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tracker import embedded_postgres

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_running(data_dir: Path) -> bool:
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_make_run_serves_the_portal_and_ctrl_c_stops_everything(browser, assert_accessible):
    # Not under pytest's tmp_path: PostgreSQL runs as another user, so the folders above the
    # cluster are opened to it, and any pytest process of this user (a parallel worker, another
    # checkout's run) makes pytest's own temporary root private again.
    folder = Path(tempfile.mkdtemp(prefix="make-run-"))
    data_dir = folder / "postgres"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    env |= {"EMBEDDED_POSTGRES_DIR": str(data_dir), "DATASET": "none", "BIND": f"127.0.0.1:{port}", "CI": "true"}
    # Its own process group, as a terminal gives a command: Ctrl-C goes to the whole group.
    run = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = run.stdout.readline()
            if not line and run.poll() is not None:
                pytest.fail("make run stopped before serving:\n" + "".join(output[-40:]))
            output.append(line)
            if "The portal is at" in line:
                break
        else:
            pytest.fail("make run did not serve within 4 minutes:\n" + "".join(output[-40:]))
        assert any("demo-password-2026" in line for line in output), "the demo sign-ins are printed"
        assert _postgres_running(data_dir)

        context = browser.new_context(viewport={"width": 360, "height": 740})
        context.route("https://assets.nhs.uk/**", lambda route: route.abort())  # out of reach here
        page = context.new_page()
        for _ in range(40):  # gunicorn takes a moment to bind after saying where it will be
            try:
                page.goto(f"http://127.0.0.1:{port}/sign-in/")
                break
            except Exception:
                time.sleep(0.5)
        page.get_by_label("Email address").fill("coordinator@example.org")
        page.get_by_label("Password").fill("demo-password-2026")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Care Capacity Tracker").wait_for()
        assert_accessible(page)
        context.close()

        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C
        rest, _ = run.communicate(timeout=60)
        output.append(rest)
        still_running = _postgres_running(data_dir)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        if _postgres_running(data_dir):  # leave nothing behind, whatever happened
            pg_ctl = str(embedded_postgres.bindir() / "pg_ctl")
            subprocess.run(["runuser", "-u", "postgres", "--", pg_ctl, "stop", "-D", str(data_dir)], check=False)
        shutil.rmtree(folder, ignore_errors=True)
    assert not still_running, "PostgreSQL is still running after Ctrl-C"
    assert "Embedded PostgreSQL stopped." in "".join(output)
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "gunicorn still listens after Ctrl-C"
