"""Saved searches and their alerts (issue 18): a coordinator saves a search and is told, by
email and on their pages, when a home starts matching it with a bed available; at most one
alert per saved search an hour; one click in the email stops them.

`manage.py alert_saved_searches` checks every saved search with alerts on (run it every
few minutes, docs/operations.md). A search matches homes open to admissions with at least
one vacant bed free of holds in what it asks for (its own "at least N beds" when higher).
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from registers.models import CareHome
from tracker.notify import send_emails
from vacancies import search
from vacancies.models import SavedSearch, SearchAlert

logger = logging.getLogger(__name__)
EVERY = datetime.timedelta(hours=1)  # at most one alert per saved search in this time
MATCHING_LIMIT = 2000  # homes remembered per saved search (a national search with no filters)
SALT = "vacancies.stop-alerts"
SAVED_PER_PERSON = 20


class Refused(Exception):
    """The search cannot be saved: its filters have errors (the fields say which)."""


def for_alerts(query: str) -> search.Search:
    """The search as an alert reads it: open homes, at least one bed (or the search's own minimum)."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    if not params.get("min_beds") or params.get("min_beds") == "0":
        params["min_beds"] = "1"
    params["open"] = "yes"
    return search.build(params)


def save(user, query: str, *, alerts: bool) -> SavedSearch:
    """Keep ``query`` (the search page's filters) for ``user``. Refused when a filter is not valid."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    found = search.build(params)
    if found.form.errors:
        raise Refused("This search has filters that are not valid: correct them (see each field), then save it")
    if SavedSearch.objects.filter(user=user).exclude(query=params.urlencode()).count() >= SAVED_PER_PERSON:
        raise Refused(f"You have {SAVED_PER_PERSON} saved searches: delete one you no longer need first")
    label = "; ".join(found.active.values()) or "All homes"
    if found.form.location is not None:
        label = f"Near {found.form.cleaned_data['near'].upper()}: {label}"
    saved, _ = SavedSearch.objects.update_or_create(
        user=user, query=params.urlencode(),
        defaults={"label": label[:300], "alerts": alerts,
                  "matching": for_alerts(params.urlencode()).home_ids(MATCHING_LIMIT), "checked_at": timezone.now()},
    )  # fmt: skip
    return saved


def stop_token(saved: SavedSearch) -> str:
    return signing.dumps(saved.pk, salt=SALT)


def stop_path(saved: SavedSearch) -> str:
    return reverse("search:stop_alerts", args=[stop_token(saved)])


def from_stop_token(token: str) -> SavedSearch | None:
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return SavedSearch.objects.filter(pk=pk).select_related("user").first()


def check(saved: SavedSearch, now: datetime.datetime | None = None) -> SearchAlert | None:
    """Check one saved search: an alert (and its email) for homes that started matching since
    the last alert, unless one was sent in the last hour (they are told about then)."""
    now = now or timezone.now()
    with transaction.atomic():
        saved = SavedSearch.objects.select_for_update(skip_locked=True).filter(pk=saved.pk, alerts=True).first()
        if saved is None:  # another worker has it, or alerts were stopped
            return None
        matching = for_alerts(saved.query).home_ids(MATCHING_LIMIT)
        new = sorted(set(matching) - set(saved.matching))
        if saved.alerted_at is not None and now - saved.alerted_at < EVERY:
            # Too soon to tell again: keep what it knew, so these homes are told about next time.
            SavedSearch.objects.filter(pk=saved.pk).update(checked_at=now)
            return None
        alert = None
        if new:
            names = list(CareHome.objects.filter(pk__in=new[:20]).order_by("name").values_list("name", flat=True))
            more = f" and {len(new) - 20} more" if len(new) > 20 else ""
            alert = SearchAlert.objects.create(saved_search=saved, homes=new, home_names=", ".join(names) + more)
            saved.alerted_at = now
        saved.matching, saved.checked_at = matching, now
        saved.save(update_fields=["matching", "checked_at", "alerted_at"])
    if alert is not None:  # once recorded (a failed email is logged by the command, the alert stays on the page)
        _email(alert.pk)
    return alert


def check_all() -> int:
    """Check every saved search with alerts on: how many alerts were made."""
    made = 0
    for saved in SavedSearch.objects.filter(alerts=True).order_by("checked_at", "pk").iterator():
        try:
            made += check(saved) is not None
        except Exception:  # one search's failure (an email server down) does not stop the others
            logger.exception("Alert for saved search %s failed", saved.pk)
    return made


def _email(alert_id: int) -> None:
    alert = SearchAlert.objects.select_related("saved_search__user").get(pk=alert_id)
    saved = alert.saved_search
    site = settings.SITE_URL.rstrip("/")
    context = {
        "alert": alert,
        "saved": saved,
        "search_link": f"{site}{reverse('search:search')}?{saved.query}",
        "stop_link": site + stop_path(saved),
    }
    subject = f"A bed has appeared: {saved.label}"[:150]
    body = render_to_string("vacancies/alert_email.txt.jinja", context)
    # Mail programs show an unsubscribe button that stops the alerts in one click (RFC 8058).
    headers = {"List-Unsubscribe": f"<{context['stop_link']}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    send_emails([saved.user.email], template_id=settings.NOTIFY_ENQUIRY_TEMPLATE_ID,
                personalisation={"subject": subject, "body": body}, reference=f"alert-{alert.pk}",
                subject=subject, body=lambda: body, headers=headers)  # fmt: skip
