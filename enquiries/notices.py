"""Emails about enquiries: to a home when a team asks it (or withdraws, or places), to the
team on every answer. At most one email per referral and event: a ``Notice`` row is claimed
in the same transaction as the step, and the email is sent by the background worker after
it commits (``manage.py db_worker``), through GOV.UK Notify when it is configured. Everything
an email says is in the portal too.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from enquiries.models import Notice, Referral
from tracker.notify import send_emails
from vacancies.reminders import recipients as home_recipients

logger = logging.getLogger(__name__)


def _claim(referral: Referral, event: str) -> None:
    notice, created = Notice.objects.get_or_create(referral=referral, event=event)
    if created:
        transaction.on_commit(lambda: send_notice.enqueue(notice.pk))


def tell_home(referral: Referral, event: str) -> None:
    """``event``: sent, withdrawn, placed, or "message <id>" (the team answered)."""
    _claim(referral, f"home {event}")


def tell_homes(referrals: list[Referral], event: str) -> None:
    """The same news to every home (or agency) of a new enquiry at once ("sent"): their notices
    in one statement and one task that sends each, not a statement and a task per home (a
    package request to the market goes to 25)."""
    made = Notice.objects.bulk_create(Notice(referral=referral, event=f"home {event}") for referral in referrals)
    ids = [notice.pk for notice in made]
    if ids:
        transaction.on_commit(lambda: send_notices.enqueue(ids))


def tell_team(referral: Referral, event: str) -> None:
    """``event``: accepted, declined, hold expired, or "message <id>" (the home asked)."""
    _claim(referral, f"team {event}")


def team_recipients(team) -> list[str]:
    """The team's shared inbox; its people when it has none."""
    if team.contact_email:
        return [team.contact_email]
    return list(
        team.memberships.filter(role__in=[Role.COORDINATOR, Role.TEAM_LEAD], user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()
    )


def _link(name: str, pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[pk])


def compose(notice: Notice) -> tuple[list[str], str, str]:
    """(recipients, subject, body) of a notice."""
    referral = notice.referral
    enquiry, home = referral.enquiry, referral.home
    side, _, event = notice.event.partition(" ")
    message = None
    if event.startswith("message "):
        message = referral.messages.filter(pk=int(event.split()[1])).first()
        event = "message"
    if side == "home":
        to = home_recipients(home)
        link = _link("enquiries:referral", referral.pk)
    else:
        to = team_recipients(enquiry.team)
        link = _link("enquiries:enquiry", enquiry.pk)
    context = {"referral": referral, "enquiry": enquiry, "home": home, "event": event, "message": message,
               "link": link, "team": enquiry.team}  # fmt: skip
    subject = render_to_string("enquiries/email_subject.txt.jinja", context).strip()
    body = render_to_string("enquiries/email.txt.jinja", context)
    return to, subject, body


@task()
def send_notice(notice_id: int) -> None:
    deliver(notice_id)


@task()
def send_notices(notice_ids: list[int]) -> None:
    for notice_id in notice_ids:
        deliver(notice_id)


def deliver(notice_id: int) -> None:
    """Send one notice's email, unless it has been sent."""
    notice = Notice.objects.select_related("referral__enquiry__team", "referral__home").get(pk=notice_id)
    if notice.sent_at is not None:
        return
    to, subject, body = compose(notice)
    if not to:
        logger.warning("Nobody to tell about %s", notice)
        return
    channel = send_emails(
        to, template_id=settings.NOTIFY_ENQUIRY_TEMPLATE_ID, personalisation={"subject": subject, "body": body},
        reference=f"enquiry-{notice.pk}", subject=subject, body=lambda: body,
    )  # fmt: skip
    Notice.objects.filter(pk=notice.pk).update(sent_at=timezone.now(), recipients=len(to), channel=channel)
