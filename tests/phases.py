"""Where a test run's time goes (docs/adr/026-test-time.md): a pytest plugin that writes, for each
test's setup, call and teardown, the wall time, this worker's CPU, the CPU of the processes it
started (Chromium, subprocesses) and of its PostgreSQL cluster, one JSON line each, to
var/test-phases/<worker>.jsonl; `python -m tests.phases` sums them by phase, file and test.

    .venv/bin/python -m pytest -n 2 --dist worksteal -p tests.phases   # -m: the plugin is imported first
    .venv/bin/python -m tests.phases [--top 40]

CPU beside wall time, because this machine is shared: wall time measures the neighbours too."""

import argparse
import collections
import json
import os
import time
from pathlib import Path

import pytest

OUT = Path(__file__).resolve().parent.parent / "var" / "test-phases"
TICK = os.sysconf("SC_CLK_TCK")
_file = None
_postmaster = None


def _ticks(pid: int) -> int:
    """A process's CPU, its own and its waited-for children's, and that of its live descendants."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    return sum(int(field) for field in fields[11:15]) + sum(_ticks(int(child)) for child in children)


def _database_ticks() -> int:
    global _postmaster
    if _postmaster is None:
        from tracker import embedded_postgres

        try:
            _postmaster = int((embedded_postgres.DATA_DIR / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError):
            return 0
    return _ticks(_postmaster)


def _now() -> tuple[float, float, int, int]:
    return time.time(), time.process_time(), _ticks(os.getpid()), _database_ticks()


def _write(line: dict) -> None:
    global _file
    if _file is None:
        OUT.mkdir(parents=True, exist_ok=True)
        _file = open(OUT / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.jsonl", "w")  # noqa: SIM115
    _file.write(json.dumps(line) + "\n")


def _record(item, when: str, before: tuple[float, float, int, int]) -> None:
    after = _now()
    _write({
        "test": item.nodeid, "when": when, "at": before[0], "wall": after[0] - before[0],
        "cpu": after[1] - before[1], "started": (after[2] - before[2]) / TICK - (after[1] - before[1]),
        "database": (after[3] - before[3]) / TICK,
    })  # fmt: skip


def _timed(when: str):
    @pytest.hookimpl(wrapper=True)
    def phase(item):
        before = _now()
        try:
            return (yield)
        finally:
            _record(item, when, before)

    return phase


pytest_runtest_setup = _timed("setup")
pytest_runtest_call = _timed("call")
pytest_runtest_teardown = _timed("teardown")


def pytest_sessionfinish(session):
    if _file is not None:
        _file.close()


def summary(top: int) -> None:
    tests = collections.defaultdict(lambda: collections.defaultdict(lambda: [0.0, 0.0, 0.0, 0.0]))
    for path in sorted(OUT.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            for index, key in enumerate(("wall", "cpu", "started", "database")):
                tests[row["test"]][row["when"]][index] += row[key]
    columns = "wall  python  started  database (s)"
    phases = collections.defaultdict(lambda: [0.0] * 4)
    files = collections.defaultdict(lambda: [0.0] * 5)
    for test, by_phase in tests.items():
        for when, sums in by_phase.items():
            phases[when] = [a + b for a, b in zip(phases[when], sums, strict=True)]
            files[test.split("::")[0]] = [a + b for a, b in zip(files[test.split("::")[0]], [*sums, 0], strict=True)]
        files[test.split("::")[0]][4] += 1
    print(f"{len(tests)} tests; by phase: {columns}")
    for when, sums in phases.items():
        print(f"  {when:9}" + "".join(f"{value:9.1f}" for value in sums))
    print(f"files, by wall time: {columns}, tests")
    for name, sums in sorted(files.items(), key=lambda item: -item[1][0])[:top]:
        print("".join(f"{value:8.1f}" for value in sums[:4]) + f"{int(sums[4]):6d}  {name}")
    print(f"tests, by wall time: {columns}; setup and teardown walls")
    totals = {test: [sum(sums[i] for sums in by.values()) for i in range(4)] for test, by in tests.items()}
    for test, sums in sorted(totals.items(), key=lambda item: -item[1][0])[:top]:
        ends = f"{tests[test]['setup'][0]:6.1f} {tests[test]['teardown'][0]:6.1f}"
        print("".join(f"{value:8.1f}" for value in sums) + f"  {ends}  {test}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=40)
    summary(parser.parse_args().top)
