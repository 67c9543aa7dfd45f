"""The CQC sync (issue 25, ADR 016): CQC's register, read through CQC's API, kept in the portal.

    manage.py sync_cqc          the first run reads every care home; later ones what CQC
                                changed since the last run that finished
    manage.py sync_cqc --full   every care home again

A run (``CqcSyncRun``) first makes its list of locations to read, page by page, then reads
them in order, a batch at a time: the batch's documents (and the names of providers new to
the portal) are fetched with no transaction open, then applied in one short transaction,
each location in its own savepoint with the run's position: a location is applied whole or
not at all, and a run that stops (CQC unavailable, the process killed) carries on from
there next time. A location CQC gives that cannot be used is a problem in the run's
summary, with its ID and why, and is read again by the next run.

What CQC says about a home it sets through homes/facts.py, as CQC's, in the home's
history: its name, address, postcode and coordinates (CQC's, else our postcode table's),
council (CQC's ``localAuthority``, else the postcode's: a move follows the usual rules),
provider, registration date, dormancy, registered beds, service type, specialisms, rating
and key questions. The phone and website only where the home has none; nothing else the
home keeps. A deregistered home is archived (homes.facts.archive: its enquiries and held
beds end, the teams told). A care home or home-care agency not in the portal is kept as a
``CqcLocation``, for its council to onboard (``onboard``). Demo homes are never touched.
"""

import datetime
import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from homes import cqc_register, facts
from homes.cqc_api import CqcApi, CqcUnavailable, NotFound
from homes.models import CareHomeChange, CqcLocation, CqcSyncRun
from homes.postcodes import Councils, Places
from registers.choices import HomeStatus, LocationKind, ServiceType
from registers.models import CareHome, HomeCareAgency, Provider

logger = logging.getLogger(__name__)

# Locations read, then applied in one transaction (short: no request is made inside it).
BATCH = 50
# A care home or agency registered this recently and not in the portal is listed for its council to add.
NEWLY_REGISTERED_DAYS = 90
# One location CQC cannot answer for is a problem (read again next run); this many in a row
# means CQC is down: the run stops, and carries on from the first of them.
FAILING_IN_A_ROW = 5
# A run keeps this many problems and notes (its counts keep every one).
KEPT = 5000
# Only one run at a time, whichever server or worker starts it: a PostgreSQL advisory lock
# under a key no other lock uses ("CQCS" as a number).
LOCK_KEY = int.from_bytes(b"CQCS")


class NoKey(Exception):
    """CQC_API_KEY is not set: the sync cannot read CQC's register."""


class Busy(Exception):
    """Another run is under way."""


class _Problem(Exception):
    """This location cannot be applied: the message says why."""


@contextmanager
def _alone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise Busy("Another CQC sync is running")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def last_success() -> CqcSyncRun | None:
    """The last run that finished: CQC's facts in the portal are as its register was then."""
    return CqcSyncRun.objects.filter(status=CqcSyncRun.Status.DONE).order_by("-finished_at").first()


def sync(*, full: bool = False, api: CqcApi | None = None, now: datetime.datetime | None = None) -> CqcSyncRun:
    """Carry on the run that stopped, or start the next one (``full``: every care home again)."""
    if api is None:
        if not settings.CQC_API_KEY:
            raise NoKey("CQC_API_KEY is not set: the CQC sync cannot read CQC's register, and changed nothing")
        api = CqcApi()
    with _alone():
        run = _run_to_do(full, now or timezone.now())
        made, retried = api.requests_made, api.retries
        reader = _Reader(run, api)
        try:
            if not run.listed:
                reader.make_list()
            reader.read()
        except CqcUnavailable as error:
            run.status, run.error = CqcSyncRun.Status.STOPPED, str(error)[:2000]
            logger.warning("CQC sync stopped at %s of %s: %s", run.position, len(run.to_read), error)
        else:
            reader.finish()
        finally:
            run.requests += api.requests_made - made
            run.retries += api.retries - retried
            run.save()
    return run


