"""Demo data for `make run`: one sign-in per role and a few homes in Leeds and
Bradford. Idempotent: running it again changes nothing that exists.

Everything it makes is marked synthetic (``is_synthetic``), and it reads or
changes nothing else: against a database that holds real homes it adds
nothing unless told to (``--alongside-real-homes``). Its CQC IDs are twelve
digits starting 99, longer than any CQC has issued; its providers have none."""

import base64
import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, Team
from demo import returns
from demo.homecare import seed_agencies
from demo.profiles import public_profile
from demo.real_homes import add_flag, real_homes
from homes.postcodes import locate_postcode
from registers.choices import CqcRating, Facility, Funding, ServiceType, ServiceUserBand
from registers.models import CareHome, LocalAuthority, Provider
from vacancies.models import CapacitySnapshot, CategoryVacancy, HomeVacancies, VacancyChange, VacancyUpdate
from vacancies.snapshots import replay_history

DEMO_SEED = 2026  # the demo homes' public pages (demo/profiles.py)
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo, never used outside it

PROVIDERS = ["Aire Valley Care Ltd", "Rosewood Homes", "Moorside Care Partnership"]
AGENCY_STAFF = "1-998000000401"  # Kirkstall Home Care (demo/homecare.py)

# (CQC location ID, name, provider index, address, town, postcode, service type, bands, rating, rating date;
# None: not known)
HOMES = [
    (
        "1-998000000101",
        "Headingley Park Care Home",
        0,
        "12 Shire Oak Road",
        "Leeds",
        "LS6 2AD",
        ServiceType.WITH_NURSING,
        ["older_people", "dementia"],
        CqcRating.GOOD,
        "2024-03-12",
    ),
    (
        "1-998000000102",
        "Roundhay Lodge",
        0,
        "4 Street Lane",
        "Leeds",
        "LS8 2AD",
        ServiceType.WITHOUT_NURSING,
        ["older_people", "dementia", "physical_disabilities"],
        CqcRating.GOOD,
        "2023-11-02",
    ),
    (
        "1-998000000103",
        "Alwoodley Grange Nursing Home",
        0,
        "88 King Lane",
        "Leeds",
        "LS17 7AB",
        ServiceType.WITH_NURSING,
        ["older_people", "physical_disabilities"],
        CqcRating.OUTSTANDING,
        "2022-06-21",
    ),
    (
        "1-998000000201",
        "Armley Heights",
        1,
        "15 Town Street",
        "Leeds",
        "LS12 4AB",
        ServiceType.WITHOUT_NURSING,
        ["older_people"],
        CqcRating.REQUIRES_IMPROVEMENT,
        "2024-09-30",
    ),
    (
        "1-998000000202",
        "Lawnswood House",
        1,
        "2 Otley Road",
        "Leeds",
        "LS16 6AB",
        ServiceType.WITH_NURSING,
        ["younger_adults", "learning_disabilities", "mental_health"],
        None,  # no CQC data has given its rating: pages say "not known" and link to CQC's
        None,
    ),
    (
        "1-998000000301",
        "Heaton Grove Care Home",
        2,
        "30 Heaton Road",
        "Bradford",
        "BD9 5AB",
        ServiceType.WITH_NURSING,
        ["older_people", "dementia"],
        CqcRating.GOOD,
        "2024-05-08",
    ),
]

USERS = [
    # (email, name, role, scope)
    ("admin@example.org", "Sam Service-Admin", "service_admin", None),
    ("council@example.org", "Chris Council (Leeds)", Role.COUNCIL_ADMIN, "E08000035"),
    ("coordinator@example.org", "Dana Discharge-Coordinator", Role.TEAM_LEAD, "Demo discharge hub (Leeds)"),
    ("provider@example.org", "Pat Provider (Aire Valley Care)", Role.PROVIDER_ADMIN, "Aire Valley Care Ltd"),
    ("manager@example.org", "Morgan Manager (Headingley Park)", Role.HOME_STAFF, "1-998000000101"),
    ("agency@example.org", "Alex Agency (Kirkstall Home Care)", Role.HOME_STAFF, AGENCY_STAFF),
]


