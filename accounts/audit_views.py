"""The audit trail for service admins: filter, read, export."""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import AuditEvent, action_labels
from accounts.permissions import permission_required, reads_audit_trail
from tracker.csv_export import csv_response
from tracker.forms import NhsFormMixin


class AuditFilterForm(NhsFormMixin, forms.Form):
    all_optional = True
    # Every app's actions, as they registered them (read when the form is drawn: apps are ready).
    action = forms.ChoiceField(
        label="What", choices=lambda: [("", "Everything"), *action_labels().items()], required=False
    )
    who = forms.CharField(label="Email contains", required=False, max_length=254)
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _events(request):
    form = AuditFilterForm(request.GET)
    events = AuditEvent.objects.select_related("user")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["who"]:
            events = events.filter(email__icontains=data["who"])
        if data["start"]:
            events = events.filter(
                at__gte=timezone.make_aware(datetime.datetime.combine(data["start"], datetime.time.min))
            )
        if data["end"]:
            end = timezone.make_aware(datetime.datetime.combine(data["end"], datetime.time.min))
            events = events.filter(at__lt=end + datetime.timedelta(days=1))
    return form, events


@require_GET
@permission_required(reads_audit_trail)
def audit_log(request) -> HttpResponse:
    form, events = _events(request)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit.jinja", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
@permission_required(reads_audit_trail)
def audit_csv(request):
    _form, events = _events(request)
    labels = action_labels()
    rows = (
        [
            timezone.localtime(e.at).isoformat(),
            labels.get(e.action, e.action),
            e.email,
            e.ip_address or "",
            e.target,
            e.detail,
            e.user_agent,
            e.request_id,
        ]
        for e in events.iterator(chunk_size=2000)
    )
    return csv_response(
        "audit.csv", ["When", "What", "Who", "From", "To what", "Detail", "Browser", "Request id"], rows
    )
