"""Refusing what would identify a patient in an enquiry's free text: an NHS number (10
digits, however spaced, that pass the modulus 11 check) or a date of birth (a full date
before this year, or one next to "DOB" or "born"). An enquiry describes needs, never a person."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

# Ten digits, in one run or as 3-3-4 with spaces, dashes or dots between.
TEN_DIGITS = re.compile(r"(?<!\d)(\d{3})[\s.-]?(\d{3})[\s.-]?(\d{4})(?!\d)")
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?!\d)")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
WORDED_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})[a-z]*\.?,?\s+(\d{{4}})(?!\d)", re.I)
BIRTH_WORDS = re.compile(r"\b(d\.?o\.?b\.?|date of birth|born)\b", re.I)


def is_nhs_number(digits: str) -> bool:
    """The modulus 11 check of an NHS number (the 10th digit is the check digit)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _year(text: str) -> int:
    year = int(text)
    return year + (1900 if year > timezone.localdate().year % 100 else 2000) if year < 100 else year


def _dates(text: str):
    for match in NUMERIC_DATE.finditer(text):
        yield match, _year(match.group(3))
    for match in ISO_DATE.finditer(text):
        yield match, int(match.group(1))
    for match in WORDED_DATE.finditer(text):
        yield match, int(match.group(3))


def looks_identifying(text: str) -> str | None:
    """Why ``text`` could identify a patient, or None."""
    for match in TEN_DIGITS.finditer(text or ""):
        if is_nhs_number("".join(match.groups())):
            return "nhs_number"
    this_year = timezone.localdate().year
    for match, year in _dates(text or ""):
        near = text[max(0, match.start() - 25) : match.start()]
        if year < this_year - 1 or BIRTH_WORDS.search(near):
            return "date_of_birth"
    if BIRTH_WORDS.search(text or "") and re.search(r"\d", text or ""):
        return "date_of_birth"
    return None


MESSAGES = {
    "nhs_number": "Remove the NHS number: enquiries never hold anything that identifies the patient",
    "date_of_birth": "Remove the date: it could be a date of birth. Give the age band instead: enquiries never "
    "hold anything that identifies the patient",
}


def refuse_identifying(text: str) -> str:
    """A form's clean_<field>: the text, or a ValidationError saying what to remove."""
    if reason := looks_identifying(text):
        raise ValidationError(MESSAGES[reason], code=reason)
    return text