# Per demo home: (category, registered beds), and how many days ago it was last confirmed (None: never).
DEMO_BEDS = {
    "1-998000000101": ([("nursing", 30), ("nursing_dementia", 20)], 0),
    "1-998000000102": ([("residential", 25), ("residential_dementia", 15), ("respite", 4)], 0),
    "1-998000000103": ([("nursing", 40), ("d2a", 6)], 3),
    "1-998000000201": ([("residential", 32)], 0),
    "1-998000000202": ([("ld_nursing", 12), ("mh_nursing", 10)], None),
    "1-998000000301": ([("nursing", 28), ("nursing_dementia", 18)], 0),
}


def seed_vacancies(home: CareHome) -> bool:
    """30 days of plausible daily updates, so the demo shows trends and freshness."""
    if home.categories.exists():
        return False
    beds, last_days_ago = DEMO_BEDS[home.cqc_location_id]
    if last_days_ago is None:
        return False  # a home that has never entered figures
    rng = random.Random(home.cqc_location_id)
    now = timezone.now().replace(second=0, microsecond=0)
    state = {}
    for category, capacity in beds:
        accepting = rng.randint(0, 3)
        unavailable = rng.randint(0, 1)
        state[category] = {
            "capacity": capacity,
            "vacant_accepting": accepting,
            "vacant_unavailable": unavailable,
            "occupied": capacity - accepting - unavailable,
        }
    version = 0
    for days_ago in range(30, last_days_ago - 1, -1):
        made_at = now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 3))
        changes = []
        for category, row in state.items():
            if rng.random() < 0.4:
                old = row["vacant_accepting"]
                new = max(0, min(row["capacity"] - row["vacant_unavailable"], old + rng.choice([-1, 1])))
                if new != old:
                    row["vacant_accepting"], row["occupied"] = new, row["capacity"] - new - row["vacant_unavailable"]
                    changes += [
                        (category, "vacant_accepting", old, new),
                        (category, "occupied", row["capacity"] - old - row["vacant_unavailable"], row["occupied"]),
                    ]
        first = days_ago == 30
        if first:
            changes = [(c, f, "", v) for c, row in state.items() for f, v in row.items()]
        version += 1 if changes else 0
        update = VacancyUpdate.objects.create(
            home=home,
            kind=VacancyUpdate.Kind.UPDATE if changes else VacancyUpdate.Kind.NO_CHANGE,
            made_at=made_at,
            version=version,
        )
        VacancyChange.objects.bulk_create(
            VacancyChange(update=update, category=c, field=f, old_value=str(o), new_value=str(n))
            for c, f, o, n in changes
        )
    for category, row in state.items():
        CategoryVacancy.objects.create(home=home, category=category, **row)
    HomeVacancies.objects.create(
        home=home,
        version=version,
        last_confirmed_at=update.made_at,
        vacant_accepting_total=sum(row["vacant_accepting"] for row in state.values()),
    )
    return True


# Demo only: a fixed authenticator key and recovery codes for the demo admins, printed by `make run`.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"  # hex of "12345678901234567890"
DEMO_RECOVERY_CODES = [f"{n:08d}" for n in (11111111, 22222222, 33333333, 44444444, 55555555)]


def demo_authenticator_key() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def give_demo_authenticator(user) -> None:
    TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Demo authenticator", "key": DEMO_TOTP_KEY}
    )
    device, created = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    if created:
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in DEMO_RECOVERY_CODES)


def demo_team(name: str) -> Team:
    """The demo's discharge team (its coordinator leads it): a hospital hub in Leeds."""
    team, _ = Team.objects.get_or_create(
        name=name,
        defaults={
            "kind": Team.Kind.HOSPITAL, "organisation": "Demo Teaching Hospitals NHS Trust",
            "contact_phone": "0113 496 0999", "contact_email": "discharge.hub@example.org", "is_synthetic": True,
        },
    )  # fmt: skip
    return team


