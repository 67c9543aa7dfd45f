"""Bulk onboarding pages: upload, matching the columns of an unfamiliar file,
live progress, preview, import."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import audit
from accounts.permissions import may_onboard, permission_required
from accounts.roles import roles_for
from homes import csv_import, tasks
from homes.audit_actions import HomeAction
from homes.models import ImportColumnMapping, ImportJob
from registers.models import LocalAuthority
from tracker.csv_export import csv_response
from tracker.forms import NhsFormMixin
from tracker.http import HtmxHttpRequest
from tracker.uploads import upload_refused


def too_large() -> str:
    return f"The file is larger than {filesizeformat(settings.UPLOAD_MAX_BYTES)}. Split it into smaller files."


class UploadForm(NhsFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file of care homes",
        help_text="CQC's API extract, care directory or HSCA active locations, or your own list: up to 20 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={"empty": "The file is empty", "required": "Choose a CSV file to upload"},
    )

    def __init__(self, *args, areas, refused: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.text = None
        self.refused = refused  # over the size limit: nothing of it was kept (tracker/uploads.py)
        if len(areas) > 1:
            self.fields["local_authority"] = forms.ModelChoiceField(
                queryset=areas, label="Council area", empty_label=None
            )

    def clean(self):
        if self.refused:  # the file never arrived, so the field's own "choose a file" would mislead
            self.errors.pop("file", None)
            self.add_error("file", too_large())
        return super().clean()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(too_large())
        try:
            self.text = csv_import.decode(upload.read())
            csv_import.read_header(self.text)
            csv_import.read_rows(self.text)  # every row, so a file the csv module cannot read is refused here
        except csv_import.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


def _job(request, pk) -> ImportJob:
    """One of the imports this person follows (ImportJob.objects.for_user); 404 for any other."""
    return get_object_or_404(ImportJob.objects.for_user(request.user).select_related("local_authority"), pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required(may_onboard)
def upload(request: HtmxHttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    areas = LocalAuthority.objects.filter(pk__in=roles.council_la_ids)
    posted = request.method == "POST"  # a refused file leaves nothing in POST or FILES: still a bound form
    form = UploadForm(
        request.POST if posted else None, request.FILES if posted else None, areas=areas,
        refused=upload_refused(request),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        if roles.is_service_admin and not roles.is_council_admin:
            area = None
        else:
            area = form.cleaned_data.get("local_authority") or areas.first()
        columns = csv_import.columns_for(csv_import.read_header(form.text), _remembered(area))
        job = ImportJob.objects.create(
            uploaded_by=request.user,
            local_authority=area,
            filename=form.cleaned_data["file"].name[:255],
            content=form.text,
            columns=columns.fields if columns.complete else [],
            layout=columns.layout if columns.complete else "",
            status=ImportJob.Status.QUEUED if columns.complete else ImportJob.Status.MAPPING,
        )
        if not columns.complete:  # headings we do not know: the admin says which column is which
            return redirect("homes:import_columns", pk=job.pk)
        tasks.check_import.enqueue(job.pk)
        return redirect("homes:import_detail", pk=job.pk)
    recent = ImportJob.objects.for_user(request.user).defer("content")[:10]
    return render(request, "homes/import_upload.jinja", {"form": form, "recent": recent, "fields": csv_import.FIELDS})


def _remembered(area) -> dict[str, str]:
    """The columns this council (or, for a national import, the service) matched before: heading -> field."""
    return dict(ImportColumnMapping.objects.filter(local_authority=area).values_list("heading", "field"))


class ColumnsForm(NhsFormMixin, forms.Form):
    """Which field each column of an unfamiliar file holds."""

    def __init__(self, *args, header: list[str], samples: list[list[str]], guesses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        groups = _field_groups()
        for index, heading in enumerate(header):
            values = [row[index].strip() for row in samples if index < len(row) and row[index].strip()]
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=heading.strip() or f"Column {index + 1} (no heading)",
                choices=groups,
                required=False,
                initial=guesses[index],
                help_text=("First values: " + " · ".join(values[:3])) if values else "No values in the first rows",
            )

    def chosen(self) -> list[str]:
        return [self.cleaned_data.get(f"column_{index}", "") for index in range(len(self.header))]

    def clean(self):
        cleaned = super().clean()
        fields = self.chosen()
        for index, message in csv_import.check_mapping(self.header, fields).items():
            self.add_error(f"column_{index}", message)
        missing = csv_import.Columns(fields, "").missing
        if missing:
            raise forms.ValidationError("Match a column to each of these: " + ", ".join(missing))
        return cleaned


def _field_groups():
    """The mapping step's choices, grouped as the preview shows them."""
    fields = csv_import.FIELDS
    home = [name for name in fields if not name.startswith(("rating_", "flag:", "band:"))]
    return [
        ("", "Not used"),
        ("The home", [(name, fields[name].label) for name in home]),
        ("CQC's ratings of each key question", [(n, fields[n].label) for n in fields if n.startswith("rating_")]),
        ("Y or N columns", [(n, fields[n].label) for n in fields if n.startswith(("flag:", "band:"))]),
    ]