def _run_to_do(full: bool, now: datetime.datetime) -> CqcSyncRun:
    latest = CqcSyncRun.objects.order_by("-started_at", "-id").first()
    if latest is not None and latest.status != CqcSyncRun.Status.DONE:
        if not full or latest.kind == CqcSyncRun.Kind.FULL:
            latest.status, latest.error = CqcSyncRun.Status.RUNNING, ""
            latest.save(update_fields=["status", "error"])
            return latest
        latest.status, latest.error = CqcSyncRun.Status.STOPPED, "Left for a full run, which covers it"
        latest.save(update_fields=["status", "error"])
    done = last_success()
    if full or done is None:
        return CqcSyncRun.objects.create(kind=CqcSyncRun.Kind.FULL, started_at=now, changes_to=now)
    # What failed last time is read again, with what CQC changed since.
    again = list(dict.fromkeys(problem["id"] for problem in done.problems))
    return CqcSyncRun.objects.create(
        kind=CqcSyncRun.Kind.CHANGES, started_at=now, changes_from=done.changes_to, changes_to=now, to_read=again
    )


@dataclass
class _Reading:
    location_id: str
    location: cqc_register.Location | None = None
    problem: str = ""
    unavailable: bool = False  # CQC did not answer usably, even when asked again


class _Reader:
    def __init__(self, run: CqcSyncRun, api: CqcApi):
        self.run, self.api = run, api
        self.councils = Councils()
        self.provider_names: dict[str, str] = {}
        self.recently = timezone.localdate() - datetime.timedelta(days=NEWLY_REGISTERED_DAYS)
        self.kept: dict[str, CqcLocation] = {}

    # --- the run's summary ------------------------------------------------------

    def problem(self, location_id: str, reason: str) -> None:
        self.run.count("problems")
        if len(self.run.problems) < KEPT:
            self.run.problems.append({"id": location_id, "reason": reason})

    def note(self, location_id: str, note: str) -> None:
        self.run.count("notes")
        if len(self.run.notes) < KEPT:
            self.run.notes.append({"id": location_id, "note": note})

    # --- the list -----------------------------------------------------------------

    def make_list(self) -> None:
        run = self.run
        if run.kind == CqcSyncRun.Kind.FULL:
            lists = [(self.api.care_home_pages(first=run.next_page), "next_page")]
            # Then home-care agencies (ADR 019), once the care homes' list is read to its end.
            lists.append((self.api.agency_pages(first=run.next_agency_page), "next_agency_page"))
        else:
            lists = [
                (self.api.changed_location_ids(run.changes_from, run.changes_to, first=run.next_page), "next_page")
            ]
        seen = set(run.to_read)
        for pages, position in lists:
            for page in pages:
                new = [location_id for location_id in dict.fromkeys(page.ids) if location_id not in seen]
                if len(new) < len(page.ids):
                    run.count("listed more than once", len(page.ids) - len(new))
                seen.update(new)
                run.to_read += new
                setattr(run, position, page.number + 1)
                run.save(update_fields=["to_read", position, "counts"])
        if run.kind == CqcSyncRun.Kind.FULL:
            # A home or agency the portal has that CQC's lists left out (deregistered since) is read too.
            missing = CareHome.locations.filter(is_synthetic=False, status=HomeStatus.ACTIVE).exclude(
                cqc_location_id__in=seen
            )
            run.to_read += sorted(missing.values_list("cqc_location_id", flat=True))
        run.listed = True
        run.save(update_fields=["to_read", "listed"])

    # --- reading and applying -------------------------------------------------------

    def read(self) -> None:
        run, failing = self.run, 0
        while run.position < len(run.to_read):
            batch = run.to_read[run.position : run.position + BATCH]
            readings = []
            for location_id in batch:
                readings.append(reading := self._fetch(location_id))
                failing = failing + 1 if reading.unavailable else 0
                if failing >= FAILING_IN_A_ROW:  # CQC is down, not one location broken: stop, carry on later
                    raise CqcUnavailable(f"{FAILING_IN_A_ROW} locations in a row could not be read: {reading.problem}")
            self._name_new_providers(readings)
            places = Places(
                {r.location.postcode for r in readings if r.location and r.location.postcode}, self.councils
            )
            with transaction.atomic():
                self.kept = {}
                for reading in readings:
                    self._apply_one(reading, places)
                _upsert(self.kept.values())
                run.position += len(batch)
                run.save(update_fields=["position", "counts", "problems", "notes"])

    def _fetch(self, location_id: str) -> _Reading:
        try:
            document = self.api.location(location_id)
        except NotFound:
            return _Reading(location_id, problem="CQC has no location with this ID")
        except CqcUnavailable as error:
            return _Reading(location_id, problem=f"CQC's answer could not be used: {error}", unavailable=True)
        try:
            location = cqc_register.read(document)
        except cqc_register.Unreadable as error:
            return _Reading(location_id, problem=str(error))
        if location.location_id != location_id:
            return _Reading(location_id, problem=f"CQC answered with another location, {location.location_id}")
        return _Reading(location_id, location)

    def _name_new_providers(self, readings: list[_Reading]) -> None:
        """The names of providers new to the portal that a home in it, or a newly registered
        home, now has: fetched before the batch's transaction, never inside it."""
        wanted = {r.location.provider_id for r in readings if r.location and r.location.provider_id}
        known = set(Provider.objects.filter(cqc_provider_id__in=wanted).values_list("cqc_provider_id", flat=True))
        in_portal = set(
            CareHome.locations.filter(cqc_location_id__in=[r.location_id for r in readings]).values_list(
                "cqc_location_id", flat=True
            )
        )
        for reading in readings:
            location = reading.location
            if location is None or not location.provider_id or location.provider_id in known:
                continue
            recent = (location.values.get("registration_date") or datetime.date.min) >= self.recently
            if location.provider_id in self.provider_names or not (location.location_id in in_portal or recent):
                continue
            try:
                name = self.api.provider(location.provider_id).get("name")
            except NotFound:
                name = None
            self.provider_names[location.provider_id] = name.strip()[:200] if isinstance(name, str) else ""

    def _apply_one(self, reading: _Reading, places: Places) -> None:
        self.run.count("read")
        if reading.problem:
            self.problem(reading.location_id, reading.problem)
            return
        try:
            with transaction.atomic():
                self._apply(reading.location, places)
        except _Problem as problem:
            self.kept.pop(reading.location_id, None)
            self.problem(reading.location_id, str(problem))
        except Exception as error:  # a location the database refuses, or a bug: never the whole run
            self.kept.pop(reading.location_id, None)
            logger.exception("CQC location %s could not be applied", reading.location_id)
            self.problem(reading.location_id, f"Could not be applied: {type(error).__name__}: {error}"[:500])

    def _apply(self, location: cqc_register.Location, places: Places) -> None:
        run = self.run
        home = (
            CareHome.locations.select_for_update(of=("self",))
            .select_related("provider", "local_authority")
            .filter(cqc_location_id=location.location_id)
            .first()
        )
        if home is not None and home.is_synthetic:
            run.count("demo homes left alone")
            return
        for note in location.notes:
            self.note(location.location_id, note)
        if not location.registered:
            CqcLocation.objects.filter(location_id=location.location_id).update(
                registered=False, checked_at=run.changes_to
            )
            if home is not None and home.status == HomeStatus.ACTIVE:
                on = f" on {location.deregistered_on:%-d %B %Y}" if location.deregistered_on else ""
                change = facts.archive(home, f"Deregistered by CQC{on}", source=CareHomeChange.Source.CQC)
                home.save(update_fields=facts.ARCHIVE_FIELDS)
                change.save()
                run.count("archived")
            else:
                run.count("deregistered, not in the portal")
            return
        if home is not None and home.is_agency:
            self._apply_to_agency(home, location, places)
            return
        if home is None and not location.care_home and location.values.get("service_type") == ServiceType.DOMICILIARY:
            # Kept for its council to onboard in one click, as a care home is (ADR 019).
            values, _ = self._placed(location, places, None)
            values.pop("registered_beds", None)
            self._keep(location, values, LocationKind.HOME_CARE_AGENCY)
            recent = (location.values.get("registration_date") or datetime.date.min) >= self.recently
            run.count("new agency registrations" if recent else "home-care agencies not in the portal")
            return
        if not location.care_home:
            CqcLocation.objects.filter(location_id=location.location_id).delete()
            if home is not None:
                self.note(
                    location.location_id, "CQC no longer lists it as a care home: the portal's home is left as it is"
                )
            run.count("not care homes")
            return
        values, words = self._placed(location, places, home)
        self._keep(location, values)
        if home is None:
            recent = (location.values.get("registration_date") or datetime.date.min) >= self.recently
            run.count("new registrations" if recent else "care homes not in the portal")
            return
        self._update(home, location, values, words)

    def _apply_to_agency(self, home: CareHome, location: cqc_register.Location, places: Places) -> None:
        """A home-care agency in the portal (ADR 019) gets CQC's facts as a home does, less beds;
        the register's copy of it says when they were last checked, as a home's does."""
        if location.care_home or location.values.get("service_type") != ServiceType.DOMICILIARY:
            self.note(location.location_id, "CQC no longer lists it as domiciliary care: the portal's agency is left")
            self.run.count("agencies left as they are")
            return
        values, words = self._placed(location, places, home)
        values.pop("registered_beds", None)  # an agency has none (a database constraint)
        self._keep(location, values, LocationKind.HOME_CARE_AGENCY)
        self._update(home, location, values, words)

    def _update(self, home: CareHome, location: cqc_register.Location, values: dict, words: dict) -> None:
        """Set what CQC says on a home (or agency) in the portal, in its history as CQC's."""
        run = self.run
        if location.provider_id and location.provider_id != home.provider.cqc_provider_id:
            provider = self._provider(location.provider_id)
            values["provider_id"] = provider.pk
            words["provider_id"] = (home.provider.name, provider.name)
        if home.status != HomeStatus.ACTIVE:
            run.count("archived in the portal, registered with CQC")
        changes = facts.differences(home, values, location.if_empty)
        if "local_authority_id" in changes:
            run.count("moved council")
        rows = facts.record(
            home, changes, source=CareHomeChange.Source.CQC, notes={"cqc_rating": location.rating_note}, words=words
        )
        if not changes:
            run.count("unchanged")
            return
        home.save(update_fields=[*changes, "version", "updated_at"])
        CareHomeChange.objects.bulk_create(rows)
        run.count("updated")

    def _placed(self, location: cqc_register.Location, places: Places, home: CareHome | None) -> tuple[dict, dict]:
        """The location's values with where it is: postcode, coordinates and council."""
        if location.postcode is None:
            given = location.postcode_as_given
            raise _Problem(f"Postcode “{given}” is not a full postcode" if given else "CQC gives no postcode")
        found = places.locate(location.postcode)
        latitude, longitude = location.latitude, location.longitude
        if latitude is None:
            if found is None:
                raise _Problem(f"Postcode {location.postcode} is not one we know, and CQC gives no coordinates")
            latitude, longitude = found[0], found[1]
        council = self.councils.find(location.local_authority)
        by_postcode = found[2] if found else None
        if council is None and location.local_authority:
            self.note(location.location_id, f"Council “{location.local_authority}” is not one we know: its postcode's")
        if council is not None and by_postcode is not None and council != by_postcode:
            names = self.councils.names
            self.note(location.location_id, f"CQC says {names[council]}; its postcode is in {names[by_postcode]}")
        council = council or by_postcode
        if council is None:
            raise _Problem(f"No council: CQC's “{location.local_authority}” is not one we know, nor is the postcode's")
        values = location.values | {
            "postcode": location.postcode, "latitude": latitude, "longitude": longitude, "local_authority_id": council,
        }  # fmt: skip
        words = {}
        if home is not None and home.local_authority_id != council:
            words["local_authority_id"] = (home.local_authority.name, self.councils.names[council])
        return values, words

    def _keep(self, location: cqc_register.Location, values: dict, kind: str = LocationKind.CARE_HOME) -> None:
        """The portal's copy of this care home (or agency) on CQC's register (written with the batch's)."""
        self.kept[location.location_id] = CqcLocation(
            kind=kind,
            location_id=location.location_id,
            name=location.name,
            postcode=location.postcode,
            local_authority_id=values["local_authority_id"],
            provider_id=location.provider_id or "",
            registered=True,
            registration_date=location.values.get("registration_date"),
            facts=_as_json(values | location.if_empty)
            | {"provider_name": self.provider_names.get(location.provider_id, "")},
            regulated_activities=location.regulated_activities[:20],
            first_seen_at=timezone.now(),
            checked_at=self.run.changes_to,
        )

    def _provider(self, provider_id: str) -> Provider:
        provider = Provider.objects.filter(cqc_provider_id=provider_id).first()
        if provider is None:
            name = self.provider_names.get(provider_id) or f"CQC provider {provider_id}"
            provider = Provider.objects.create(name=name, cqc_provider_id=provider_id)
        return provider

    def finish(self) -> None:
        run = self.run
        run.status, run.finished_at, run.error = CqcSyncRun.Status.DONE, timezone.now(), ""
        if run.kind == CqcSyncRun.Kind.CHANGES:
            # Every location CQC did not report changed is as the portal has it, as of this run. (A full
            # run set it on each location it read: one it did not read is not on CQC's list any more.)
            failed = [problem["id"] for problem in run.problems]
            CqcLocation.objects.filter(checked_at__lt=run.changes_to).exclude(location_id__in=failed).update(
                checked_at=run.changes_to
            )


