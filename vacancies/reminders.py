"""Reminding homes whose figures are stale: email, or GOV.UK Notify when configured.

At most one reminder a day per home (a database constraint), whoever or
whatever sends it; each one is recorded.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from homes.models import CareHome
from tracker.notify import send_emails
from vacancies.freshness import freshness
from vacancies.models import HomeVacancies, Reminder

logger = logging.getLogger(__name__)


def recipients(home: CareHome) -> list[str]:
    """The home's active staff; the home's own address when it has no staff yet."""
    staff = list(
        home.memberships.filter(role=Role.HOME_STAFF, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return staff or ([home.email] if home.email else [])


def _send(addresses: list[str], home: CareHome, context: dict) -> str:
    return send_emails(
        addresses,
        template_id=settings.NOTIFY_REMINDER_TEMPLATE_ID,
        personalisation={
            "home_name": home.name,
            "last_updated": context["freshness"].words,
            "update_link": context["link"],
        },
        reference=f"reminder-{home.pk}-{timezone.localdate().isoformat()}",
        subject=f"Please update {home.name}'s vacancies",
        body=lambda: render_to_string("vacancies/reminder_email.txt", context),
    )


def send_reminder(home: CareHome, *, by=None) -> Reminder | None:
    """Remind one home, unless it was already reminded today or has nobody to tell."""
    today = timezone.localdate()
    if Reminder.objects.filter(home=home, date=today).exists():
        return None
    addresses = recipients(home)
    if not addresses:
        return None
    board = HomeVacancies.objects.filter(home=home).first()
    context = {
        "home": home,
        "freshness": freshness(board.last_confirmed_at if board else None),
        "link": settings.SITE_URL.rstrip("/") + reverse("vacancies:update", args=[home.pk]),
    }
    try:
        with transaction.atomic():
            # Claim today's reminder first, so two senders cannot both send.
            reminder = Reminder.objects.create(
                home=home, date=today, sent_by=by, recipients=len(addresses), channel="email"
            )
            reminder.channel = _send(addresses, home, context)
            reminder.save(update_fields=["channel"])
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
