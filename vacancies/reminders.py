"""Reminding homes whose figures are stale: email, or GOV.UK Notify when configured.

At most one reminder a day per home (a database constraint), whoever or
whatever sends it; each one is recorded.
"""

import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from registers.models import CareHome
from tracker.notify import send_emails, send_text
from vacancies import reminder_links
from vacancies.freshness import freshness
from vacancies.models import CategoryVacancy, HomeVacancies, Reminder

logger = logging.getLogger(__name__)


def recipients(home: CareHome) -> list[str]:
    """The home's active staff; the home's own address when it has no staff yet."""
    staff = list(
        home.memberships.filter(role=Role.HOME_STAFF, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return staff or ([home.email] if home.email else [])


def mobile_number(home: CareHome) -> str | None:
    """The home's phone number when it is a UK mobile (07..., or +44 7...), for a text."""
    digits = re.sub(r"[^\d+]", "", home.phone)
    if re.fullmatch(r"(?:\+44|0044|44)7\d{9}", digits):
        digits = "0" + digits[digits.index("7") :]
    return digits if re.fullmatch(r"07\d{9}", digits) else None


def _send(addresses: list[str], home: CareHome, context: dict, subject: str, body: str) -> tuple[str, bool]:
    """Send the reminder: (the email's channel, whether a text went too)."""
    personalisation = {
        "home_name": home.name,
        "last_updated": context["freshness"].words,
        "update_link": context["link"],
        "confirm_link": context["confirm_link"] or context["link"],
    }
    reference = f"reminder-{home.pk}-{timezone.localdate().isoformat()}"
    channel = send_emails(
        addresses, template_id=settings.NOTIFY_REMINDER_TEMPLATE_ID, personalisation=personalisation,
        reference=reference, subject=subject, body=lambda: render_to_string(body, context),
    )  # fmt: skip
    mobile = mobile_number(home)
    texted = bool(settings.NOTIFY_API_KEY and settings.NOTIFY_REMINDER_SMS_TEMPLATE_ID and mobile)
    if texted:
        send_text(mobile, template_id=settings.NOTIFY_REMINDER_SMS_TEMPLATE_ID, personalisation=personalisation,
                  reference=reference)  # fmt: skip
    return channel, texted


def send_reminder(home: CareHome, *, by=None) -> Reminder | None:
    """Remind one home, unless it was already reminded today or has nobody to tell."""

    def context() -> dict:
        board = HomeVacancies.objects.filter(home=home).first()
        return {
            "freshness": freshness(board.last_confirmed_at if board else None),
            "link": settings.SITE_URL.rstrip("/") + reverse("vacancies:update", args=[home.pk]),
            # One tap, no sign-in: confirms the figures as they are now (a home without figures has nothing to confirm).
            "confirm_link": settings.SITE_URL.rstrip("/") + reminder_links.confirm_path(home.pk, board.version)
            if board is not None and CategoryVacancy.objects.filter(home=home).exists()
            else None,
        }

    return deliver(home, by=by, context=context, subject=f"Please update {home.name}'s vacancies",
                   body="vacancies/reminder_email.txt.jinja")  # fmt: skip


def deliver(home: CareHome, *, by, context, subject: str, body: str) -> Reminder | None:
    """Send one reminder about ``home`` (a care home, or an agency: ADR 019) to its staff,
    unless it was reminded today already or has nobody to tell; ``context()`` gives the
    email's links. At most one a day, whoever or whatever sends it (a database constraint)."""
    today = timezone.localdate()
    if Reminder.objects.filter(home=home, date=today).exists():
        return None
    addresses = recipients(home)
    if not addresses:
        return None
    context = {"home": home, **context()}
    try:
        with transaction.atomic():
            # Claim today's reminder first, so two senders cannot both send.
            reminder = Reminder.objects.create(
                home=home, date=today, sent_by=by, recipients=len(addresses), channel="email"
            )
            reminder.channel, reminder.texted = _send(addresses, home, context, subject, body)
            reminder.save(update_fields=["channel", "texted"])
    except IntegrityError:
        return None  # another process reminded this home a moment ago
    return reminder


def remind_stale(homes, *, by=None) -> tuple[int, int]:
    """Remind every stale home in ``homes``. Returns (reminded, skipped)."""
    reminded = skipped = 0
    for home in homes:
        try:
            sent = send_reminder(home, by=by)
        except Exception:
            logger.exception("Reminder to home %s failed", home.pk)
            sent = None
        if sent:
            reminded += 1
        else:
            skipped += 1
    return reminded, skipped
