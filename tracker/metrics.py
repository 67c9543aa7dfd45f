"""Prometheus metrics at /metrics, for the monitoring system only.

Per request (``MetricsMiddleware``): latency by view as a histogram, and the database
queries each request made. At scrape time, from the database: the task queue's depth,
and whatever the apps register with ``gauges()`` (vacancies: how fresh each council's
figures are). Database figures are read when scraped, so every app server reports
the same truth and none keeps a count of its own.

Several gunicorn workers: gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before the app
loads, each worker writes its samples to its own file there, and a scrape adds up the
files of every worker of that app server (prometheus_client's multiprocess mode).
Prometheus scrapes each app server directly, not through the load balancer.

Only with ``Authorization: Bearer <METRICS_TOKEN>``; without a token set, or with a
wrong one, /metrics answers 404 like a page that does not exist.
"""

import os
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.tasks.base import TaskResultStatus
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from tracker.http import from_monitoring

REQUEST_SECONDS = Histogram(
    "tracker_request_duration_seconds",
    "Time to answer a request, by view (its URL name), method and status class",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUEST_QUERIES = Histogram(
    "tracker_request_queries",
    "Database queries one request made (every database alias), by view",
    ["view"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
)

_gauges: list[Callable[[], Iterable[Metric]]] = []


def gauges(source: Callable[[], Iterable[Metric]]) -> Callable[[], Iterable[Metric]]:
    """Register a function that yields metric families read at scrape time (an app's ready())."""
    if source not in _gauges:
        _gauges.append(source)
    return source


@gauges
def task_queue() -> Iterable[Metric]:
    waiting = GaugeMetricFamily(
        "tracker_task_queue_depth", "Background tasks waiting to run or running, by queue", labels=["queue", "status"]
    )
    counts = (
        DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .values("queue_name", "status").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    found = {(row["queue_name"], row["status"]): row["n"] for row in counts}
    for queue in settings.TASKS["default"].get("QUEUES", ["default"]):
        for status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
            waiting.add_metric([queue, status.lower()], found.get((queue, status), 0))
    yield waiting


class _AtScrape:
    def collect(self):
        for source in _gauges:
            yield from source()


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        per_request = CollectorRegistry()
        multiprocess.MultiProcessCollector(per_request)
    else:  # one process (development, tests)
        per_request = REGISTRY
    at_scrape = CollectorRegistry(auto_describe=False)
    at_scrape.register(_AtScrape())
    return generate_latest(per_request) + generate_latest(at_scrape)


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not from_monitoring(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Times each request and counts its queries; near the top of MIDDLEWARE so the time is the whole answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(count))
            response = self.get_response(request)
        view = _view_name(request)
        if view != "metrics":
            REQUEST_SECONDS.labels(view, request.method, f"{response.status_code // 100}xx").observe(
                time.perf_counter() - started
            )
            REQUEST_QUERIES.labels(view).observe(queries)
        return response


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"  # not the path: a scanner's made-up paths would each become a series