@require_http_methods(["GET", "POST"])
@permission_required(may_onboard)
def columns(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The mapping step: each column of a file in an unfamiliar layout, its first values, and its field."""
    job = _job(request, pk)
    if job.status != ImportJob.Status.MAPPING:
        return redirect("homes:import_detail", pk=job.pk)
    header = csv_import.read_header(job.content)
    form = ColumnsForm(
        request.POST or None,
        header=header,
        samples=csv_import.sample_rows(job.content),
        guesses=csv_import.suggest(header, _remembered(job.local_authority)),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.chosen()
        with transaction.atomic():
            claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.MAPPING).update(
                columns=fields, layout="Columns matched by you", status=ImportJob.Status.QUEUED
            )
            if claimed:
                for heading, field in zip(header, fields, strict=True):
                    if key := csv_import.heading_key(heading):
                        ImportColumnMapping.objects.update_or_create(
                            local_authority=job.local_authority, heading=key,
                            defaults={"field": field, "chosen_by": request.user},
                        )  # fmt: skip
        if claimed:
            tasks.check_import.enqueue(job.pk)
        return redirect("homes:import_detail", pk=job.pk)
    return render(request, "homes/import_columns.jinja", {"job": job, "form": form})


@require_GET
@permission_required(may_onboard)
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status == ImportJob.Status.MAPPING and not request.htmx:
        return redirect("homes:import_columns", pk=job.pk)
    template = "homes/import_detail.jinja#status" if request.htmx else "homes/import_detail.jinja"
    return render(request, template, {"job": job, "problems": job.problems[:200]})


@require_POST
@permission_required(may_onboard)
def start(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.IMPORTING
    )
    if updated:
        tasks.run_import.enqueue(job.pk)
        detail = f"{job.to_create} to add, {job.to_update} to update, {job.to_archive} to archive"
        audit.record(HomeAction.HOMES_IMPORTED, target=job.filename, detail=detail)
    else:
        messages.error(request, "This file has already been imported or cancelled.")
    return redirect("homes:import_detail", pk=job.pk)


@require_POST
@permission_required(may_onboard)
def cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    cancelled = ImportJob.objects.filter(
        pk=job.pk,
        status__in=[
            ImportJob.Status.MAPPING,
            ImportJob.Status.QUEUED,
            ImportJob.Status.CHECKING,
            ImportJob.Status.READY,
        ],
    ).update(status=ImportJob.Status.CANCELLED, content="")
    if cancelled:
        messages.success(request, f"{job.filename} was not imported. Nothing changed.")
    return redirect("homes:import_upload")


@require_GET
@permission_required(may_onboard)
def problems_csv(request: HtmxHttpRequest, pk: int):
    job = _job(request, pk)
    rows = ([p["row"], p["id"], p["reason"]] for p in job.problems)
    return csv_response(f"import-{job.pk}-problems.csv", ["Row", "CQC location ID", "Problem"], rows)
