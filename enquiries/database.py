"""Enquiries' logic in the database (enquiries/sql/): the transitions a referral's status and an
enquiry's state may make, whatever writes them, and that an enquiry closes only once no home's
part in it is still in play."""

from enquiries.models import LIVE, TRANSITIONS
from tracker.database_objects import declared


def allowed_transitions() -> str:
    """enquiries.models.TRANSITIONS as an SQL condition over a trigger's OLD and NEW rows."""
    return " OR ".join(f"(OLD.status = '{old}' AND NEW.status = '{new}')" for old, new in TRANSITIONS)


def live_statuses() -> str:
    """enquiries.models.LIVE (a home's part still in play) as an SQL list."""
    return ", ".join(f"'{status}'" for status in LIVE)


OBJECTS = declared("enquiries", allowed=allowed_transitions(), live=live_statuses())
