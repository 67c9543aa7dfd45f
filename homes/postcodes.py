"""UK postcodes: normalising, validating, and placing them on the map, offline.

The data (homes/data/, see PROVENANCE.md there) is loaded into the database:
districts and sectors by migration, every live English postcode by
``manage.py load_places``. No network call is made at run time.
"""

import csv
import gzip
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import caches
from django.db import connection, transaction

from tracker.sql import table

DATA_DIR = Path(__file__).resolve().parent / "data"
POSTCODES_FILE = DATA_DIR / "england_postcodes.csv.gz"

_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])$")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def normalise_postcode(text: str) -> str | None:
    """'ls6 2ab' -> 'LS6 2AB'; None when it is not the shape of a full postcode."""
    match = _FULL.match(_squash(text))
    return f"{match[1]} {match[2]}" if match else None


def district_of(text: str) -> str | None:
    """'ls6 2ab' or 'LS6' -> 'LS6': a postcode's district (its outward code); None when the
    text is neither a full postcode nor a district in shape."""
    squashed = _squash(text)
    if match := _FULL.match(squashed):
        return match[1]
    return squashed if _DISTRICT.match(squashed) else None


def search_location_candidates(text: str) -> list[tuple[str, str]]:
    """What a coordinator's 'near' text could be, most likely first: (kind, normalised).

    A full postcode; a district ('LS6', 'B15'); or a sector ('LS6 2'). Without
    a space, 'B15' or 'M14' reads both as a district and as a sector ('B1 5'):
    the district comes first, as people type districts far more often.
    """
    if full := normalise_postcode(text):
        return [("postcode", full)]
    cleaned = re.sub(r"\s+", " ", (text or "").strip().upper())
    candidates = []
    if _DISTRICT.match(cleaned):
        candidates.append(("district", cleaned))
    if match := _SECTOR.match(cleaned):
        candidates.append(("sector", f"{match[1]} {match[2]}"))
    return candidates


@dataclass(frozen=True)
class Place:
    postcode: str
    latitude: float
    longitude: float
    local_authority_id: int | None
    exact: bool  # False: placed at its sector's centre (a postcode newer than our data)


def locate_postcode(postcode: str, *, with_council: bool = True) -> Place | None:
    """Where a normalised full postcode is, and which council covers it.

    A postcode missing from the full list (created after July 2024) is placed
    at its sector's centre if the sector exists; otherwise it is unknown.
    """
    from registers.models import LocalAuthority, Postcode, PostcodeArea

    found = Postcode.objects.filter(postcode=postcode).first()
    if found and not with_council:
        return Place(postcode, found.latitude, found.longitude, None, exact=True)
    if found:
        authority = LocalAuthority.objects.filter(gss_code=found.lad_code).values_list("upper_tier_id", "id").first()
        council_id = (authority[0] or authority[1]) if authority else None
        return Place(postcode, found.latitude, found.longitude, council_id, exact=True)
    sector = PostcodeArea.objects.filter(code=postcode[:-2], is_sector=True).first()
    if sector:
        return Place(postcode, sector.latitude, sector.longitude, sector.local_authority_id, exact=False)
    return None


class Councils:
    """Every council by its names, alternative names and ONS code, as files and CQC write
    them: to the council that commissions social care there (a district's county)."""

    def __init__(self):
        from registers.models import LocalAuthority

        self.by_name: dict[str, int] = {}
        for la in LocalAuthority.objects.only("name", "gss_code", "alt_names", "upper_tier_id"):
            for name in [la.name, la.gss_code, *la.alt_names]:
                self.by_name[name.strip().lower()] = la.upper_tier_id or la.pk
        self.names = dict(LocalAuthority.objects.values_list("pk", "name"))

    def find(self, name: str) -> int | None:
        return self.by_name.get((name or "").strip().lower())


