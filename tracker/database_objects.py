"""The database's own logic, where a reader finds it: each SQL function, with the triggers that
call it, and each view, in one file of its app's ``sql/`` folder, as it is in the database now
(docs/adr/022-database-objects.md). Constants the SQL shares with Python (the CQC rating order)
are written ``{{ name }}`` in the file and filled in from the Python that owns them, so they are
written once.

Migrations stay the history: a change to an object is its file edited and a migration that runs
the new text. ``tests/test_database_objects.py`` fails while the database and the files differ.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")
CREATES = re.compile(r"CREATE OR REPLACE (FUNCTION|TRIGGER|VIEW) (\w+)")


@dataclass(frozen=True)
class SqlFile:
    """One file of an app's ``sql/`` folder, its constants filled in."""

    app: str
    name: str
    sql: str

    def statements(self) -> list[str]:
        return statements(self.sql)

    def objects(self) -> list[tuple[str, str]]:
        """(kind, name) of each function, trigger and view the file creates."""
        return [match.groups() for statement in self.statements() if (match := CREATES.match(statement))]


def declared(app: str, **values: str) -> dict[str, SqlFile]:
    """The files of ``app``'s ``sql/`` folder by name, ``{{ name }}`` replaced by ``values[name]``
    (a name the file uses and ``values`` lacks is an error, not an empty string)."""
    folder = Path(apps.get_app_config(app).path) / "sql"
    found = {}
    for path in sorted(folder.glob("*.sql")):
        text = PLACEHOLDER.sub(lambda match: values[match.group(1)], path.read_text())
        found[path.stem] = SqlFile(app, path.stem, text)
    return found


def statements(sql: str) -> list[str]:
    """``sql`` split into statements at the semicolons outside $$-quoted bodies and comments."""
    found, current, quoted = [], [], False
    for line in sql.splitlines(keepends=True):
        if not quoted and line.lstrip().startswith("--"):
            continue
        quoted ^= line.count("$$") % 2 == 1
        current.append(line)
        if not quoted and line.rstrip().endswith(";"):
            found.append("".join(current).strip())
            current = []
    if "".join(current).strip():
        found.append("".join(current).strip())
    return found
