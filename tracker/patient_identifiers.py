"""Refusing what would identify a patient in free text that passes from one organisation
to another (an enquiry's reference, needs and contact, messages, decline notes, reports of
wrong figures): an NHS number, a date of birth, or a title followed by a name. Such text
describes needs, never a person (DOMAIN.md: the tracker never holds them).

What counts, written as people write it:

- an NHS number: ten digits in any grouping, with spaces, dashes, dots or slashes between
  (``943 476 5919``, ``9434 765 919``, ``943/476/5919``), that pass its check digit (the
  ``nhs-number`` package's rule). A telephone number has eleven digits, or starts with
  ``+``, so it passes; so do other ten-digit numbers, but for one in eleven by chance.
- a date of birth: a full date (day, month and year) written with numbers and any
  separator, two- or four-digit years, month names or their abbreviations, ordinals,
  "of" (``12/03/1948``, ``12.3.48``, ``March 12, 1948``, ``12th of March 1948``), that
  is more than a year ago (a date of birth, an old date, the same to a reader) or stands
  next to "born" or "DOB". Dates of admission, discharge or need (this year or next) pass.
- a title followed by a name (``Mrs Jane Smith``, ``MR J SMITH``, ``mr smith``).

Ordinary care notes must not be refused: tests/test_patient_identifiers.py draws both
kinds of text with Hypothesis.
"""

import datetime
import re
from dataclasses import dataclass

import nhs_number
from django.core.exceptions import ValidationError
from django.utils import timezone

# Digits in groups, each separated by at most three of these (spaces, dashes, dots, slashes).
_GROUPED_DIGITS = re.compile(r"(?<![\d+])(?<!\(0\)\s)(?<!\(0\))(\+?\d+(?:[ \t./\\_-]{1,3}\d+)*)")
_SEPARATOR = re.compile(r"[ \t./\\_-]{1,3}")

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))  # "march" before "mar"
_MONTH = rf"(?P<month>{_MONTH_NAMES})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"'?(?P<year>\d{4}|\d{2})"
_GAP = r"[\s,./\\-]*"
DATES = [
    # 12/03/1948, 12.3.48, 12-03-1948, 12 03 1948: the same separator twice; day or month first.
    re.compile(r"(?<![\d/.\\-])(?P<a>\d{1,2})\s*(?P<sep>[/.\\\s-])\s*(?P<b>\d{1,2})\s*(?P=sep)\s*(?P<year>\d{4}|\d{2})(?![\d/.\\-]?\d)"),
    # 1948-03-12, 1948/3/12
    re.compile(r"(?<!\d)(?P<year>\d{4})\s*(?P<sep>[/.\\-])\s*(?P<b>\d{1,2})\s*(?P=sep)\s*(?P<a>\d{1,2})(?!\d)"),
    # 12 March 1948, 12th of March 1948, 12-Mar-48, 12 mar. '48
    re.compile(rf"(?<!\d){_DAY}{_GAP}(?:of\s+)?{_MONTH}{_GAP}{_YEAR}(?!\d)", re.I),
    # March 12, 1948; Mar 12th 1948
    re.compile(rf"\b{_MONTH}{_GAP}{_DAY}{_GAP}{_YEAR}(?!\d)", re.I),
]  # fmt: skip
BIRTH_WORDS = re.compile(r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born|birthday)(?![a-z])", re.I)
# "born 1948", "DOB: 12/3", "d.o.b. 48", "born on the 12th of March": a birth word and, straight
# after it, a year, a day and month, or a number (not "born and raised here, 2 sons").
BIRTH_DATE = re.compile(
    rf"{BIRTH_WORDS.pattern}[\s:=,-]{{0,4}}(?:(?:on|in)\s+)?(?:the\s+)?"
    rf"(?:\d{{1,4}}(?:st|nd|rd|th)?(?:[\s/.\\-]+(?:of\s+)?(?:\d{{1,4}}|{_MONTH_NAMES}))?|(?:{_MONTH_NAMES})\.?\s+\d)",
    re.I,
)

# Titles as written in a name: "Mrs Jane Smith", "Dr. Patel", "MR J SMITH"; and "mr smith" for
# the titles that are no other word ("miss", "ms" and "dr" are: "miss a meal", "ms", "dr to review").
_TITLES = r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Master|Rev|Revd|Sir|Dame"
_CAPITALISED_NAME = r"(?:[A-Z]\.?\s+)?[A-Z][A-Za-z'\u2019-]+(?:\s+[A-Z][A-Za-z'\u2019-]+){0,2}"
NAMES = [
    re.compile(rf"\b(?:{_TITLES})\b\.?\s+{_CAPITALISED_NAME}"),
    # In capitals too, but for MS (multiple sclerosis) and MISS ("DO NOT MISS MEDS").
    re.compile(
        r"\b(?:MR|MRS|MX|DR|PROF|REV|REVD)\b\.?\s+(?:[A-Z]\.?\s+)?[A-Z][A-Z'\u2019-]+(?:\s+[A-Z][A-Z'\u2019-]+){0,2}"
    ),
    re.compile(r"\b(?:mr|mrs|mx)\b\.?\s+[a-z][a-z'\u2019-]+"),
]


