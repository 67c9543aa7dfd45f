"""Enquiries' logic in the database (enquiries/sql/): the transitions a referral's status and an
enquiry's state may make, whatever writes them."""

from enquiries.models import TRANSITIONS
from tracker.database_objects import declared


def allowed_transitions() -> str:
    """enquiries.models.TRANSITIONS as an SQL condition over a trigger's OLD and NEW rows."""
    return " OR ".join(f"(OLD.status = '{old}' AND NEW.status = '{new}')" for old, new in TRANSITIONS)


OBJECTS = declared("enquiries", allowed=allowed_transitions())
