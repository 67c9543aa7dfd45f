"""Confirming "no change" from a reminder, without signing in (issue 18).

A reminder carries a link for one home: signed (Django's signing, with the secret key), for
one purpose only (confirm that home's figures as they were when the reminder was sent: the
version is in the link), for 72 hours, and at most once a day. Opening the link changes
nothing (email scanners open links); one tap on its button confirms. Everything it does is
in the home's history ("Confirmed from reminder") and the audit trail.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from registers.models import CareHome
from vacancies.audit_actions import VacancyAction
from vacancies.models import CategoryVacancy, HomeVacancies, VacancyUpdate, in_category_order
from vacancies.snapshots import day_bounds
from vacancies.updates import confirm_no_change

SALT = "vacancies.confirm-from-reminder"
VALID_FOR = datetime.timedelta(hours=72)


class LinkProblem(Exception):
    """Why a link cannot confirm anything: shown to the person as it is."""

    def __init__(self, title: str, text: str, status: int):
        super().__init__(title)
        self.title, self.text, self.status = title, text, status


EXPIRED = LinkProblem(
    "This link has expired",
    "Links in reminders work for 72 hours. Sign in to confirm or update your figures.",
    410,
)
BROKEN = LinkProblem(
    "This link does not work",
    "It may have been copied only in part. Open the link in the reminder again, or sign in to update your figures.",
    404,
)


# How the link's page (vacancies/reminder_link.jinja) speaks of what it confirms.
WORDS = {
    "what": "figures", "have": "have", "them": "these figures", "now": "They are now",
    "confirmed": "Beds confirmed", "changed_title": "Figures changed", "sign_in": "Sign in to your homes",
}  # fmt: skip


def confirm_path(home_id: int, version: int) -> str:
    """The path (no host) of a link that confirms ``home_id``'s figures at ``version``."""
    return reverse("vacancies:confirm_from_reminder", args=[home_id, sign(home_id, version)])


@dataclass
class Link:
    home: CareHome
    version: int  # the version of the figures the reminder was sent about


def sign(home_id: int, version: int, salt: str = SALT) -> str:
    return signing.dumps([home_id, version], salt=salt, compress=True)


def verify(home_id: int, token: str, salt: str = SALT) -> int:
    """The version a link for ``home_id`` was signed with (``salt``: its purpose: a home's beds,
    an agency's capacity); LinkProblem when it is expired, altered or not this one's."""
    try:
        signed_home, version = signing.loads(token, salt=salt, max_age=VALID_FOR)
    except signing.SignatureExpired:
        raise EXPIRED from None
    except (signing.BadSignature, ValueError, TypeError):
        raise BROKEN from None
    if signed_home != home_id or not isinstance(version, int):
        raise BROKEN
    return version


def read(home_id: int, token: str) -> Link:
    """The link's home and version; LinkProblem when it is expired, altered or not this home's."""
    version = verify(home_id, token)
    home = CareHome.objects.active().filter(pk=home_id).first()
    if home is None:
        raise BROKEN
    return Link(home=home, version=version)


def figures_line(home: CareHome) -> str:
    """ "nursing 2, residential 0" (vacant beds accepting admissions; "closed" for a closed category)."""
    rows = in_category_order(CategoryVacancy.objects.filter(home=home))
    parts = [f"{row.get_category_display().lower()} {'closed' if row.closed else row.vacant_accepting}" for row in rows]
    return ", ".join(parts) or "no beds entered"


def confirmed_today(home: CareHome) -> VacancyUpdate | None:
    start, _ = day_bounds(timezone.localdate())
    return (
        VacancyUpdate.objects.filter(home=home, kind=VacancyUpdate.Kind.FROM_REMINDER, made_at__gte=start)
        .order_by("-made_at")
        .first()
    )


def state(link: Link, board: HomeVacancies | None = None) -> str:
    """What the link can do now: "ready", "changed" (the figures moved on since the reminder:
    look at them first) or "done" (already confirmed from a reminder today). ``board``: the
    home's row when the caller has it (locked) already."""
    board = board or HomeVacancies.objects.filter(home=link.home).only("version").first()
    if board is None or board.version != link.version:
        return "changed"
    if confirmed_today(link.home) is not None:
        return "done"
    return "ready"


def confirm(link: Link, request) -> str:
    """Confirm the figures if the link still may (the state, checked again under the row's
    lock so that two taps record one confirmation): the state it found."""
    with transaction.atomic():
        board = HomeVacancies.objects.select_for_update().filter(home=link.home).first()
        found = state(link, board) if board is not None else "changed"
        if found != "ready":
            return found
        confirm_no_change([link.home], None, kind=VacancyUpdate.Kind.FROM_REMINDER)
        audit.record(
            VacancyAction.CONFIRMED_FROM_REMINDER, user=None, request=request,
            target=f"{link.home.name} ({link.home.cqc_location_id})", detail=f"Figures: {figures_line(link.home)}",
        )  # fmt: skip
    return "ready"
