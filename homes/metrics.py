"""What /metrics and /healthz say about the CQC sync (tracker/metrics.py, tracker/views.py):
when CQC's register was last read to the end, and how long ago."""

from collections.abc import Iterable

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from homes.cqc_sync import last_success


def _last():
    """(when the last successful run finished; its age in seconds); None, None before any."""
    run = last_success()
    if run is None:
        return None, None
    return run.finished_at, (timezone.now() - run.finished_at).total_seconds()


def cqc_sync_metrics() -> Iterable[Metric]:
    finished, age = _last()
    last = GaugeMetricFamily(
        "tracker_cqc_sync_last_success_timestamp_seconds", "When the CQC sync last read CQC's register to the end"
    )
    ago = GaugeMetricFamily(
        "tracker_cqc_sync_age_seconds", "Seconds since the CQC sync last read CQC's register to the end"
    )
    if finished is not None:
        last.add_metric([], finished.timestamp())
        ago.add_metric([], age)
    yield from (last, ago)


def cqc_sync_health() -> dict:
    finished, age = _last()
    return {
        "cqc_sync": {
            "last_success": None if finished is None else finished.isoformat(),
            "age_seconds": None if age is None else round(age),
        }
    }
