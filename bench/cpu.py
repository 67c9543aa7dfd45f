"""CPU time by kind of process, read from /proc: where the machine's CPU went while the
benchmark's users were served (bench/run.py prints it beside each journey's share of the floor).
The app's workers, the database and the benchmark's own client share the machine's cores.
Every gunicorn and PostgreSQL process on the machine is counted (another checkout's too):
the figures mean something on a machine doing nothing else."""

import os

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """Each process's CPU time so far (seconds, user and system), by pid, with what it is:
    gunicorn (its master and workers), postgres (the database's processes), client (this
    benchmark, which shares the machine's cores with them)."""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                fields, command = stat.read().rsplit(")", 1)[1].split(), cmdline.read()
        except OSError:  # gone meanwhile
            continue
        kind = "client" if int(pid) == os.getpid() else "gunicorn" if b"gunicorn" in command else (
            "postgres" if b"postgres" in command else None)  # fmt: skip
        if kind:
            found[int(pid)] = (kind, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return found


def cpu_spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each kind of process spent between two ``cpu_by_process`` readings. A
    process that started meanwhile counts from zero (a worker gunicorn replaced); one that
    ended meanwhile cannot be read, and is left out (that slice is undercounted)."""
    spent = {"gunicorn": 0.0, "postgres": 0.0, "client": 0.0}
    for pid, (kind, seconds) in after.items():
        spent[kind] += seconds - before.get(pid, (kind, 0.0))[1]
    return spent
