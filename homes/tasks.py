"""Background work for bulk imports, run by `manage.py db_worker`."""

import time

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from homes import csv_import
from homes.models import ImportJob

MAX_PROBLEMS_KEPT = 5000


def _allowed(job: ImportJob) -> set[int] | None:
    return None if job.local_authority_id is None else {job.local_authority_id}


def _as_rows(problems) -> list[dict]:
    return [{"row": p.row, "id": p.location_id, "reason": p.reason} for p in problems[:MAX_PROBLEMS_KEPT]]


@task()
def check_import(job_id: int) -> None:
    """The dry run: what would be added, updated and archived, which rows are bad."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return
    job.status = ImportJob.Status.CHECKING
    job.save(update_fields=["status"])

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(checked_rows=done, total_rows=total)

    try:
        plan = csv_import.plan(job.content, job.columns, allowed_la_ids=_allowed(job), progress=progress)
    except csv_import.ImportFileError as error:
        _fail(job, str(error))
        return
    except Exception:  # a job that stops must say so, never stay "checking"
        _fail(job, "The file could not be checked because of a fault on our side. It has been logged; try again.")
        raise
    job.refresh_from_db(fields=["status"])
    if job.status != ImportJob.Status.CHECKING:
        return  # cancelled meanwhile
    job.total_rows = job.checked_rows = plan.total_rows
    job.to_create, job.to_update, job.to_archive = len(plan.creates), len(plan.updates), len(plan.archives)
    job.unchanged = plan.unchanged
    job.preview = csv_import.preview(plan)
    job.problems, job.warnings = _as_rows(plan.problems), _as_rows(plan.warnings)
    job.skipped = plan.skipped
    job.ignored_columns = plan.ignored_columns
    job.status = ImportJob.Status.READY
    job.save()


@task()
def run_import(job_id: int) -> None:
    """The commit: all of the file's good rows, or nothing."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJob.Status.IMPORTING:
            return
    started = time.monotonic()
    try:
        plan = csv_import.plan(job.content, job.columns, allowed_la_ids=_allowed(job))
        created, updated, archived = csv_import.apply(plan, user=job.uploaded_by, filename=job.filename)
    except Exception as error:  # the transaction rolled back: nothing was imported
        _fail(job, f"Nothing was imported: {error}")
        raise
    job.created_count, job.updated_count, job.archived_count = created, updated, archived
    job.seconds_taken = time.monotonic() - started
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.content = ""  # the homes are in the database now; do not keep a second copy
    job.save()


def _fail(job: ImportJob, message: str) -> None:
    job.status = ImportJob.Status.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
