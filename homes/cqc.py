"""CQC's words as people, CQC's files and CQC's API write them: identifiers, phone
numbers, ratings, service types and specialisms, read into ours."""

import re

from registers.choices import CqcRating, ServiceType, ServiceUserBand

_CQC_ID = re.compile(r"^1-\d{1,12}$")


def normalise_cqc_id(text: str) -> str | None:
    """' 1-101234567 ' -> '1-101234567'; None when it is not a CQC ID."""
    cleaned = re.sub(r"\s+", "", text or "")
    return cleaned if _CQC_ID.match(cleaned) else None


def normalise_phone(text: str) -> str | None:
    """A UK phone number in its usual spacing; None when it cannot be one.

    Accepts +44 and (0) forms, and numbers whose leading zero a spreadsheet
    dropped (10 digits starting 1, 2, 3, 7 or 8).
    """
    digits = re.sub(r"[^\d+]", "", text or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].removeprefix("0")
    if "+" in digits:
        return None
    if len(digits) == 10 and digits[0] in "12378":
        digits = "0" + digits
    if len(digits) != 11 or not digits.startswith("0"):
        return None
    if digits.startswith("02"):  # London, Cardiff...: 020 7946 0000
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if digits.startswith("011") or digits[:4] in {"0121", "0131", "0141", "0151", "0161", "0191"}:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"  # big cities: 0113 496 0000
    if digits.startswith(("01", "03", "07", "08")):
        return f"{digits[:5]} {digits[5:]}"  # 01904 123456, 07700 900123
    return None


# CQC's specialisms ("Caring for adults over 65 yrs") and other usual words, to service user bands.
SPECIALISMS = {
    "caring for adults over 65 yrs": ServiceUserBand.OLDER_PEOPLE,
    "older people": ServiceUserBand.OLDER_PEOPLE,
    "caring for adults under 65 yrs": ServiceUserBand.YOUNGER_ADULTS,
    "younger adults": ServiceUserBand.YOUNGER_ADULTS,
    "dementia": ServiceUserBand.DEMENTIA,
    "learning disabilities": ServiceUserBand.LEARNING_DISABILITIES,
    "learning disabilities or autistic spectrum disorder": ServiceUserBand.LEARNING_DISABILITIES,
    "autism": ServiceUserBand.LEARNING_DISABILITIES,
    "mental health conditions": ServiceUserBand.MENTAL_HEALTH,
    "physical disabilities": ServiceUserBand.PHYSICAL_DISABILITIES,
    "sensory impairments": ServiceUserBand.SENSORY_IMPAIRMENT,
    "sensory impairment": ServiceUserBand.SENSORY_IMPAIRMENT,
    "substance misuse problems": ServiceUserBand.SUBSTANCE_MISUSE,
    "eating disorders": ServiceUserBand.EATING_DISORDERS,
    "caring for the whole population": ServiceUserBand.WHOLE_POPULATION,
    "whole population": ServiceUserBand.WHOLE_POPULATION,
}
# Every rating CQC publishes, in its words; "Not rated" is CQC's too.
RATINGS = {label.lower(): value for value, label in CqcRating.choices} | {"not rated": CqcRating.NOT_YET_RATED}


def rating_of(text: str) -> str | None:
    """'Requires improvement' -> 'requires_improvement'; None when it is not one of CQC's ratings."""
    return RATINGS.get(" ".join((text or "").split()).lower())


def service_type_of(text: str) -> str | None:
    """With or without nursing, from CQC's service type ("Care home service with nursing",
    "Nursing homes", "Residential homes") or a council's words; "Domiciliary care service" (a
    home-care agency, ADR 019) only when it names no care home service, which wins; None when
    it says none of them."""
    lowered = (text or "").lower()
    if "with nursing" in lowered.replace("without nursing", "") or "nursing home" in lowered:
        return ServiceType.WITH_NURSING
    if "without nursing" in lowered or "residential" in lowered:
        return ServiceType.WITHOUT_NURSING
    if "domiciliary" in lowered or re.search(r"home[ -]?care agenc", lowered):
        return ServiceType.DOMICILIARY
    return None


def bands_of(names: list[str]) -> list[str]:
    """Service user bands from specialisms' names, in order, once each; unknown names are left out."""
    bands = []
    for name in names:
        band = SPECIALISMS.get(name.strip().lower())
        if band and band not in bands:
            bands.append(band)
    return bands
