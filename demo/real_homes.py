"""The rule both builders keep: beside real homes, add nothing unless told to (docs/adr/010-synthetic-data.md)."""

from django.core.management.base import BaseCommand
from django.template.defaultfilters import pluralize

from registers.models import CareHome

ALONGSIDE = "--alongside-real-homes"


def add_flag(parser, what: str) -> None:
    parser.add_argument(
        ALONGSIDE,
        action="store_true",
        help=f"Add {what} even though the database holds real homes (they are never touched).",
    )


def real_homes(command: BaseCommand, *, alongside: bool, what: str) -> int | None:
    """How many real homes the database holds; None (after one line saying so) when the
    builder must stop: there are some, and it was not told to build beside them."""
    real = CareHome.locations.filter(is_synthetic=False).count()  # agencies are real data too
    if real and not alongside:
        command.stdout.write(
            f"This database holds {real:,} real care home{pluralize(real)}, so {what} "
            f"({ALONGSIDE} adds it beside them)."
        )
        return None
    return real
