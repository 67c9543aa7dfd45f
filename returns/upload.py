"""A provider's returns for all its homes from one CSV: all or nothing.

The columns are the template's (``template_rows``): the home's CQC location ID, its name
(for people; not read), and one column per question asked this month, named by the
question's key. Every row is checked as the form checks one home; a file with any problem
(an unknown column or location, a home the person does not answer for, a number that is not
one, the same home twice) saves nothing and lists each problem with its row.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from homes.cqc import normalise_cqc_id
from returns import definition
from returns.models import MonthlyReturn
from returns.submissions import Closed, Conflict, Refused, live_beds, staff_limit_beds, submit
from returns.window import Window

ID, NAME = "cqc_location_id", "name"


@dataclass
class Checked:
    rows: list[tuple] = field(default_factory=list)  # (home, answers, version)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, what is wrong)


def columns(window: Window) -> list[str]:
    return [ID, NAME, *(question.key for question in definition.questions_for(window.month))]


def template_rows(homes, window: Window) -> list[list]:
    """The template: a row per home, filled with this month's answers, else last month's."""
    from returns.submissions import prefilled

    rows = []
    for home in homes:
        _, answers = prefilled(home, window.month)
        rows.append([home.cqc_location_id, home.name, *(answers.get(key, "") for key in columns(window)[2:])])
    return rows


def _number(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text.isdigit() else None


def check(text: str, homes, window: Window) -> Checked:
    """``homes``: those the person may answer for, by CQC location ID."""
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
    asked = {question.key: question for question in definition.questions_for(window.month)}
    unknown = [heading for heading in header if heading and heading not in (ID, NAME, *asked)]
    missing = [key for key in (ID, *asked) if key not in header]
    if unknown:
        checked.problems.append((1, f"Columns we do not know: {', '.join(unknown)}. Use the template's columns"))
    if missing:
        checked.problems.append((1, f"Columns missing: {', '.join(missing)}"))
    if unknown or missing:
        return checked
    position = {heading: index for index, heading in enumerate(header)}
    seen: set[str] = set()
    for number, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {heading: row[index].strip() if index < len(row) else "" for heading, index in position.items()}
        location = normalise_cqc_id(cell[ID])
        home = homes.get(location) if location else None
        if home is None:
            checked.problems.append((number, f"“{cell[ID]}” is not a home whose return you answer"))
            continue
        if location in seen:
            checked.problems.append((number, f"{home.name} ({location}) is in the file more than once"))
            continue
        seen.add(location)
        answers, bad = {}, []
        for key, question in asked.items():
            if question.kind == definition.COUNT:
                answers[key] = _number(cell[key])
                if answers[key] is None:
                    bad.append(f"“{question.label}” must be a whole number, 0 or more (it is “{cell[key]}”)")
            else:
                labels = {label.lower(): value for value, label in question.choices}
                answers[key] = cell[key] if cell[key] in dict(question.choices) else labels.get(cell[key].lower())
                if answers[key] is None:
                    choices = ", ".join(value for value, _ in question.choices)
                    bad.append(f"“{question.label}” must be one of {choices} (it is “{cell[key]}”)")
        if not bad:
            beds = staff_limit_beds(home, live_beds(home))
            bad = list(definition.problems(answers, window.month, beds=beds).values())
        if bad:
            checked.problems.extend((number, f"{home.name}: {problem}") for problem in bad)
            continue
        current = MonthlyReturn.objects.filter(home=home, month=window.month).only("version").first()
        checked.rows.append((home, answers, current.version if current else 0))
    if not checked.rows and not checked.problems:
        checked.problems.append((2, "The file has no homes in it"))
    return checked


def save(checked: Checked, user) -> int:
    """Submit every row, or none (a row someone changed meanwhile, or a window that closed,
    undoes the lot)."""
    with transaction.atomic():
        for home, answers, version in checked.rows:
            submit(home, answers, user=user, via=MonthlyReturn.Via.CSV, loaded_version=version)
    return len(checked.rows)


ABORTS = (Closed, Conflict, Refused)
