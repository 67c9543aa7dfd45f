"""CQC identifiers and phone numbers as people (and CQC's files) write them."""

import re

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
