"""A year of home-care package requests for the synthetic dataset (issue 26, ADR 025): about a
quarter of delayed discharges wait for home care, so beside the 100,000 bed enquiries a year
nationally there are 30,000 package requests, and 600 open from the last two days. Each is
from one of the dataset's discharge teams, for a postcode district of the team's council that
agencies cover, sent to the market (3 to 12 of the agencies covering it). Most are placed within
days; about one in five is never placed (withdrawn: the hours unmet). Placed ones' hours came off
capacity then; the agencies' capacity now is the dataset's (demo/agency_dataset.py).

Made once, after the bed enquiries (demo/enquiries.py: the teams): a dataset that has package
requests is left as it is; ``enquiries.clear`` removes them with the bed enquiries.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Membership, Role, Team
from demo.bulk import copy_rows
from demo.enquiries import NATIONAL_HOMES, TEAM_PREFIX
from enquiries.models import DECLINE_REASONS, CallTime, Enquiry, Funding, Kind, Package, Referral, Status
from homecare.models import Care, CoveredDistrict
from registers.models import CareHome
from tracker.sql import table

CLOSED = 30_000  # at national scale: a smaller dataset has its share
OPEN = 600
PLACED_SHARE = 0.8
HOURS = [Decimal(h) for h in ("3.5", "5.25", "7", "7", "10.5", "10.5", "14", "14", "17.5", "21", "28", "35")]
NEEDS = [
    "Walks with a frame; key safe at the front door.", "Lives alone; needs help to wash and dress.",
    "Catheter care; a ground-floor flat.", "Mild dementia; prompts with medication.",
    "Going home after a hip fracture; shower transfers with two.", "Diabetic; meals prepared at each call.",
]  # fmt: skip
REASONS = [reason for reason in DECLINE_REASONS[Kind.PACKAGE] if reason != "other"]
FUNDING = [value for value in Funding.values if value != Funding.FNC]


def fill(stdout, seed: int, email_domain: str) -> None:
    if Enquiry.objects.filter(is_synthetic=True, kind=Kind.PACKAGE).exists():
        return
    teams = list(Team.objects.filter(is_synthetic=True, name__startswith=TEAM_PREFIX).order_by("pk"))
    if not teams:
        return
    rng = random.Random(seed + 2026)
    # A team works in the council whose homes its bed enquiries went to most.
    council_of = {}
    for row in (
        Referral.objects.filter(enquiry__team__in=teams).values("enquiry__team", "home__local_authority")
        .annotate(n=Count("id")).order_by("enquiry__team", "-n")
    ):  # fmt: skip
        council_of.setdefault(row["enquiry__team"], row["home__local_authority"])
    covering = defaultdict(list)  # (council, district) -> agencies covering it
    for agency, district, council in CoveredDistrict.objects.filter(
        agency__is_synthetic=True, agency__email__endswith="@" + email_domain, agency__status="active"
    ).values_list("agency_id", "district_id", "district__local_authority_id"):
        covering[(council, district)].append(agency)
    districts = defaultdict(list)  # council -> districts with agencies
    for council, district in sorted(covering):
        districts[council].append(district)
    teams = [team for team in teams if districts.get(council_of.get(team.pk))]
    if not teams:
        return
    user_of_team = dict(
        Membership.objects.filter(role=Role.COORDINATOR, team__in=teams).values_list("team_id", "user_id")
    )
    agencies = CareHome.locations.filter(is_synthetic=True, kind="home_care_agency", email__endswith="@" + email_domain)
    share = min(1.0, CareHome.objects.filter(is_synthetic=True, email__endswith="@" + email_domain).count()
                / NATIONAL_HOMES)  # fmt: skip
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table(Enquiry)}")  # noqa: S608
        enquiry_id = cursor.fetchone()[0]
    enquiries, packages, referrals = [], [], []

    def one(is_open: bool) -> None:
        nonlocal enquiry_id
        team = rng.choice(teams)
        council = council_of[team.pk]
        district = rng.choice(districts[council])
        asked = rng.sample(covering[(council, district)], min(len(covering[(council, district)]), rng.randint(3, 12)))
        hours = rng.choice(HOURS)
        if is_open:
            created = now - datetime.timedelta(minutes=rng.randint(5, 48 * 60))
        else:
            created = now - datetime.timedelta(days=rng.uniform(3, 365))
        placed = not is_open and rng.random() < PLACED_SHARE
        # Most are placed within a day or two; some take most of a week.
        closed_at = None if is_open else created + datetime.timedelta(hours=rng.choice([4, 8, 20, 30, 48, 96, 150]) *
                                                                          rng.uniform(0.5, 1.0))  # fmt: skip
        state = Enquiry.State.OPEN if is_open else Enquiry.State.PLACED if placed else Enquiry.State.WITHDRAWN
        start = (created + datetime.timedelta(days=rng.choice([1, 1, 2, 3, 7]))).date()
        enquiries.append((
            enquiry_id, Kind.PACKAGE, team.pk, user_of_team.get(team.pk), created, f"Ward {rng.randint(1, 40)} bay "
            f"{rng.randint(1, 8)}", "", "", "", "", rng.choice(FUNDING), start, rng.choice(NEEDS),
            f"{team.name} 0113 496 0000", created + datetime.timedelta(hours=team.reply_within_hours), state,
            closed_at, True,
        ))  # fmt: skip
        calls = rng.choice([1, 2, 2, 3, 4, 4])
        times = sorted(rng.sample(CallTime.values, calls), key=CallTime.values.index)
        care = [Care.PERSONAL_CARE] + ([Care.DEMENTIA] if rng.random() < 0.3 else [])
        packages.append((enquiry_id, district, hours, calls, times, 2 if rng.random() < 0.15 else 1, care, True))
        placed_with = rng.choice(asked) if placed else None
        for agency in asked:
            answered = created + datetime.timedelta(minutes=rng.randint(15, 10 * 60))
            if is_open:
                answered = max(created, min(answered, now - datetime.timedelta(minutes=1)))
            status, reason, offered = Status.CANCELLED, "", None
            if is_open:
                status = rng.choices([Status.REQUESTED, Status.RECEIVED, Status.ACCEPTED, Status.REJECTED],
                                     [40, 20, 15, 25])[0]  # fmt: skip
            elif agency == placed_with:
                status = Status.COMPLETED
            elif rng.random() < 0.6:
                status = Status.REJECTED
            if status == Status.REJECTED:
                reason = rng.choice(REASONS)
            if status in (Status.ACCEPTED, Status.COMPLETED) or (status == Status.CANCELLED and rng.random() < 0.2):
                offered = hours if rng.random() < 0.8 else max(Decimal("0.25"), hours / 2 - hours / 2 % Decimal("0.25"))
            replied = status in (Status.ACCEPTED, Status.COMPLETED, Status.REJECTED) or offered is not None
            referrals.append((
                enquiry_id, agency, status, created, answered if status != Status.REQUESTED else None,
                answered if replied else None, offered, start if offered is not None else None, reason, "",
                closed_at if status in (Status.CANCELLED, Status.COMPLETED) else None,
            ))  # fmt: skip
        enquiry_id += 1

    closed, still_open = round(CLOSED * share), max(1, round(OPEN * share))
    for _ in range(closed):
        one(is_open=False)
    for _ in range(still_open):
        one(is_open=True)
    with transaction.atomic():
        copy_rows(Enquiry, ["id", "kind", "team_id", "created_by_id", "created_at", "reference", "category", "sex",
                            "age_band", "pathway", "funding", "needed_from", "care_needs", "contact", "reply_by",
                            "state", "closed_at", "is_synthetic"], enquiries)  # fmt: skip
        copy_rows(Package, ["enquiry_id", "district_id", "hours_a_week", "calls_a_day", "call_times",
                            "carers_per_call", "care_needed", "to_market"], packages)  # fmt: skip
        copy_rows(Referral, ["enquiry_id", "home_id", "status", "sent_at", "received_at", "answered_at",
                             "offered_hours", "offered_start", "decline_reason", "decline_note", "closed_at"],
                  referrals)  # fmt: skip
    with connection.cursor() as cursor:
        for model in (Enquiry, Package, Referral):
            cursor.execute(f"ANALYZE {table(model)}")
    stdout.write(
        f"  {closed:,} closed and {still_open:,} open home-care package requests to {agencies.count():,} agencies, "
        f"{len(referrals):,} referrals."
    )
