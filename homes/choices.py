"""The fixed vocabularies of care homes, in the words CQC and councils use."""

from django.db import models


class ServiceType(models.TextChoices):
    WITH_NURSING = "with_nursing", "Care home service with nursing"
    WITHOUT_NURSING = "without_nursing", "Care home service without nursing"


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
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_YET_RATED = "not_yet_rated", "Not yet rated"


# Best first; "at least Good" means the ratings up to and including Good.
RATING_RANK = {
    CqcRating.OUTSTANDING: 4,
    CqcRating.GOOD: 3,
    CqcRating.REQUIRES_IMPROVEMENT: 2,
    CqcRating.INADEQUATE: 1,
    CqcRating.NOT_YET_RATED: 0,
}


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
