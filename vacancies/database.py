"""Vacancies' logic in the database (vacancies/sql/): the search entries' view, their refresh
and the triggers that call it, held beds' counts, and the check that a hold has a free bed."""

from registers.choices import RATING_RANK
from tracker.database_objects import declared


def rating_rank(column: str) -> str:
    """registers.choices.RATING_RANK as SQL over ``column``: a search entry's rank of its home's
    rating (unrated ratings rank 0, as every rating the CASE does not name)."""
    ranked = " ".join(f"WHEN '{rating}' THEN {rank}" for rating, rank in RATING_RANK.items() if rank)
    return f"CASE {column} {ranked} ELSE 0 END"


OBJECTS = declared("vacancies", rating_rank=rating_rank("h.cqc_rating"))
