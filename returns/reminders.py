"""Reminding care homes and home-care agencies to answer the monthly return: on the window's
first day and its second-to-last day (``manage.py send_return_reminders``, daily), and when a
council chases. By email (GOV.UK Notify when configured) and, where the location's phone is a
mobile, a text; at most one a day per location, whoever sends it. Each carries the return's
signed link.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from registers.models import CareHome
from returns import links
from returns.models import MonthlyReturn, ReturnReminder
from returns.window import Window, open_window
from tracker.notify import send_emails, send_text
from vacancies.reminders import mobile_number, recipients

logger = logging.getLogger(__name__)


def send(home: CareHome, window: Window, *, by=None) -> ReturnReminder | None:
    """Remind one home, unless it was reminded today, has answered, or has nobody to tell."""
    today = timezone.localdate()
    addresses = recipients(home)
    if not addresses or MonthlyReturn.objects.filter(home=home, month=window.month).exists():
        return None
    link = settings.SITE_URL.rstrip("/") + links.path(home.pk, window.month)
    context = {"home": home, "window": window, "link": link}
    subject = f"{home.name}: the monthly return for {window.label} is due by {window.closes:%A} {window.closes.day} " \
              f"{window.closes:%B}"  # fmt: skip
    body = render_to_string("returns/reminder_email.txt.jinja", context)
    try:
        with transaction.atomic():
            reminder = ReturnReminder.objects.create(
                home=home, month=window.month, date=today, sent_at=timezone.now(), sent_by=by, channel="email"
            )
            reminder.channel = send_emails(
                addresses, template_id=settings.NOTIFY_ENQUIRY_TEMPLATE_ID,
                personalisation={"subject": subject, "body": body}, reference=f"return-{home.pk}-{today}",
                subject=subject, body=lambda: body,
            )  # fmt: skip
            mobile = mobile_number(home)
            if settings.NOTIFY_API_KEY and settings.NOTIFY_RETURN_SMS_TEMPLATE_ID and mobile:
                closes = f"{window.closes:%A} {window.closes.day} {window.closes:%B}"
                personalisation = {"home_name": home.name, "month": window.label, "closes": closes, "return_link": link}
                send_text(mobile, template_id=settings.NOTIFY_RETURN_SMS_TEMPLATE_ID, personalisation=personalisation,
                          reference=f"return-{home.pk}-{today}")  # fmt: skip
                reminder.texted = True
            reminder.save(update_fields=["channel", "texted"])
    except IntegrityError:
        return None  # reminded already today
    return reminder


def remind(homes, window: Window, *, by=None) -> tuple[int, int]:
    """Remind each of ``homes`` that has not answered: (reminded, skipped)."""
    reminded = skipped = 0
    for home in homes:
        try:
            sent = send(home, window, by=by)
        except Exception:
            logger.exception("Return reminder to home %s failed", home.pk)
            sent = None
        reminded, skipped = (reminded + 1, skipped) if sent else (reminded, skipped + 1)
    return reminded, skipped


def unanswered(homes, window: Window):
    return homes.exclude(pk__in=MonthlyReturn.objects.filter(month=window.month).values("home_id"))


def scheduled(today=None) -> tuple[int, int] | None:
    """Today's scheduled reminders, if today is a reminder day: (reminded, skipped)."""
    today = today or timezone.localdate()
    window = open_window(today)
    if window is None or today not in window.reminder_days:
        return None
    return remind(unanswered(CareHome.locations.active(), window).order_by("pk"), window)
