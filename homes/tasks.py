"""Background work, run by `manage.py db_worker`: bulk imports, and the daily CQC sync."""

import datetime
import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from homes import cqc_sync, csv_import
from homes.models import CqcSyncRun, ImportJob

logger = logging.getLogger(__name__)
# A run that stopped (CQC unavailable) is tried again this soon, not the next day.
RETRY_STOPPED = datetime.timedelta(minutes=30)

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


@task()
def sync_cqc(full: bool = False, daily: bool = False) -> None:
    """The CQC sync (homes/cqc_sync.py), by the worker: every day (``daily``: it schedules the
    next), or on demand. A run that stops (CQC unavailable) is tried again within the hour."""
    run = None
    try:
        run = cqc_sync.sync(full=full)
        logger.info("CQC sync: %s", summary(run))
    except (cqc_sync.NoKey, cqc_sync.Busy) as reason:
        logger.warning("CQC sync: %s", reason)
    finally:
        if daily:
            stopped = run is not None and run.status == CqcSyncRun.Status.STOPPED
            schedule_daily_sync(soon=stopped)


def _next_daily(now: datetime.datetime) -> datetime.datetime:
    today = timezone.localtime(now)
    at = today.replace(hour=settings.CQC_SYNC_TIME.hour, minute=settings.CQC_SYNC_TIME.minute, second=0, microsecond=0)
    return at if at > today else at + datetime.timedelta(days=1)


def schedule_daily_sync(*, soon: bool = False, now: datetime.datetime | None = None) -> datetime.datetime:
    """Make sure the worker will run the daily CQC sync: one waiting task, at CQC_SYNC_AT (or
    within the hour, ``soon``, to carry on a run that stopped). When it runs, it schedules the next."""
    now = now or timezone.now()
    when = now + RETRY_STOPPED if soon else _next_daily(now)
    with transaction.atomic():
        with connection.cursor() as cursor:  # two workers scheduling at once make one task, not two
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [cqc_sync.LOCK_KEY + 1])
        waiting = DBTaskResult.objects.filter(
            task_path=f"{sync_cqc.module_path}", status=TaskResultStatus.READY, args_kwargs__kwargs__daily=True
        )
        found = waiting.order_by("run_after").first()
        if found is not None and not soon:
            return found.run_after
        waiting.delete()
        sync_cqc.using(run_after=when).enqueue(daily=True)
    return when


def summary(run: CqcSyncRun) -> str:
    """A run in one line, for logs and the command."""
    counts = ", ".join(f"{number:,} {what}" for what, number in sorted(run.counts.items(), key=lambda kv: -kv[1]))
    took = (run.finished_at or timezone.now()) - run.started_at
    return (
        f"{run.get_kind_display()} ({run.get_status_display().lower()}): {counts or 'nothing read'}; "
        f"{run.requests:,} requests to CQC ({run.retries:,} tried again) in {took.total_seconds():,.0f} s"
        + (f". {run.error}" if run.error else "")
    )
