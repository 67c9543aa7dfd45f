"""What /metrics says about vacancies (tracker/metrics.py): how fresh each council's figures are."""

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from registers.models import CareHome
from vacancies.freshness import STALE_AFTER


def freshness_by_council() -> Iterable[Metric]:
    """Active homes per council and the share that confirmed their figures in the last 24 hours."""
    labels = ["council", "gss_code"]
    active = GaugeMetricFamily("tracker_active_homes", "Active care homes, by council", labels=labels)
    confirmed = GaugeMetricFamily(
        "tracker_homes_confirmed_24h", "Active homes that confirmed their figures in the last 24 hours", labels=labels
    )
    share = GaugeMetricFamily(
        "tracker_homes_confirmed_24h_ratio",
        "Share of a council's active homes that confirmed their figures in the last 24 hours (0 to 1)",
        labels=labels,
    )
    since = timezone.now() - STALE_AFTER
    rows = (
        CareHome.objects.active().values("local_authority__name", "local_authority__gss_code")
        .annotate(homes=Count("pk"), confirmed=Count("pk", filter=Q(vacancies__last_confirmed_at__gte=since)))
        .order_by("local_authority__gss_code")
    )  # fmt: skip
    for row in rows:
        council = [row["local_authority__name"], row["local_authority__gss_code"]]
        active.add_metric(council, row["homes"])
        confirmed.add_metric(council, row["confirmed"])
        share.add_metric(council, row["confirmed"] / row["homes"])
    yield from (active, confirmed, share)