@dataclass(frozen=True)
class Found:
    kind: str  # "nhs_number", "date_of_birth" or "name"
    text: str  # as it was written


def find_identifier(text: str) -> Found | None:
    """The first thing in ``text`` that could identify a patient, or None."""
    text = text or ""
    for find in (_nhs_number, _date_of_birth, _name):
        if found := find(text):
            return found
    return None


def _nhs_number(text: str) -> Found | None:
    # Dates first go: "from 12/03/2027-15/03/2027" is no NHS number, though its groups hold ten
    # digits. Not dates written with spaces: "4 1 00" may be the start of "4 1 00 000004".
    today = timezone.localdate()
    for pattern in DATES:
        text = pattern.sub(lambda match, text=text: _blanked(match, today, text), text)
    for match in _GROUPED_DIGITS.finditer(text):
        written = match.group(1)
        if written.startswith("+"):  # an international telephone number
            continue
        groups = _SEPARATOR.split(written)
        # Any run of whole groups holding ten digits: "Ward 12 bay 3 943 476 5919" holds one.
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                digits += groups[last]
                if len(digits) > 10:
                    break
                if len(digits) == 10 and nhs_number.is_valid(digits):
                    return Found("nhs_number", _span_of(written, groups, first, last))
    return None


def _span_of(written: str, groups: list[str], first: int, last: int) -> str:
    start = written.index(groups[first])
    position, end = 0, 0
    for index, group in enumerate(groups):
        position = written.index(group, position)
        if index == last:
            end = position + len(group)
            break
        position += len(group)
    return written[start:end]


def _date_of_birth(text: str) -> Found | None:
    today = timezone.localdate()
    for pattern in DATES:
        for match in pattern.finditer(text):
            when = _date_of(match, today)
            if when is None or _in_a_longer_chain(text, match):
                continue
            before = text[max(0, match.start() - 30) : match.start()]
            if when.year < today.year - 1 or BIRTH_WORDS.search(before):
                return Found("date_of_birth", match.group(0).strip())
    if match := BIRTH_DATE.search(text):
        return Found("date_of_birth", match.group(0).strip())
    return None


def _blanked(match: re.Match, today: datetime.date, text: str) -> str:
    if _is_written_date(match, today) and not _in_a_longer_chain(text, match):
        return "#" * len(match.group(0))
    return match.group(0)


def _is_written_date(match: re.Match, today: datetime.date) -> bool:
    return not (match.groupdict().get("sep") or "/").isspace() and _date_of(match, today) is not None


def _in_a_longer_chain(text: str, match: re.Match) -> bool:
    """Whether a date written with numbers is three groups of a longer chain joined by the same
    separator ("49084 - 2 - 1 - 85 - 4" is an NHS number, not a date)."""
    separator = (match.groupdict().get("sep") or "").strip()
    if not separator:
        return False
    before = text[: match.start()].rstrip()
    after = text[match.end() :].lstrip()
    return (before.endswith(separator) and before[:-1].rstrip()[-1:].isdigit()) or (
        after.startswith(separator) and after[1:].lstrip()[:1].isdigit()
    )


def _date_of(match: re.Match, today: datetime.date) -> datetime.date | None:
    """The date a match names, or None where it names no date (31/02/1948, 13/13/48)."""
    groups = match.groupdict()
    year = int(groups["year"])
    if len(groups["year"]) == 2:
        # Next year's "1/1/27" is a date of need; any later two-digit year is last century's.
        year += 1900 if year > today.year % 100 + 1 else 2000
    if groups.get("month"):
        orders = [(int(groups["day"]), MONTHS[groups["month"].lower().rstrip(".")])]
    else:
        a, b = int(groups["a"]), int(groups["b"])
        orders = [(a, b), (b, a)]  # day first, as written here; or month first, as in the US
    if not 1890 <= year <= today.year + 5:  # "0001-01-07" is part of some other number
        return None
    for day, month in orders:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None


def _name(text: str) -> Found | None:
    for pattern in NAMES:
        if match := pattern.search(text):
            return Found("name", match.group(0))
    return None


MESSAGES = {
    "nhs_number": "Remove the NHS number ({text}): nothing sent to another organisation may identify the patient. "
    'Use your own reference instead, for example "Ward 12 bay 3"',
    "date_of_birth": "Remove the date ({text}): it could be a date of birth. Give the age band instead, for example "
    '"85 and over": nothing sent to another organisation may identify the patient',
    "name": "Remove the name ({text}): nothing sent to another organisation may identify the patient. "
    'Describe needs, not the person, and use your own reference, for example "Ward 12 bay 3"',
}


def refuse_patient_identifiers(text: str) -> str:
    """A form field's validator (and its clean_<field>): ``text`` if it identifies nobody,
    else a ValidationError saying what was found and how to say it instead."""
    if found := find_identifier(text):
        raise ValidationError(MESSAGES[found.kind].format(text=found.text), code=found.kind)
    return text
