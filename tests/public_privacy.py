"""What must never be on a public page (issues 12 and 26), as a check over the page's HTML:
an email address, a count of beds (vacant, free, occupied or available), a number of a
home-care agency's hours, or a staff member's name. Used by tests/test_public.py and
tests/test_public_home_care.py and, over the national dataset, by bench/run.py.
The number of beds CQC registers a home for is public (CQC publishes it) and allowed."""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
BED_COUNT = re.compile(
    r"\b\d+\s+(?:beds?\s+)?(?:vacant|vacancies|vacancy|free|empty|available|occupied|spare)\b"
    r"|\b(?:vacant|occupied)\b",
    re.IGNORECASE,
)

# An agency's new hours a week are shown as a band: a number of hours is never on a public page.
# Not a postcode's inward code ("WR14 8HR"): the outward code before it says which it is.
HOURS_COUNT = re.compile(
    r"(?<![A-Z]\d )(?<![A-Z]\d\d )(?<![A-Z]\d[A-Z] )\b\d+(?:\.\d+)?\s*(?:new\s+)?(?:hours?|hrs?)\b", re.IGNORECASE
)


def private_things(html: str, *, names: tuple[str, ...] = (), reasons: tuple[str, ...] = ()) -> list[str]:
    """What in ``html`` a family must not see: emails, bed counts, hours, the given staff
    ``names`` and closure ``reasons``. Empty when the page is clean."""
    found = [f"email {m}" for m in EMAIL.findall(html)]
    found += [f"bed count “{m.group(0)}”" for m in BED_COUNT.finditer(html)]
    found += [f"hours “{m.group(0)}”" for m in HOURS_COUNT.finditer(html)]
    found += [f"staff name {name}" for name in names if name and name in html]
    found += [f"closure reason {reason}" for reason in reasons if reason and reason in html]
    return found