# A location's copy is replaced whole, except when the portal first saw it.
_COPIED = ["kind", "name", "postcode", "local_authority", "provider_id", "registered", "registration_date", "facts",
           "regulated_activities", "checked_at"]  # fmt: skip


def _upsert(locations) -> None:
    """The batch's copies in one statement (INSERT ... ON CONFLICT DO UPDATE)."""
    CqcLocation.objects.bulk_create(
        list(locations), update_conflicts=True, unique_fields=["location_id"], update_fields=_COPIED
    )


def _as_json(values: dict) -> dict:
    return {name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in values.items()}


class CannotOnboard(Exception):
    """The register's copy does not hold what a home needs: the message says what."""


DATE_FIELDS = {"registration_date", "last_inspection_date", "cqc_rating_date"}


@transaction.atomic
def onboard(location: CqcLocation, user) -> CareHome:
    """A home (or home-care agency) made from CQC's register, in one click of its council: CQC's
    facts as the sync last read them, its provider found or made by CQC provider ID, "onboarded"
    in its history."""
    location = CqcLocation.objects.select_for_update().get(pk=location.pk)
    if CareHome.locations.filter(cqc_location_id=location.location_id).exists():
        raise CannotOnboard(f"{location.name} is in the portal already")
    if not location.registered:
        raise CannotOnboard(f"{location.name} is no longer registered with CQC")
    values = {
        name: datetime.date.fromisoformat(value) if name in DATE_FIELDS and value else value
        for name, value in location.facts.items()
        if name != "provider_name"
    }
    if not values.get("service_type"):
        raise CannotOnboard(f"CQC's register does not say whether {location.name} provides nursing: add it by hand")
    provider = Provider.objects.filter(cqc_provider_id=location.provider_id).first() if location.provider_id else None
    if provider is None:
        name = location.facts.get("provider_name")
        if not name:
            raise CannotOnboard(f"CQC's register does not name the provider of {location.name}: add it by hand")
        provider = Provider.objects.create(name=name, cqc_provider_id=location.provider_id or None)
    made = HomeCareAgency.objects if location.kind == LocationKind.HOME_CARE_AGENCY else CareHome.objects
    home = made.create(cqc_location_id=location.location_id, provider=provider, **values)
    CareHomeChange.objects.create(
        home=home, changed_by=user, version=home.version, field="onboarded", new_value=home.name,
        note="From CQC's register",
    )  # fmt: skip
    return home
