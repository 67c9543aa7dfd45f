"""CQC's facts: what no source gave becomes NULL, "not known" (issue 24).

- The key questions' "" (no rating given) becomes NULL: it always meant the source gave none.
- A real home's "Not yet rated" becomes NULL (not known). Until now a file without a rating
  column, and the add form's default, stored "Not yet rated" for a home CQC may well have
  rated; such rows cannot be told apart from a CQC "Not yet rated" any more (the files are
  not kept). "Not known" links families to the home's CQC page and is never false; the
  next import of a CQC file with ratings, or the CQC sync, says "Not yet rated" again
  where CQC does. Each such home gets a history row saying so. The demo and benchmark
  homes (is_synthetic) keep theirs: their builders chose them.
"""

from django.db import migrations

KEY_QUESTIONS = ["rating_safe", "rating_effective", "rating_caring", "rating_responsive", "rating_well_led"]
NOTE = (
    "Not yet rated could not be told from a file without a rating column: "
    "not known until data from CQC is imported again"
)
FORWARD = f"""
UPDATE homes_carehome SET {", ".join(f"{c} = NULLIF({c}, '')" for c in KEY_QUESTIONS)}
 WHERE '' IN ({", ".join(KEY_QUESTIONS)});
INSERT INTO homes_carehomechange (home_id, changed_by_id, changed_at, version, field, old_value, new_value,
                                  source, organisation, note)
SELECT id, NULL, now(), version, 'cqc_rating', 'Not yet rated', 'Not known', 'person', '', {NOTE!r}
  FROM homes_carehome WHERE cqc_rating = 'not_yet_rated' AND NOT is_synthetic;
UPDATE homes_carehome SET cqc_rating = NULL, cqc_rating_date = NULL
 WHERE cqc_rating = 'not_yet_rated' AND NOT is_synthetic;
"""
# Back: what the old columns could hold (the history rows stay: they happened).
BACKWARD = f"""
UPDATE homes_carehome SET cqc_rating = 'not_yet_rated', cqc_rating_date = NULL WHERE cqc_rating IS NULL;
UPDATE homes_carehome SET {", ".join(f"{c} = COALESCE({c}, '')" for c in KEY_QUESTIONS)};
"""


class Migration(migrations.Migration):
    dependencies = [("homes", "0008_cqc_facts_not_known")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
