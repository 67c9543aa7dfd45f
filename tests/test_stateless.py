"""App servers hold no state of their own (docs/adr/014-replicas-and-stateless-servers.md):
what two of them must agree on is in PostgreSQL, and two background workers never run
the same task."""

import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.tasks import task
from django_tasks_db.management.commands.db_worker import Worker

from accounts.models import RequestCount
from accounts.throttle import count
from tests.threads import in_threads

RUNS = 30


@task()
def count_a_run(n: int) -> None:
    count(f"task-run:{n}", 10**6)  # one more run of task n, in the shared counts table
    time.sleep(0.01)  # long enough for the other worker to look for work meanwhile


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_task_twice():
    for n in range(RUNS):
        count_a_run.enqueue(n)
    workers = [
        Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=None,
               worker_id=f"worker-{i}", excluded_queue_names=[])
        for i in range(2)
    ]  # fmt: skip
    ran: dict[str, int] = {}

    def work(worker):
        worker.run()
        ran[worker.worker_id] = worker._run_tasks

    in_threads(work, [(worker,) for worker in workers], timeout=60)
    runs = dict(RequestCount.objects.filter(key__startswith="task-run:").values_list("key", "count"))
    assert runs == {f"task-run:{n}": 1 for n in range(RUNS)}  # every task once, none twice
    assert sum(ran.values()) == RUNS
    assert all(ran.values()), ran  # both workers took tasks: they did run side by side


@pytest.mark.django_db
def test_the_default_cache_is_in_postgresql_for_every_app_server():
    caches["default"].set("shared-key", "seen by every app server", 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tracker_cache WHERE cache_key LIKE %s", ["%shared-key"])
        assert cursor.fetchone()[0] == 1
    assert caches["default"].get("shared-key") == "seen by every app server"
