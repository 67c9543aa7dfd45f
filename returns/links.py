"""A reminder's link to one location's return (a care home's or a home-care agency's), opened
without signing in (the confirm-from-reminder rules of issue 18): signed with the secret key
for one location and one month, working only while
that month's window is open. Opening it changes nothing (email scanners open links); one tap
on its button confirms last month's answers unchanged, and only while the home has not
answered this month (a change of answers needs a sign-in).
"""

import datetime

from django.core import signing
from django.urls import reverse

from registers.models import CareHome
from returns.window import open_window

SALT = "returns.reminder-link"


class LinkProblem(Exception):
    def __init__(self, title: str, text: str, status: int):
        super().__init__(title)
        self.title, self.text, self.status = title, text, status


BROKEN = LinkProblem(
    "This link does not work",
    "It may have been copied only in part. Open the link in the reminder again, or sign in to answer the return.",
    404,
)


def path(home_id: int, month: datetime.date) -> str:
    token = signing.dumps([home_id, month.isoformat()], salt=SALT, compress=True)
    return reverse("returns:from_reminder", args=[home_id, token])


def read(home_id: int, token: str, today: datetime.date | None = None) -> tuple[CareHome, datetime.date]:
    """The link's location and month; LinkProblem when it is altered, another location's, or its
    window closed."""
    try:
        signed_home, month_text = signing.loads(token, salt=SALT)
        month = datetime.date.fromisoformat(month_text)
    except (signing.BadSignature, ValueError, TypeError):
        raise BROKEN from None
    if signed_home != home_id:
        raise BROKEN
    home = CareHome.locations.active().select_related("provider").filter(pk=home_id).first()
    if home is None:
        raise BROKEN
    window = open_window(today)
    if window is None or window.month != month:
        raise LinkProblem(
            "This return's window has closed",
            f"Links in reminders work while the return for {month:%B %Y} is open, from the 8th to the 14th. "
            "Sign in to see your returns.",
            410,
        )
    return home, month
