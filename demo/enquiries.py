"""Discharge teams and a year of enquiries for the synthetic dataset (demo/management/
commands/build_dataset.py): 40 hospital teams, each working in one council, with the
dataset's 200 coordinators shared between them; 100,000 closed enquiries over the year
and 2,000 open ones from the last two days, each to 1 to 5 of the council's homes.
Open enquiries' accepted answers hold real vacant beds (the database's trigger checks
each one), so search, the home pages and the dashboards count them as the product does.

Everything is marked synthetic (teams and enquiries) and made once: a dataset that
already has its enquiries is left as it is.
"""

import datetime
import random
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Role, Team
from demo.bulk import copy_rows as _copy
from enquiries.models import AgeBand, DeclineReason, Enquiry, Funding, Pathway, Referral, Status
from registers.models import CareHome
from tracker.sql import table
from vacancies.models import BedHold, CategoryVacancy

TEAMS = 40
CLOSED = 100_000  # at national scale (15,500 homes): a smaller dataset has its share
OPEN = 2_000
NATIONAL_HOMES = 15_500
TEAM_PREFIX = "Dataset discharge hub "
NEEDS = [
    "Needs two carers to transfer; hoist.", "Mild dementia, walks with a frame, continent.",
    "PEG fed; needs nursing overnight.", "Recovering from a hip fracture; weight-bearing as tolerated.",
    "Anxious at night; has fallen twice at home.", "Insulin twice a day; pressure care.",
]  # fmt: skip
REASONS = [DeclineReason.NO_VACANCY, DeclineReason.CARE_NEEDS, DeclineReason.FUNDING, DeclineReason.STAFFING,
           DeclineReason.LOCATION]  # fmt: skip


def _next_id(cursor, model) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table(model)}")  # noqa: S608
    return cursor.fetchone()[0]


def clear(email_domain: str) -> None:
    """Delete the dataset's teams and enquiries, and any referral to a dataset home (before its
    homes go: a referral protects its home)."""
    Referral.objects.filter(home__is_synthetic=True, home__email__endswith="@" + email_domain).delete()
    made_by_dataset_teams = Q(team__is_synthetic=True, team__name__startswith=TEAM_PREFIX)  # the benchmark's too
    Enquiry.objects.filter(Q(is_synthetic=True) | made_by_dataset_teams).delete()
    Team.objects.filter(is_synthetic=True, name__startswith=TEAM_PREFIX).delete()


