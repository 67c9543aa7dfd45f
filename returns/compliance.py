"""Who has answered, and who is at risk of a penalty notice.

The national rule: a provider that misses 3 months in a row, or 4 in any 12, can be issued a
penalty notice. A month is missed when its window closed with no return from the location (a
care home or a home-care agency: the rule is the same for both). Only
closed windows count (this month's is still open), and only those a home could answer: its
window opened after the home joined the portal.

- **Over the line**: 3 missed in a row, or 4 missed, in the last 12 closed months.
- **At risk**: not over the line, but the last 2 closed months were missed (one more makes 3 in
  a row) or 3 of the last 12 were (one more makes 4).
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from registers.choices import LocationKind
from registers.models import Provider
from returns.definition import CARE_HOME, HOME_CARE
from returns.models import MonthlyReturn
from returns.window import closed_months, window_for

LOOK_BACK = 12
OVER, AT_RISK, OK = "over", "at_risk", "ok"


def status(missed: list[bool]) -> str:
    """``missed``: one flag per closed month the home could answer, newest first (at most 12)."""
    missed = missed[:LOOK_BACK]
    longest = run = 0
    for flag in missed:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    total = sum(missed)
    if longest >= 3 or total >= 4:
        return OVER
    if missed[:2] == [True, True] or total >= 3:
        return AT_RISK
    return OK


@dataclass
class HomeStanding:
    home_id: int
    name: str
    cqc_location_id: str
    provider_id: int
    provider: str
    council: str
    kind: str = CARE_HOME
    missed: list[datetime.date] = field(default_factory=list)  # newest first
    counted: int = 0  # closed months it could answer, of the last 12
    status: str = OK
    answered_this_month: bool = False  # the month ``standings`` was asked about (open or closed)

    @property
    def is_agency(self) -> bool:
        return self.kind == HOME_CARE

    @property
    def kind_label(self) -> str:
        return LocationKind(self.kind).label

    @property
    def missed_words(self) -> str:
        return ", ".join(f"{month:%B %Y}" for month in self.missed)


def standings(homes, today: datetime.date | None = None, this_month: datetime.date | None = None) -> list[HomeStanding]:
    """Each location's record over the last 12 closed months, and whether it has answered
    ``this_month``. ``homes``: a queryset of care homes, home-care agencies or both (the rule
    is the same for every kind). One query."""
    today = today or timezone.localdate()
    months = closed_months(today, LOOK_BACK)
    asked = [*months, this_month] if this_month else months
    # One statement: each location with the months it answered (by the unique index on home and
    # month) and its provider's name looked up by key (a join read every provider to hash them).
    rows = homes.values(
        "pk", "name", "cqc_location_id", "provider_id", "kind", council=F("local_authority__name"),
        joined=TruncDate("created_at"),
        provider_name=Subquery(Provider.objects.filter(pk=OuterRef("provider_id")).order_by().values("name")),
        answered=ArraySubquery(MonthlyReturn.objects.filter(home=OuterRef("pk"), month__in=asked).values("month")),
    )  # fmt: skip
    found = list(rows)
    opened = {month: window_for(month).opens for month in months}
    result = []
    for row in found:
        joined, theirs = row["joined"], set(row["answered"])
        could = [month for month in months if opened[month] >= joined]
        flags = [month not in theirs for month in could]
        result.append(HomeStanding(
            row["pk"], row["name"], row["cqc_location_id"], row["provider_id"], row["provider_name"], row["council"],
            kind=row["kind"], missed=[month for month, flag in zip(could, flags, strict=True) if flag],
            counted=len(could), status=status(flags), answered_this_month=this_month in theirs,
        ))  # fmt: skip
    return result
