"""What the benchmark's sending journeys make, and taking it away again (bench/run.py)."""

from django_tasks_db.models import DBTaskResult

from enquiries.models import Enquiry, Notice

SENT_BY_BENCH = "Bench "  # the reference of every enquiry and package request the sending journeys make


def forget_sends(coordinator: str) -> int:
    """Delete the enquiries and package requests the sending journeys made (the benchmark's
    coordinator's, referenced "Bench n"), with their referrals, packages and notices, and the
    notice tasks they queued (no worker runs during a benchmark). Each run then measures the
    dataset's own inboxes, not inboxes grown by every earlier run's sends: the busiest had
    reached 6,456 open enquiries (the dataset's own busiest: 8). Returns how many it deleted."""
    made = Enquiry.objects.filter(created_by__email=coordinator, reference__startswith=SENT_BY_BENCH)
    notices = set(Notice.objects.filter(referral__enquiry__in=made).values_list("pk", flat=True))
    queued = DBTaskResult.objects.filter(task_path="enquiries.notices.send_notices", status="READY")
    theirs = [task.pk for task in queued.only("args_kwargs") if set(task.args_kwargs["args"][0]) <= notices]
    count = made.count()
    made.delete()
    DBTaskResult.objects.filter(pk__in=theirs).delete()
    return count
