"""A provider's returns for all its care homes and home-care agencies from one CSV: all or nothing.

The columns are the template's (``template_rows``): the location's CQC location ID, its name
(for people; not read), and one column per question asked this month of the kinds of location
the person answers for, named by the question's key (a care home's row leaves the agencies'
columns empty, and the other way round). Every row is checked as the form checks one
location; a file with any problem (an unknown column or location, a column its rows' kind
needs missing, a location the person does not answer for, a number that is not one, an answer
to a question its kind is not asked, the same location twice) saves nothing and lists each
problem with its row.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from homes.cqc import normalise_cqc_id
from returns import definition
from returns.models import MonthlyReturn
from returns.submissions import Closed, Conflict, Refused, live_beds, prefilled, problems, submit
from returns.window import Window

ID, NAME = "cqc_location_id", "name"


@dataclass
class Checked:
    rows: list[tuple] = field(default_factory=list)  # (home, answers, version)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, what is wrong)


def columns(window: Window, kinds) -> list[str]:
    """The file's columns for locations of ``kinds``."""
    return [ID, NAME, *(question.key for question in definition.questions_of_any_kind(window.month, kinds))]


def template_rows(homes, window: Window, header: list[str]) -> list[list]:
    """The template: a row per location, filled with this month's answers, else last month's."""
    rows = []
    for home in homes:
        _, answers = prefilled(home, window.month)
        rows.append([home.cqc_location_id, home.name, *(answers.get(key, "") for key in header[2:])])
    return rows


def _number(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text.isdigit() else None


def _answer(question: definition.Question, text: str) -> tuple[object, str | None]:
    """A cell's answer to ``question``, and what is wrong with it (None: nothing)."""
    if question.kind == definition.COUNT:
        value = _number(text)
        return (
            value,
            None if value is not None else f"“{question.label}” must be a whole number, 0 or more (it is “{text}”)",
        )
    labels = {label.lower(): value for value, label in question.choices}
    value = text if text in dict(question.choices) else labels.get(text.lower())
    choices = ", ".join(value for value, _ in question.choices)
    return value, None if value is not None else f"“{question.label}” must be one of {choices} (it is “{text}”)"


def check(text: str, homes, window: Window, kinds) -> Checked:
    """``homes``: those the person may answer for, by CQC location ID; ``kinds``: their kinds."""
    checked = Checked()
    reader = csv.reader(io.StringIO(text))
    try:
        header = [heading.strip() for heading in next(reader)]
        body = list(reader)
    except StopIteration:
        checked.problems.append((1, "The file is empty"))
        return checked
    except csv.Error as error:
        checked.problems.append((reader.line_num, f"This line is not CSV we can read ({error})"))
        return checked
    known = set(columns(window, kinds))
    unknown = [heading for heading in header if heading and heading not in known]
    if unknown:
        checked.problems.append((1, f"Columns we do not know: {', '.join(unknown)}. Use the template's columns"))
    if ID not in header:
        checked.problems.append((1, f"Columns missing: {ID}"))
    if checked.problems:
        return checked
    position = {heading: index for index, heading in enumerate(header)}
    found, seen = [], set()
    for number, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {heading: row[index].strip() if index < len(row) else "" for heading, index in position.items()}
        location = normalise_cqc_id(cell[ID])
        home = homes.get(location) if location else None
        if home is None:
            checked.problems.append(
                (number, f"“{cell[ID]}” is not a {definition.noun(1, kinds)} whose return you answer")
            )
        elif location in seen:
            checked.problems.append((number, f"{home.name} ({location}) is in the file more than once"))
        else:
            seen.add(location)
            found.append((number, home, cell))
    # Every question a kind in the file is asked needs its column (the other kind's may be left out).
    missing = [key for key in columns(window, {home.kind for _, home, _ in found})[2:] if key not in position]
    if missing:
        checked.problems.insert(0, (1, f"Columns missing: {', '.join(missing)}"))
        return checked
    for number, home, cell in found:
        asked = {question.key: question for question in definition.questions_for(window.month, home.kind)}
        answers, bad = {}, []
        for key, question in asked.items():
            answers[key], problem = _answer(question, cell[key])
            if problem:
                bad.append(problem)
        kind_words = definition.noun(2, {home.kind})
        bad += [f"“{definition.BY_KEY[key].label}” is not asked of {kind_words}: leave it empty"
                for key in position if key in definition.BY_KEY and key not in asked and cell[key]]  # fmt: skip
        if not bad:
            bad = list(problems(home, answers, window.month, live_beds(home)).values())
        if bad:
            checked.problems.extend((number, f"{home.name}: {problem}") for problem in bad)
            continue
        current = MonthlyReturn.objects.filter(home=home, month=window.month).only("version").first()
        checked.rows.append((home, answers, current.version if current else 0))
    if not checked.rows and not checked.problems:
        checked.problems.append((2, f"The file has no {definition.noun(2, kinds)} in it"))
    return checked


def save(checked: Checked, user) -> int:
    """Submit every row, or none (a row someone changed meanwhile, or a window that closed,
    undoes the lot)."""
    with transaction.atomic():
        for home, answers, version in checked.rows:
            submit(home, answers, user=user, via=MonthlyReturn.Via.CSV, loaded_version=version)
    return len(checked.rows)


ABORTS = (Closed, Conflict, Refused)
