"""The monthly return, as the national collection's notice defines it: every question, its
group, who answers it, the months it is asked in and its checks, stated here once. The form,
the CSV upload and its template, the national extract, the API and the council's figures are
all made from this list, so a change in the notice is an edit here (and, where answers
already given must be carried over or renamed, a data migration).

Beds are not asked: they come from the home's live figures when the return is submitted.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

CARE_HOME = "care_home"
HOME_CARE = "home_care"

# The answers a question can take: a whole number from 0, or one of its choices.
COUNT, CHOICE = "count", "choice"

# Staff per registered bed beyond which a headcount is a typing slip, not a home.
MOST_STAFF_PER_BED = 20


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

    def is_asked(self, month: datetime.date, kind: str = CARE_HOME) -> bool:
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
    ),
    Question(
        "covid_vaccinated",
        VACCINATION,
        "Staff given this campaign's COVID-19 vaccine",
        asked_in=_covid_campaign,
        at_most=("direct_nurses", "direct_care_staff", "direct_other_staff"),
    ),
    Question("visiting", VISITING, "Can residents have visitors?", kind=CHOICE, choices=VISITING_CHOICES),
    # Home-care agencies' questions: asked once agencies answer returns in the portal.
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


def questions_for(month: datetime.date, kind: str = CARE_HOME) -> list[Question]:
    """The questions asked of ``kind`` for ``month``, in the notice's order."""
    return [question for question in QUESTIONS if question.is_asked(month, kind)]


def groups_for(month: datetime.date, kind: str = CARE_HOME) -> list[tuple[str, list[Question]]]:
    groups: dict[str, list[Question]] = {}
    for question in questions_for(month, kind):
        groups.setdefault(question.group, []).append(question)
    return list(groups.items())


def problems(answers: dict, month: datetime.date, *, beds: int, kind: str = CARE_HOME) -> dict[str, str]:
    """What is wrong with ``answers`` (already whole numbers or choices) as a return for
    ``month``: question key -> message. ``beds``: the home's registered beds, or its capacity."""
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
                    f"“{question.label}” is more than the staff you employ directly ({limit}): count each person once"
                )
    staff_limit = MOST_STAFF_PER_BED * max(beds, 1)
    counted = [key for key in HEADCOUNTS if BY_KEY[key].is_asked(month, kind) and key not in found]
    if counted and sum(answers[key] for key in counted) > staff_limit:
        found[counted[0]] = (
            f"That is more than {MOST_STAFF_PER_BED} staff for each of the home's {max(beds, 1)} beds: "
            "check each headcount"
        )
    return found
