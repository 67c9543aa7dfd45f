"""The fixed vocabularies of care homes, in the words CQC and councils use."""

from django.db import models


class LocationKind(models.TextChoices):
    """What a CQC location the portal keeps is (docs/adr/019-home-care-agencies.md)."""

    CARE_HOME = "care_home", "Care home"
    HOME_CARE_AGENCY = "home_care_agency", "Home-care agency"


class ServiceType(models.TextChoices):
    WITH_NURSING = "with_nursing", "Care home service with nursing"
    WITHOUT_NURSING = "without_nursing", "Care home service without nursing"
    DOMICILIARY = "domiciliary", "Domiciliary care service"


# The service types each kind of location is registered for (a database constraint keeps them together).
SERVICE_TYPES_OF = {
    LocationKind.CARE_HOME: [ServiceType.WITH_NURSING, ServiceType.WITHOUT_NURSING],
    LocationKind.HOME_CARE_AGENCY: [ServiceType.DOMICILIARY],
}


def kind_of(service_type: str) -> str:
    """A home-care agency for domiciliary care, else a care home."""
    return LocationKind.HOME_CARE_AGENCY if service_type == ServiceType.DOMICILIARY else LocationKind.CARE_HOME


class ServiceUserBand(models.TextChoices):
    OLDER_PEOPLE = "older_people", "Older people (65+)"
    YOUNGER_ADULTS = "younger_adults", "Younger adults (under 65)"
    DEMENTIA = "dementia", "Dementia"
    LEARNING_DISABILITIES = "learning_disabilities", "Learning disabilities or autistic spectrum disorder"
    MENTAL_HEALTH = "mental_health", "Mental health conditions"
    PHYSICAL_DISABILITIES = "physical_disabilities", "Physical disabilities"
    SENSORY_IMPAIRMENT = "sensory_impairment", "Sensory impairment"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse problems"
    EATING_DISORDERS = "eating_disorders", "Eating disorders"
    WHOLE_POPULATION = "whole_population", "Whole population"


class CqcRating(models.TextChoices):
    """Every value CQC publishes for an overall or key-question rating."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    INSPECTED_NOT_RATED = "inspected_not_rated", "Inspected but not rated"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", "Insufficient evidence to rate"
    NOT_YET_RATED = "not_yet_rated", "Not yet rated"


# Not a rating on CQC's scale: search filters treat them all as "not rated".
UNRATED = (CqcRating.INSPECTED_NOT_RATED, CqcRating.INSUFFICIENT_EVIDENCE, CqcRating.NOT_YET_RATED)

# A rating (overall or a key question) the source did not give is stored as NULL and
# said in these words: never "Not yet rated", which is CQC's own statement about a home.
NOT_KNOWN = "Not known"


def rating_label(value: str | None) -> str:
    """A rating in words: CQC's label, or "Not known" when no source gave one."""
    return CqcRating(value).label if value else NOT_KNOWN


# Best first; "at least Good" means the ratings up to and including Good.
RATING_RANK = {
    CqcRating.OUTSTANDING: 4,
    CqcRating.GOOD: 3,
    CqcRating.REQUIRES_IMPROVEMENT: 2,
    CqcRating.INADEQUATE: 1,
    **dict.fromkeys(UNRATED, 0),
}

# CQC's five key questions, each rated like the whole home (CareHome.rating_<name>).
KEY_QUESTIONS = [
    ("safe", "Safe"),
    ("effective", "Effective"),
    ("caring", "Caring"),
    ("responsive", "Responsive"),
    ("well_led", "Well-led"),
]


class Funding(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority funded"
    SELF_FUNDED = "self_funded", "Self-funded"
    CHC = "chc", "NHS Continuing Healthcare"
    FNC = "fnc", "NHS-funded nursing care"
    DISCHARGE_TO_ASSESS = "discharge_to_assess", "Discharge to assess (pathway 2/3)"


class Facility(models.TextChoices):
    EN_SUITE = "en_suite", "En-suite rooms"
    LIFT = "lift", "Lift"
    GROUND_FLOOR = "ground_floor", "Ground-floor rooms"
    GARDEN = "garden", "Garden"
    BARIATRIC = "bariatric", "Bariatric equipment"
    HOISTS = "hoists", "Hoists"
    PARKING = "parking", "Parking"


class HomeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


def cqc_page(location_id: str) -> str:
    """The home's page on CQC's website."""
    return f"https://www.cqc.org.uk/location/{location_id}"
