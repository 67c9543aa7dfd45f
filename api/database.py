"""The changes feed's logic in the database (api/sql/): triggers on homes' and vacancies' tables
note each home a transaction changed, once, with its council and provider (ADR 013)."""

from tracker.database_objects import declared

OBJECTS = declared("api")
