"""A home (schemas.Home) or a home-care agency (schemas.Agency) as the API shows it, built as
JSON by PostgreSQL in the statement that finds them. A home: the home, its figures by care
category and the end times of its held beds in one pass, with no model instances or per-row
Python (measured: the feed and a page of 100 homes each spent more time building homes
through the ORM than in their queries).

``HOME`` is an SQL expression over a homes row aliased ``h``; psycopg returns it parsed.
Numbers read as Python writes them while PostgreSQL's ``extra_float_digits`` keeps its
default (1: the shortest exact form); times as DjangoJSONEncoder writes them (``iso``).
"""

from homecare.models import AgencyCapacity, CoveredDistrict
from registers.choices import HomeStatus, LocationKind
from registers.models import CareHome, LocalAuthority, Provider
from tracker.sql import named_rows, table
from vacancies.freshness import STALE_AFTER
from vacancies.models import BedHold, CareCategory, CategoryVacancy, HomeVacancies


def _literal(text: str) -> str:
    """Our own constant as an SQL string (``%`` doubled: the statements take parameters)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def iso(column: str) -> str:
    """A timestamp as DjangoJSONEncoder writes one (UTC, milliseconds when there are any, Z),
    so the API's times read the same whichever way they were built."""
    return (
        f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN date_trunc('second', {column}) = {column} THEN ''"
        f" ELSE to_char({column} AT TIME ZONE 'UTC', '.MS') END || 'Z'"
    )


# The categories in their own order, with their labels (our constants, not input).
_ORDER = "ARRAY[" + ", ".join(_literal(value) for value in CareCategory.values) + "]::text[]"
_LABEL = "CASE c.category " + " ".join(
    f"WHEN {_literal(v)} THEN {_literal(label)}" for v, label in CareCategory.choices
)
_LABEL += " END"

_CATEGORIES = f"""coalesce((
    SELECT json_agg(json_build_object(
           'category', c.category, 'capacity', c.capacity, 'occupied', c.occupied,
           'vacant_accepting', c.vacant_accepting, 'vacant_unavailable', c.vacant_unavailable,
           'unavailable_reason', c.unavailable_reason, 'sex', c.sex, 'closed', c.closed,
           'closed_reason', c.closed_reason, 'reopening_date', c.reopening_date,
           'held_until', held.until, 'label', {_LABEL}, 'held', cardinality(held.until))
           ORDER BY array_position({_ORDER}, c.category::text))
      FROM {table(CategoryVacancy)} c, LATERAL (
           SELECT coalesce(array_agg({iso("b.held_until")} ORDER BY b.held_until), ARRAY[]::text[]) AS until
             FROM {table(BedHold)} b
            WHERE b.home_id = c.home_id AND b.category = c.category
              AND b.outcome = {_literal(BedHold.Outcome.HELD)} AND b.held_until > statement_timestamp()) held
     WHERE c.home_id = h.id), '[]')"""  # noqa: S608 - the models' tables and our own constants

HOME = f"""(
    SELECT json_build_object(
           'id', h.id, 'cqc_location_id', h.cqc_location_id, 'name', h.name, 'provider', p.name,
           'town', h.town, 'postcode', h.postcode, 'latitude', h.latitude, 'longitude', h.longitude,
           'local_authority', la.gss_code, 'cqc_rating', h.cqc_rating,
           'closed_to_admissions', coalesce(v.closed_to_admissions, false),
           'closed_reason', coalesce(v.closed_reason, ''),
           'last_confirmed_at', {iso("v.last_confirmed_at")}, 'version', coalesce(v.version, 0),
           'vacancies', {_CATEGORIES})
      FROM {table(Provider)} p
      JOIN {table(LocalAuthority)} la ON la.id = h.local_authority_id
      LEFT JOIN {table(HomeVacancies)} v ON v.home_id = h.id
     WHERE p.id = h.provider_id)"""  # noqa: S608 - the models' tables


# An agency: its capacity now (new hours a week, earliest start, two-carer calls, the care it
# gives, when confirmed and whether that is over a day ago) and each district it covers with
# the hours there (the district's own figure, else the agency's).
_STALE = f"'{int(STALE_AFTER.total_seconds())} seconds'::interval"
AGENCY = f"""(
    SELECT json_build_object(
           'id', h.id, 'cqc_location_id', h.cqc_location_id, 'name', h.name, 'provider', p.name,
           'town', h.town, 'postcode', h.postcode, 'latitude', h.latitude, 'longitude', h.longitude,
           'local_authority', la.gss_code, 'cqc_rating', h.cqc_rating,
           'care_given', coalesce(to_json(c.care_given), '[]'), 'hours_available', c.hours_available,
           'earliest_start', c.earliest_start, 'two_carer_calls_now', c.two_carer_calls_now,
           'last_confirmed_at', {iso("c.last_confirmed_at")},
           'stale', c.last_confirmed_at IS NULL OR c.last_confirmed_at < statement_timestamp() - {_STALE},
           'version', coalesce(c.version, 0),
           'districts', coalesce((
               SELECT json_agg(json_build_object(
                      'district', d.district_id, 'hours_available', coalesce(d.hours_available, c.hours_available),
                      'own_figure', d.hours_available IS NOT NULL) ORDER BY d.district_id)
                 FROM {table(CoveredDistrict)} d WHERE d.agency_id = h.id), '[]'))
      FROM {table(Provider)} p
      JOIN {table(LocalAuthority)} la ON la.id = h.local_authority_id
      LEFT JOIN {table(AgencyCapacity)} c ON c.agency_id = h.id
     WHERE p.id = h.provider_id)"""  # noqa: S608 - the models' tables and our own constants


def _built(document: str, queryset) -> list[dict]:
    ids, params = queryset.values("pk").query.sql_with_params()
    sql = f"SELECT {document} AS built FROM {table(CareHome)} h WHERE h.id IN ({ids}) ORDER BY h.id"  # noqa: S608
    return [row["built"] for row in named_rows(sql, params)]


def homes(queryset) -> list[dict]:
    """The homes of ``queryset`` (filtered, sliced) as the API shows them, by id."""
    return _built(HOME, queryset)


def agencies(queryset) -> list[dict]:
    """The agencies of ``queryset`` (filtered, sliced) as the API shows them, by id."""
    return _built(AGENCY, queryset)


def in_scope(key, ids: list[int], kind: str = LocationKind.CARE_HOME) -> dict[int, dict]:
    """The homes (or, of ``kind``, agencies) among ``ids`` that are active and in ``key``'s
    scope, by id. (Not through ``homes(homes_in_scope(...))``: the ORM writes a placeholder per
    id, so each page size would be a statement of its own, planned afresh; ``= ANY`` is one,
    planned once.)"""
    scope, params = key.home_sql("h")
    document = AGENCY if kind == LocationKind.HOME_CARE_AGENCY else HOME
    sql = f"""SELECT h.id, {document} AS built FROM {table(CareHome)} h
               WHERE h.id = ANY(%s) AND h.status = %s AND h.kind = %s AND {scope}"""  # noqa: S608
    params = [ids, HomeStatus.ACTIVE, kind, *params]
    return {row["id"]: row["built"] for row in named_rows(sql, params)}
