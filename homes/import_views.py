"""Bulk onboarding pages: upload, live progress, preview, import."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.roles import roles_for
from homes import csv_import, tasks
from homes.models import ImportJob, LocalAuthority
from homes.views import require_onboarding
from tracker.csv_export import csv_response
from tracker.forms import NhsFormMixin
from tracker.http import HtmxHttpRequest


class UploadForm(NhsFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file of care homes",
        help_text="CQC's API extract or care directory CSV, up to 20 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"empty": "The file is empty", "required": "Choose a CSV file to upload"},
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.text = None
        if len(areas) > 1:
            self.fields["local_authority"] = forms.ModelChoiceField(
                queryset=areas, label="Council area", empty_label=None
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB. Split it into smaller files.")
        try:
            self.text = csv_import.decode(upload.read())
            csv_import.read_header(self.text)
        except csv_import.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


def _job_for(request, pk) -> ImportJob:
    require_onboarding(request)
    return get_object_or_404(ImportJob.objects.for_user(request.user).select_related("local_authority"), pk=pk)


@require_http_methods(["GET", "POST"])
def upload(request: HtmxHttpRequest) -> HttpResponse:
    require_onboarding(request)
    roles = roles_for(request.user)
    areas = LocalAuthority.objects.filter(pk__in=roles.council_la_ids)
    form = UploadForm(request.POST or None, request.FILES or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        if roles.is_service_admin and not roles.is_council_admin:
            area = None
        else:
            area = form.cleaned_data.get("local_authority") or areas.first()
        job = ImportJob.objects.create(
            uploaded_by=request.user,
            local_authority=area,
            filename=form.cleaned_data["file"].name[:255],
            content=form.text,
        )
        tasks.check_import.enqueue(job.pk)
        return redirect("homes:import_detail", pk=job.pk)
    recent = ImportJob.objects.for_user(request.user).defer("content")[:10]
    return render(request, "homes/import_upload.html", {"form": form, "recent": recent, "columns": csv_import.COLUMNS})


@require_GET
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    template = "homes/import_detail.html#status" if request.htmx else "homes/import_detail.html"
    return render(request, template, {"job": job, "problems": job.problems[:200]})


@require_POST
def start(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.IMPORTING
    )
    if updated:
        tasks.run_import.enqueue(job.pk)
        audit.record(audit.Action.HOMES_IMPORTED, target=job.filename,
                     detail=f"{job.to_create} to add, {job.to_update} to update")  # fmt: skip
    else:
        messages.error(request, "This file has already been imported or cancelled.")
    return redirect("homes:import_detail", pk=job.pk)


@require_POST
def cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    cancelled = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.CHECKING, ImportJob.Status.READY]
    ).update(status=ImportJob.Status.CANCELLED, content="")
    if cancelled:
        messages.success(request, f"{job.filename} was not imported. Nothing changed.")
    return redirect("homes:import_upload")


@require_GET
def problems_csv(request: HtmxHttpRequest, pk: int):
    job = _job_for(request, pk)
    rows = ([p["row"], p["id"], p["reason"]] for p in job.problems)
    return csv_response(f"import-{job.pk}-problems.csv", ["Row", "CQC location ID", "Problem"], rows)
