"""The API's opaque cursors: a kind and whole numbers (``id:<home id>``, ``tx:<txid>:<home id>``),
base64 so partners pass them back untouched rather than build them."""

import base64


class BadCursor(ValueError):
    """Not a cursor this API gave."""


def encode(kind: str, *numbers: int) -> str:
    return base64.urlsafe_b64encode(":".join([kind, *map(str, numbers)]).encode()).decode().rstrip("=")


def decode(cursor: str, kind: str, count: int) -> tuple[int, ...]:
    """The ``count`` numbers of a ``kind`` cursor; BadCursor for anything else, numbers no
    database column holds included."""
    try:
        found, *parts = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split(":")
        numbers = tuple(int(part) for part in parts)
    except ValueError:  # base64, text and numbers alike
        raise BadCursor from None
    if found != kind or len(numbers) != count or not all(-1 <= number < 2**63 for number in numbers):
        raise BadCursor
    return numbers