class Command(BaseCommand):
    help = "Create demo sign-ins (one per role) and demo homes. Idempotent. Not for real deployments."

    def add_arguments(self, parser):
        add_flag(parser, "the demo")

    @transaction.atomic
    def handle(self, *args, alongside_real_homes, **options):
        if not LocalAuthority.objects.exists():
            raise CommandError("Run `manage.py migrate` first: the local authorities are not loaded.")
        real = real_homes(self, alongside=alongside_real_homes, what="no demo homes or sign-ins are added")
        if real is None:
            return
        providers = [Provider.objects.get_or_create(name=name, is_synthetic=True)[0] for name in PROVIDERS]
        demo_homes = CareHome.objects.filter(is_synthetic=True)
        for cqc_id, name, provider, address, town, postcode, service_type, bands, rating, rated in HOMES:
            profile = public_profile(
                DEMO_SEED, int(cqc_id[-3:]), name=name, town=town,
                nursing=service_type == ServiceType.WITH_NURSING, bands=bands,
            )  # fmt: skip
            if demo_homes.filter(cqc_location_id=cqc_id).exists():
                # Homes seeded before they had public pages get theirs.
                demo_homes.filter(cqc_location_id=cqc_id, public_description="").update(**profile)
                continue
            place = locate_postcode(postcode)
            if place is None:
                raise CommandError(f"Demo postcode {postcode} is unknown: run `manage.py load_places`.")
            CareHome.objects.create(
                cqc_location_id=cqc_id,
                name=name,
                provider=providers[provider],
                address_line_1=address,
                town=town,
                postcode=postcode,
                local_authority_id=place.local_authority_id,
                latitude=place.latitude,
                longitude=place.longitude,
                phone="0113 496 0" + cqc_id[-3:],
                email=f"manager.{cqc_id[-3:]}@example.org",
                service_type=service_type,
                service_user_bands=[ServiceUserBand(b) for b in bands],
                cqc_rating=rating,
                cqc_rating_date=datetime.date.fromisoformat(rated) if rated else None,
                funding_accepted=[Funding.LOCAL_AUTHORITY, Funding.SELF_FUNDED, Funding.DISCHARGE_TO_ASSESS],
                facilities=[Facility.EN_SUITE, Facility.LIFT, Facility.GARDEN],
                is_synthetic=True,
                **profile,
            )

        seeded = [
            seed_vacancies(home)
            for home in demo_homes.filter(cqc_location_id__in=[h[0] for h in HOMES]).order_by("cqc_location_id")
        ]
        if any(seeded) and not real and not CapacitySnapshot.objects.exists():
            # The area dashboard's trends: the last 30 days' nightly snapshots (unless a dataset brought a
            # year), marked synthetic. With real homes there the nightly job's own snapshots stand alone.
            replay_history(timezone.localdate() - datetime.timedelta(days=30), synthetic=True)
        agencies = seed_agencies({provider.name: provider for provider in providers})
        # A year of monthly returns, so the demo's homes and agencies can submit theirs unchanged in one tap.
        returns.fill(demo_homes.filter(cqc_location_id__in=[h[0] for h in HOMES]), DEMO_SEED)
        returns.fill(CareHome.locations.filter(pk__in=[agency.pk for agency in agencies]), DEMO_SEED)

        User = get_user_model()
        for email, full_name, role, scope in USERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"full_name": full_name, "is_synthetic": True}
            )
            if not user.is_synthetic:
                self.stdout.write(f"  {email} is a real account: the demo leaves it alone.")
                continue
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == "service_admin":
                    user.is_superuser = user.is_staff = True
                user.save()
            if role in ("service_admin", Role.COUNCIL_ADMIN):
                give_demo_authenticator(user)
            if role == "service_admin":
                continue
            scope_kwargs = {}
            if role == Role.COUNCIL_ADMIN:
                scope_kwargs["local_authority"] = LocalAuthority.objects.get(gss_code=scope)
            elif role == Role.PROVIDER_ADMIN:
                scope_kwargs["provider"] = Provider.objects.get(name=scope, is_synthetic=True)
            elif role == Role.HOME_STAFF:
                scope_kwargs["home"] = CareHome.locations.get(cqc_location_id=scope, is_synthetic=True)
            elif role == Role.TEAM_LEAD:
                scope_kwargs["team"] = demo_team(scope)
            Membership.objects.get_or_create(user=user, role=role, **scope_kwargs)

        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
        for email, full_name, _role, _scope in USERS:
            self.stdout.write(f"  {email:<26} {full_name}")
        self.stdout.write("")
        self.stdout.write("Council and service admins also need a code (two-factor authentication):")
        self.stdout.write(f"  add this key to an authenticator app: {demo_authenticator_key()}")
        self.stdout.write(f"  or use a recovery code (each works once): {', '.join(DEMO_RECOVERY_CODES)}")
        self.stdout.write("")