class Places:
    """Every postcode and sector of a set, and the councils, fetched in a few queries: for
    placing many homes at once (a file's rows, a batch of CQC's locations)."""

    def __init__(self, postcodes: set[str], councils: Councils | None = None):
        from registers.models import LocalAuthority, Postcode, PostcodeArea

        self.postcodes = {
            p.postcode: p
            for p in Postcode.objects.filter(postcode__in=postcodes).only("latitude", "longitude", "lad_code")
        }
        sectors = {pc[:-2] for pc in postcodes if pc not in self.postcodes}
        self.sectors = {a.code: a for a in PostcodeArea.objects.filter(code__in=sectors, is_sector=True)}
        lad_codes = {p.lad_code for p in self.postcodes.values()}
        self.council_of_lad = {
            code: upper or own
            for code, upper, own in LocalAuthority.objects.filter(gss_code__in=lad_codes).values_list(
                "gss_code", "upper_tier_id", "id"
            )
        }
        self.councils = councils or Councils()

    def locate(self, postcode: str) -> tuple[float, float, int | None] | None:
        """(latitude, longitude, council) of a normalised postcode; None when neither it nor its sector is known."""
        found = self.postcodes.get(postcode)
        if found:
            return found.latitude, found.longitude, self.council_of_lad.get(found.lad_code)
        sector = self.sectors.get(postcode[:-2])
        if sector:  # a postcode newer (or retired longer ago) than our list: its sector's centre
            return sector.latitude, sector.longitude, sector.local_authority_id
        return None


# The postcode data's release (homes/data/PROVENANCE.md): places change only when
# a new release of the files ships with the code, and this changes with it.
DATA_RELEASE = "codepoint-2024.3.0"
FOUND_SECONDS = 24 * 60 * 60


def locate_search_location(text: str) -> tuple[str, float, float] | None:
    """(label, lat, lng) for a coordinator's 'near' box: full postcode, sector or district.

    Most searches repeat a few districts, so each process keeps what was found
    (settings.CACHES "local", keyed by the data's release): a query saved per
    search. Only places found are kept.
    """
    typed = re.sub(r"\s+", " ", (text or "").strip().upper())
    return _remembered("place", typed, lambda: _locate_search_location(text))


def _remembered(kind: str, typed: str, find):
    """What ``find()`` found for ``typed``, kept in this process's memory; nothing is kept
    when it finds nothing (so a mistyped place costs a query each time, and no memory)."""
    key = f"{kind}:{DATA_RELEASE}:{hashlib.sha256(typed.encode()).hexdigest()}"
    cache = caches["local"]
    if (found := cache.get(key)) is None and (found := find()):
        cache.set(key, found, FOUND_SECONDS)
    return found


def _locate_search_location(text: str) -> tuple[str, float, float] | None:
    from registers.models import PostcodeArea

    for kind, value in search_location_candidates(text):
        if kind == "postcode":
            place = locate_postcode(value, with_council=False)
            return (value, place.latitude, place.longitude) if place else None
        area = PostcodeArea.objects.filter(code=value, is_sector=(kind == "sector")).first()
        if area:
            return (value, area.latitude, area.longitude)
    return None


def locate_place(text: str) -> tuple[str, float, float] | None:
    """(label, lat, lng) for a family's "postcode or town" box: a postcode, district or
    sector; else a council area by any of its names ("Leeds", "City of York"); else a
    town some active home is in (the middle of its homes). Found places are kept per
    process, like locate_search_location's."""
    if found := locate_search_location(text):
        return found
    typed = re.sub(r"\s+", " ", (text or "").strip())
    if not typed or len(typed) > 60:
        return None
    return _remembered("town", typed.lower(), lambda: _locate_town(typed))


def _locate_town(typed: str) -> tuple[str, float, float] | None:
    from django.db.models import Avg, Q
    from django.db.models.functions import Lower

    from registers.models import CareHome, LocalAuthority

    lowered = typed.lower()
    council = (
        LocalAuthority.objects.filter(Q(name__iexact=typed) | Q(alt_names__contains=[lowered]))
        .filter(latitude__isnull=False)
        .order_by("-is_social_care_authority", "name")
        .first()
    )
    if council:
        return council.name, council.latitude, council.longitude
    middle = (
        CareHome.objects.active()
        .annotate(lowered=Lower("town"))
        .filter(lowered=lowered)
        .aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    )
    if middle["latitude"] is None:
        return None
    return typed.title(), middle["latitude"], middle["longitude"]


def postcodes_loaded() -> int:
    from registers.models import Postcode

    return Postcode.objects.count()


def load_postcodes(path: Path = POSTCODES_FILE) -> int:
    """Replace the postcode table with the file's rows, in one transaction (COPY)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        if header != ["postcode", "lat", "lng", "lad_code"]:
            raise ValueError(f"unexpected columns in {path.name}: {header}")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        count = 0
        for row in reader:
            writer.writerow(row)
            count += 1
    buffer.seek(0)
    from registers.models import Postcode

    postcodes = table(Postcode)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {postcodes}")
        with cursor.copy(
            f"COPY {postcodes} (postcode, latitude, longitude, lad_code) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
    return count
