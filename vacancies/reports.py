""" "This figure was wrong": a coordinator's report after a phone call (issue 18).

The home's staff are told by email and see it on their pages; the council sees reports
per home on its dashboard; the home's freshness says "reported wrong" until it next
confirms or updates (a report counts while it is newer than the last confirmation).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from registers.models import CareHome
from tracker.notify import send_emails
from vacancies.audit_actions import VacancyAction
from vacancies.models import FigureReport, HomeVacancies
from vacancies.reminders import recipients
from vacancies.snapshots import day_bounds

PER_DAY = 3  # reports one person may make about one home in a day


class TooMany(Exception):
    pass


def reports_today(home: CareHome, user) -> int:
    start, _ = day_bounds(timezone.localdate())
    return FigureReport.objects.filter(home=home, reported_by=user, reported_at__gte=start).count()


def report(home: CareHome, user, *, problem: str, category: str = "", note: str = "") -> FigureReport:
    """Record the report, tell the home's staff (after the commit). TooMany past the day's limit."""
    with transaction.atomic():
        HomeVacancies.objects.select_for_update().filter(home=home).first()  # one reporter's reports in turn
        if reports_today(home, user) >= PER_DAY:
            raise TooMany
        made = FigureReport.objects.create(home=home, problem=problem, category=category, note=note, reported_by=user)
        audit.record(VacancyAction.FIGURES_REPORTED, user=user, target=f"{home.name} ({home.cqc_location_id})",
                     detail=made.get_problem_display())  # fmt: skip
        transaction.on_commit(lambda: send_report.enqueue(made.pk))
    return made


def label(reported_at: datetime.datetime | None) -> str:
    """ "Reported wrong today" (or "on 3 Mar") for the newest standing report's time; "" for none."""
    if reported_at is None:
        return ""
    day = timezone.localtime(reported_at).date()
    return "Reported wrong today" if day == timezone.localdate() else f"Reported wrong on {day:%-d %b}"


@task()
def send_report(report_id: int) -> None:
    made = FigureReport.objects.select_related("home", "reported_by").get(pk=report_id)
    to = recipients(made.home)
    if not to:
        return
    context = {
        "report": made,
        "link": settings.SITE_URL.rstrip("/") + reverse("vacancies:update", args=[made.home_id]),
    }
    subject = f"A discharge team says {made.home.name}'s figures were wrong"
    body = render_to_string("vacancies/report_email.txt.jinja", context)
    send_emails(
        to, template_id=settings.NOTIFY_ENQUIRY_TEMPLATE_ID, personalisation={"subject": subject, "body": body},
        reference=f"report-{made.pk}", subject=subject, body=lambda: body,
    )  # fmt: skip
