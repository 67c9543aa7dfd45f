"""What must never be on a public page (issue 12), as a check over the page's HTML:
an email address, a count of beds (vacant, free, occupied or available) or a staff
member's name. Used by tests/test_public.py and, over the national dataset, by bench/run.py.
The number of beds CQC registers a home for is public (CQC publishes it) and allowed."""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
BED_COUNT = re.compile(
    r"\b\d+\s+(?:beds?\s+)?(?:vacant|vacancies|vacancy|free|empty|available|occupied|spare)\b"
    r"|\b(?:vacant|occupied)\b",
    re.IGNORECASE,
)


def private_things(html: str, *, names: tuple[str, ...] = (), reasons: tuple[str, ...] = ()) -> list[str]:
    """What in ``html`` a family must not see: emails, bed counts, the given staff ``names``
    and closure ``reasons``. Empty when the page is clean."""
    found = [f"email {m}" for m in EMAIL.findall(html)]
    found += [f"bed count “{m.group(0)}”" for m in BED_COUNT.finditer(html)]
    found += [f"staff name {name}" for name in names if name and name in html]
    found += [f"closure reason {reason}" for reason in reasons if reason and reason in html]
    return found
