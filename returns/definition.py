"""The monthly return, as the national collection's notice defines it: every question, its
group, who answers it, the months it is asked in and its checks, stated here once. The form,
the CSV upload and its template, the national extract, the API and the council's figures are
all made from this list, so a change in the notice is an edit here (and, where answers
already given must be carried over or renamed, a data migration).

Each kind of location answers its own questions (``Question.answered_by``): care homes the
workforce, vaccination and visiting, home-care agencies the people they support, their care
workers and hours. Beds are not asked: they come from a care home's live figures when the
return is submitted; an agency has no beds.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from registers.choices import LocationKind

CARE_HOME = LocationKind.CARE_HOME
HOME_CARE = LocationKind.HOME_CARE_AGENCY
KINDS = (CARE_HOME, HOME_CARE)
# What each kind is called in a sentence about how many answered: one, several.
NOUNS = {CARE_HOME: ("home", "homes"), HOME_CARE: ("home-care agency", "home-care agencies")}


def kinds_among(total: int, agencies: int) -> set[str]:
    """The kinds among ``total`` locations of which ``agencies`` are home-care agencies."""
    return {kind for kind, count in ((CARE_HOME, total - agencies), (HOME_CARE, agencies)) if count}


def noun(count: int, kinds) -> str:
    """How a count of locations of ``kinds`` is named: "homes", "home-care agency", or, for
    both kinds, "homes and agencies" ("home or agency" for one)."""
    kinds = [kind for kind in KINDS if kind in set(kinds)] or [CARE_HOME]
    if len(kinds) == 1:
        return NOUNS[kinds[0]][count != 1]
    return "home or agency" if count == 1 else "homes and agencies"


# The answers a question can take: a whole number from 0, or one of its choices.
COUNT, CHOICE = "count", "choice"

# Beyond these a figure is a typing slip, not a location: staff for each registered bed (a
# care home), people supported by each care worker and hours a week from each (an agency).
MOST_STAFF_PER_BED = 20
MOST_PEOPLE_PER_CARE_WORKER = 20
MOST_HOURS_PER_CARE_WORKER = 70


def _flu_season(month: datetime.date) -> bool:
    return month.month in (10, 11, 12, 1, 2, 3)


def _covid_campaign(month: datetime.date) -> bool:
    """The autumn and spring COVID-19 booster campaigns for care home staff and residents."""
    return month.month in (10, 11, 12, 4, 5, 6)


@dataclass(frozen=True)
class Question:
    key: str  # the answer's name in the database, the CSV and the API: never reused for another meaning
    group: str
    label: str
    hint: str = ""
    kind: str = COUNT
    choices: tuple[tuple[str, str], ...] = ()
    answered_by: frozenset[str] = frozenset({CARE_HOME})
    asked_in: Callable[[datetime.date], bool] | None = None  # None: every month
    at_most: tuple[str, ...] = ()  # a count that cannot exceed the sum of these answers
    at_most_words: str = ""  # what those answers are, for the message

    def is_asked(self, month: datetime.date, kind: str) -> bool:
        return kind in self.answered_by and (self.asked_in is None or self.asked_in(month))


DIRECT = "Staff you employ directly (headcount on the 8th)"
AGENCY = "Agency and bank staff (headcount working for you in the last week)"
VACCINATION = "Vaccination of the staff you employ directly"
VISITING = "Visiting"
PEOPLE = "People you support"
WORKERS = "Care workers"
HOURS = "Hours of care"

VISITING_CHOICES = (
    ("open", "Visitors can come without restrictions"),
    ("restricted", "Visitors can come, with some restrictions"),
    ("essential_only", "Essential visits only (for example end of life)"),
    ("closed", "Closed to visitors (for example an outbreak)"),
)

QUESTIONS = [
    Question("direct_nurses", DIRECT, "Registered nurses"),
    Question("direct_care_staff", DIRECT, "Care staff", "Care workers, senior care workers, nursing assistants"),
    Question("direct_other_staff", DIRECT, "Non-care staff", "Managers, cooks, cleaners, maintenance, administration"),
    Question("agency_nurses", AGENCY, "Registered nurses"),
    Question("agency_care_staff", AGENCY, "Care staff"),
    Question("agency_other_staff", AGENCY, "Non-care staff"),
    Question(
        "flu_vaccinated",
        VACCINATION,
        "Staff vaccinated against flu this season",
        asked_in=_flu_season,
        at_most=("direct_nurses", "direct_care_staff", "direct_other_staff"),
        at_most_words="the staff you employ directly",
    ),
    Question(
        "covid_vaccinated",
        VACCINATION,
        "Staff given this campaign's COVID-19 vaccine",
        asked_in=_covid_campaign,
        at_most=("direct_nurses", "direct_care_staff", "direct_other_staff"),
        at_most_words="the staff you employ directly",
    ),
    Question("visiting", VISITING, "Can residents have visitors?", kind=CHOICE, choices=VISITING_CHOICES),
    # Home-care agencies' questions.
    Question(
        "people_funded",
        PEOPLE,
        "People whose care is funded by a council or the NHS",
        answered_by=frozenset({HOME_CARE}),
    ),
    Question("people_self_funded", PEOPLE, "People who pay for their own care", answered_by=frozenset({HOME_CARE})),
    Question("care_workers", WORKERS, "Care workers you employ", answered_by=frozenset({HOME_CARE})),
    Question(
        "care_workers_absent",
        WORKERS,
        "Care workers absent today (sickness, isolation)",
        answered_by=frozenset({HOME_CARE}),
        at_most=("care_workers",),
        at_most_words="the care workers you employ",
    ),
    Question("hours_delivered", HOURS, "Hours of care delivered last week", answered_by=frozenset({HOME_CARE})),
    Question(
        "extra_hours_possible", HOURS, "More hours a week you could take on now", answered_by=frozenset({HOME_CARE})
    ),
]
BY_KEY = {question.key: question for question in QUESTIONS}
HEADCOUNTS = ("direct_nurses", "direct_care_staff", "direct_other_staff", "agency_nurses", "agency_care_staff",
              "agency_other_staff")  # fmt: skip

# The bed figures a care home's return carries, from its live figures (vacancies/): name, label.
BEDS = (
    ("capacity", "Maximum capacity (beds)"),
    ("occupied", "Occupied"),
    ("vacant_reserved", "Vacant, reserved or not available"),
    ("vacant_accepting", "Vacant, accepting admissions"),
)


PER_BED = "beds"  # a ceiling's ``per``: the home's registered beds, else its capacity


@dataclass(frozen=True)
class Ceiling:
    """Answers of one kind of location that together cannot be more than ``most`` for each of
    something it has (its beds, or the answer to the question ``per``): beyond it a figure is a
    typing slip. The message goes by the first of ``keys``."""

    kind: str
    keys: tuple[str, ...]
    most: int
    per: str
    message: str  # with {most} and {count}


CEILINGS = [
    Ceiling(CARE_HOME, HEADCOUNTS, MOST_STAFF_PER_BED, PER_BED,
            "That is more than {most} staff for each of the home's {count} beds: check each headcount"),
    Ceiling(HOME_CARE, ("people_funded", "people_self_funded"), MOST_PEOPLE_PER_CARE_WORKER, "care_workers",
            "That is more than {most} people for each of your {count} care workers: check the people you support "
            "and the care workers you employ"),
    Ceiling(HOME_CARE, ("hours_delivered", "extra_hours_possible"), MOST_HOURS_PER_CARE_WORKER, "care_workers",
            "That is more than {most} hours a week for each of your {count} care workers: check the hours"),
]  # fmt: skip


def questions_for(month: datetime.date, kind: str) -> list[Question]:
    """The questions asked of ``kind`` (a location's kind) for ``month``, in the notice's order."""
    return [question for question in QUESTIONS if question.is_asked(month, kind)]


def questions_of_any_kind(month: datetime.date, kinds=KINDS) -> list[Question]:
    """The questions asked of any of ``kinds`` for ``month``, in the notice's order: the columns
    of a file or extract with rows of several kinds."""
    return [question for question in QUESTIONS if any(question.is_asked(month, kind) for kind in kinds)]


def groups_for(month: datetime.date, kind: str) -> list[tuple[str, list[Question]]]:
    groups: dict[str, list[Question]] = {}
    for question in questions_for(month, kind):
        groups.setdefault(question.group, []).append(question)
    return list(groups.items())


def problems(answers: dict, month: datetime.date, *, kind: str, beds: int = 0) -> dict[str, str]:
    """What is wrong with ``answers`` (already whole numbers or choices) as ``kind``'s return
    for ``month``: question key -> message. ``beds``: a care home's registered beds, or its
    capacity (an agency has none)."""
    found: dict[str, str] = {}
    asked = questions_for(month, kind)
    for question in asked:
        value = answers.get(question.key)
        if value is None:
            found[question.key] = f"Answer “{question.label}”"
        elif question.kind == COUNT and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            found[question.key] = f"“{question.label}” must be a whole number, 0 or more"
        elif question.kind == CHOICE and value not in dict(question.choices):
            found[question.key] = f"Choose an answer for “{question.label}”"
    for question in asked:
        if question.at_most and question.key not in found:
            limit = sum(answers.get(key) or 0 for key in question.at_most if key not in found)
            if answers[question.key] > limit:
                found[question.key] = (
                    f"“{question.label}” is more than {question.at_most_words} ({limit}): count each person once"
                )
    for ceiling in CEILINGS:
        if ceiling.kind != kind or ceiling.per in found:
            continue
        count = max(beds if ceiling.per == PER_BED else answers.get(ceiling.per) or 0, 1)
        counted = [key for key in ceiling.keys if BY_KEY[key].is_asked(month, kind) and key not in found]
        if counted and sum(answers[key] for key in counted) > ceiling.most * count:
            found[counted[0]] = ceiling.message.format(most=ceiling.most, count=count)
    return found
