"""A home's facts set from a source, and a home archived: the one way both happen, whether
the source is a council's CQC file (homes/csv_import.py) or CQC's register (homes/cqc_sync.py).

- ``differences(home, values, if_empty)``: what a source would change;
- ``record(home, changes, ...)``: set them, move the home's version on once, and give the
  history rows (unsaved: an import writes thousands at once);
- ``archive(home, reason, ...)``: out of search and the public pages, its history kept,
  and ``home_archived`` sent inside the same transaction, so the apps above (enquiries:
  open enquiries and held beds ended, the teams told) act in it: homes imports none of them.
"""

from django.dispatch import Signal
from django.utils import timezone

from homes.models import CareHomeChange, display_value
from registers.choices import HomeStatus
from registers.models import CareHome

# Sent with ``home`` and ``reason`` when a home is archived, before its row is saved; a
# receiver that fails fails the whole transaction, so nothing is half done.
home_archived = Signal()

# What the home keeps itself and a source only fills when the home has none: its phone and
# website (its email, description, fees, facilities and visiting no source touches at all).
KEPT_BY_THE_HOME = ("phone", "website")
# Fields a source sets that the history does not list (they follow the postcode).
NOT_IN_THE_HISTORY = {"latitude", "longitude"}


def differences(home: CareHome, values: dict, if_empty: dict | None = None) -> dict:
    """The values that would change ``home``: each of ``values`` that differs, and each of
    ``if_empty`` the home has none of."""
    found = {name: value for name, value in values.items() if getattr(home, name) != value}
    for name, value in (if_empty or {}).items():
        if value and not getattr(home, name):
            found[name] = value
    return found


def record(
    home: CareHome,
    changes: dict,
    *,
    user=None,
    source: str = CareHomeChange.Source.PERSON,
    notes: dict | None = None,
    words: dict | None = None,
) -> list[CareHomeChange]:
    """Set ``changes`` on ``home`` (not saved), once a new version, and return their history
    rows (not saved). ``notes``: a note per field ("report of 2 Nov 2026"); ``words``: how a
    field's old and new values read when they are not the home's own (a council's name)."""
    if not changes:
        return []
    home.version += 1
    home.updated_at = timezone.now()
    rows = []
    for name, value in changes.items():
        old = getattr(home, name)
        setattr(home, name, value)
        if name in NOT_IN_THE_HISTORY:
            continue
        old_words, new_words = (words or {}).get(name) or (
            display_value(home, name, old),
            display_value(home, name, value),
        )
        rows.append(
            CareHomeChange(
                home=home, changed_by=user, version=home.version, field=name.removesuffix("_id"),
                old_value=old_words, new_value=new_words, source=source, note=(notes or {}).get(name, ""),
            )
        )  # fmt: skip
    return rows


def archive(
    home: CareHome, reason: str, *, user=None, source: str = CareHomeChange.Source.PERSON, now=None
) -> CareHomeChange:
    """Archive ``home`` (not saved) for ``reason``; its history row (not saved). Tells the
    apps that keep things about homes, in this transaction."""
    now = now or timezone.now()
    home.status, home.archived_reason, home.archived_at = HomeStatus.ARCHIVED, reason[:300], now
    home.version += 1
    home.updated_at = now
    home_archived.send(sender=CareHome, home=home, reason=reason)
    return CareHomeChange(
        home=home, changed_by=user, version=home.version, field="status", old_value="Active",
        new_value=f"Archived: {reason}"[:1000], source=source,
    )  # fmt: skip


ARCHIVE_FIELDS = ["status", "archived_reason", "archived_at", "version", "updated_at"]