def fill(stdout, seed: int, email_domain: str) -> None:
    """Teams and enquiries for a dataset that has none yet."""
    if Enquiry.objects.filter(is_synthetic=True).exists():
        return
    rng = random.Random(seed + 13)
    homes = CareHome.objects.filter(is_synthetic=True, email__endswith="@" + email_domain, status="active")
    by_council = defaultdict(list)
    for pk, la in homes.values_list("pk", "local_authority_id").order_by("pk"):
        by_council[la].append(pk)
    categories = defaultdict(list)  # home -> [(category, vacant accepting)]
    for home, category, vacant in CategoryVacancy.objects.filter(home__in=homes, closed=False).values_list(
        "home_id", "category", "vacant_accepting"
    ):
        categories[home].append((category, vacant))
    councils = sorted((la for la, pks in by_council.items() if len(pks) >= 5), key=lambda la: -len(by_council[la]))
    councils = councils[:TEAMS]
    if not councils:
        return
    now = timezone.now()
    with transaction.atomic():
        teams = Team.objects.bulk_create(
            Team(name=f"{TEAM_PREFIX}{n + 1}", kind=Team.Kind.HOSPITAL, organisation=f"Dataset NHS Trust {n + 1}",
                 contact_phone="0113 496 0000", contact_email=f"hub{n + 1}@{email_domain}", reply_within_hours=4,
                 is_synthetic=True)
            for n in range(len(councils))
        )  # fmt: skip
        coordinators = Membership.objects.filter(
            role=Role.COORDINATOR, user__is_synthetic=True, user__email__endswith="@" + email_domain
        ).order_by("user__email")
        for n, membership in enumerate(coordinators):
            membership.team = teams[n % len(teams)]
        Membership.objects.bulk_update(coordinators, ["team"])
        team_council = {team.pk: la for team, la in zip(teams, councils, strict=True)}
        user_of_team = {m.team_id: m.user_id for m in coordinators}
        with connection.cursor() as cursor:
            enquiry_id, hold_id = _next_id(cursor, Enquiry), _next_id(cursor, BedHold)
        enquiries, referrals, holds = [], [], []
        free = {(home, category): vacant for home, pairs in categories.items() for category, vacant in pairs}

        def one(is_open: bool) -> None:
            nonlocal enquiry_id, hold_id
            team = rng.choice(teams)
            candidates = by_council[team_council[team.pk]]
            chosen = rng.sample(candidates, rng.choice([1, 2, 3, 3, 4, 5]))
            offered = [cat for cat, _ in categories.get(chosen[0], [])] or ["residential"]
            category = rng.choice(offered)
            if is_open:
                created = now - datetime.timedelta(minutes=rng.randint(5, 48 * 60))
            else:
                created = now - datetime.timedelta(days=rng.uniform(3, 365))
            reply_by = created + datetime.timedelta(hours=team.reply_within_hours)
            placed = not is_open and rng.random() < 0.7
            state = Enquiry.State.OPEN if is_open else Enquiry.State.PLACED if placed else Enquiry.State.WITHDRAWN
            closed_at = None if is_open else created + datetime.timedelta(hours=rng.uniform(8.5, 96))
            enquiries.append((
                enquiry_id, team.pk, user_of_team.get(team.pk), created, f"Ward {rng.randint(1, 40)} bay "
                f"{rng.randint(1, 8)}", category, rng.choice(["female", "male"]), rng.choice(AgeBand.values),
                rng.choice(Funding.values), rng.choice(Pathway.values), (created + datetime.timedelta(days=1)).date(),
                rng.choice(NEEDS), f"{team.name} 0113 496 0000", reply_by, state, closed_at, True,
            ))  # fmt: skip
            placed_home = rng.choice(chosen) if placed else None
            for home in chosen:
                answered = created + datetime.timedelta(minutes=rng.randint(10, 8 * 60))
                if is_open:
                    answered = max(created, min(answered, now - datetime.timedelta(minutes=1)))
                status, hold, reason = Status.CANCELLED, None, ""
                if is_open:
                    status = rng.choices(
                        [Status.REQUESTED, Status.RECEIVED, Status.ACCEPTED, Status.REJECTED], [40, 20, 15, 25]
                    )[0]
                    if status == Status.ACCEPTED:
                        if free.get((home, category), 0) <= 0:
                            status = Status.REJECTED
                        else:
                            free[(home, category)] -= 1
                            hold = (hold_id, home, category, answered + datetime.timedelta(hours=24), answered,
                                    None, f"{team.name}, enquiry {enquiry_id}", BedHold.Outcome.HELD, None)  # fmt: skip
                elif home == placed_home:
                    status = Status.COMPLETED
                    hold = (hold_id, home, category, answered + datetime.timedelta(hours=24), answered, None,
                            f"{team.name}, enquiry {enquiry_id}", BedHold.Outcome.PLACED, closed_at)  # fmt: skip
                elif rng.random() < 0.6:
                    status, reason = Status.REJECTED, rng.choice(REASONS)
                if status == Status.REJECTED and not reason:
                    reason = rng.choice(REASONS)
                if hold is not None:
                    holds.append(hold)
                    hold_id += 1
                replied = status not in (Status.REQUESTED, Status.RECEIVED) and not (
                    status == Status.CANCELLED and not is_open
                )
                referrals.append((
                    enquiry_id, home, status, created, answered if status != Status.REQUESTED else None,
                    answered if replied else None, hold[0] if hold else None, reason, "",
                    closed_at if status in (Status.CANCELLED, Status.COMPLETED) else None,
                ))  # fmt: skip
            enquiry_id += 1

        share = min(1.0, sum(len(pks) for pks in by_council.values()) / NATIONAL_HOMES)
        closed, still_open = round(CLOSED * share), max(1, round(OPEN * share))
        for _ in range(closed):
            one(is_open=False)
        for _ in range(still_open):
            one(is_open=True)
        _copy(BedHold, ["id", "home_id", "category", "held_until", "created_at", "created_by_id", "held_for",
                        "outcome", "ended_at"], holds)  # fmt: skip
        _copy(Enquiry, ["id", "team_id", "created_by_id", "created_at", "reference", "category", "sex", "age_band",
                        "funding", "pathway", "needed_from", "care_needs", "contact", "reply_by", "state",
                        "closed_at", "is_synthetic"], enquiries)  # fmt: skip
        _copy(Referral, ["enquiry_id", "home_id", "status", "sent_at", "received_at", "answered_at", "hold_id",
                         "decline_reason", "decline_note", "closed_at"], referrals)  # fmt: skip
    with connection.cursor() as cursor:  # the planner's statistics, for the inbox and the team pages
        for model in (BedHold, Enquiry, Referral):
            cursor.execute(f"ANALYZE {table(model)}")
    stdout.write(
        f"  {len(teams)} discharge teams; {closed:,} closed and {still_open:,} open enquiries, "
        f"{len(referrals):,} referrals, {len(holds):,} held beds (placed or holding)."
    )
