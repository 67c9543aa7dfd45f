import datetime

from django.utils import timezone

from vacancies.models import BedHold
from vacancies.updates import save_vacancies

CATEGORY_DEFAULTS = {
    "capacity": 20,
    "occupied": 15,
    "vacant_accepting": 3,
    "vacant_unavailable": 2,
    "unavailable_reason": "staffing",
    "sex": "any",
    "closed": False,
    "closed_reason": "",
    "reopening_date": None,
}
OPEN_HOME = {"closed_to_admissions": False, "closed_reason": "", "reopening_date": None}


def give_figures(home, user=None, version=0, **categories):
    """Save figures for a home through the real code path: nursing=dict(...)."""
    categories = categories or {"nursing": {}}
    values = {}
    for name, overrides in categories.items():
        row = {**CATEGORY_DEFAULTS, **overrides}
        if "occupied" not in overrides:  # the rest of the beds are occupied
            row["occupied"] = row["capacity"] - row["vacant_accepting"] - row["vacant_unavailable"]
        values[name] = row
    return save_vacancies(home, user, loaded_version=version, categories=values, home_values=OPEN_HOME)


def form_post(version, home_values=None, **categories):
    """POST data for the update page."""
    data = {"version": version}
    for category, values in categories.items():
        for name, value in {**CATEGORY_DEFAULTS, **values}.items():
            if value is None or value is False:
                continue
            data[f"{category}-{name}"] = "on" if value is True else value
    for name, value in (home_values or {}).items():
        data[name] = "on" if value is True else value
    return data


def hold_bed(home, hours: float, category: str = "nursing", outcome=BedHold.Outcome.HELD) -> BedHold:
    """A bed hold until ``hours`` from now (made an hour before, or before it lapsed), written
    straight to the table: for what reads holds, not for the flows that make them."""
    until = timezone.now() + datetime.timedelta(hours=hours)
    return BedHold.objects.create(home=home, category=category, held_for="Ward 3", held_until=until,
                                  created_at=min(until, timezone.now()) - datetime.timedelta(hours=1), outcome=outcome,
                                  ended_at=None if outcome == BedHold.Outcome.HELD else timezone.now())  # fmt: skip
