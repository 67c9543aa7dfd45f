"""The area dashboard: a council's capacity, its stale homes, reminders, trends, extracts."""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.permissions import may_see_areas, permission_required
from registers.models import CareHome, dialable
from tracker.csv_export import csv_response
from tracker.forms import NhsFormMixin
from tracker.http import HtmxHttpRequest
from vacancies import areas, trends
from vacancies.cards import url_for_each
from vacancies.freshness import Freshness, freshness
from vacancies.models import CategoryVacancy, VacancyChange
from vacancies.reminders import remind_stale, send_reminder


class PeriodForm(NhsFormMixin, forms.Form):
    """The history extract's dates."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be on or after the start date")
            elif (end - start).days > 366:
                self.add_error("end", "Choose a period of a year or less")
        return cleaned


class AreaForm(NhsFormMixin, forms.Form):
    """Which area the dashboard shows (service admins, and councils with several)."""

    area = forms.ChoiceField(label="Area", widget=forms.Select(attrs={"id": "area"}))

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(area.key, area.label) for area in areas]


class TrendPeriodForm(NhsFormMixin, forms.Form):
    period = forms.ChoiceField(
        label="Period",
        choices=[(key, f"{days} days") for key, days in areas.PERIODS.items()],
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
    )


@dataclass(slots=True)
class StaleHome:
    """What the stale homes' list shows of a home: plain values read by name, not the home's row
    (descriptions, facilities: wide to sort) made into an object, 50 times."""

    pk: int
    name: str
    council: str
    phone: str
    tel: str  # for a tel: link
    email: str
    freshness: Freshness
    reminded_today: datetime.datetime | None


def _period(request) -> str:
    period = request.GET.get("period", "30")
    return period if period in areas.PERIODS else "30"


def _charts(area: areas.Area, period: str) -> tuple[str, str]:
    """The area's two trend charts, drawn ("" where there are no snapshots). Kept in this process
    by the area, the period, the day and where the snapshots stand (areas.snapshots_written: one
    small statement, against two aggregate queries and the charts' layout): a night's snapshot,
    or one written again, draws them anew; an area's are never another's."""
    written = "-".join(str(last) for last in areas.snapshots_written())
    key = f"area-charts:{area.key}:{period}:{timezone.localdate()}:{written}"
    cache = caches["local"]
    charts = cache.get(key)
    if charts is None:
        beds_trend, daily_trend = areas.trends(area, areas.PERIODS[period])
        charts = (
            beds_trend and trends.drawn(
                beds_trend, title="Vacant beds accepting admissions per day, by care category",
                heading="Vacant, accepting admissions", chart_id="beds",
            ),
            daily_trend and trends.drawn(
                daily_trend, chart_id="daily", heading="Homes confirming their figures",
                title="Share of homes that confirmed their figures in the last 24 hours and the last 7 days, each day",
            ),
        )  # fmt: skip
        cache.set(key, charts, 24 * 3600)
    return charts


@require_GET
@vary_on_headers("HX-Request")
@permission_required(may_see_areas)
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    visible = areas.areas_for(request.user)  # the area asked for is one of them: no query of its own
    key = request.GET.get("area")
    area = next((area for area in visible if area.key == key), None) if key else (visible[0] if visible else None)
    if area is None:
        raise Http404
    period = _period(request)
    beds_chart, daily_chart = _charts(area, period)
    context = {
        "area": area,
        "period": period,
        "period_choice": TrendPeriodForm(initial={"period": period}),
        "beds_chart": beds_chart,
        "daily_chart": daily_chart,
    }
    if request.htmx and request.GET.get("part") == "trends":
        return render(request, "vacancies/dashboard.jinja#trends", context)
    stale_page = areas.stale_page(area, request.GET.get("page"))
    now, zone = timezone.now(), timezone.get_current_timezone()
    stale_page.object_list = [
        StaleHome(
            pk=row["pk"],
            name=row["name"],
            council=row["council"],
            phone=row["phone"],
            tel=dialable(row["phone"]),
            email=row["email"],
            freshness=freshness(row["confirmed_at"], now, zone),
            reminded_today=row["reminded_today"],
        )
        for row in stale_page.object_list
    ]
    today = timezone.localdate()
    now = areas.position(area)
    context |= {
        "areas": visible,
        "area_form": AreaForm(initial={"area": area.key}, areas=visible),
        "totals": now.totals,
        "closures": now.closures,
        "above_registration": now.above_registration,
        "above_registration_listed": areas.ABOVE_REGISTRATION_LISTED,
        "cqc_week": areas.cqc_week(area),
        "reported": now.reported,
        "bands": now.bands,
        "stale_page": stale_page,
        "home_page_url": url_for_each("vacancies:home"),
        "remind_url": url_for_each("dashboard:remind_one"),
        "period_form": PeriodForm(initial={"start": today - datetime.timedelta(days=30), "end": today}),
    }
    if request.htmx and request.GET.get("part") == "stale":
        return render(request, "vacancies/dashboard.jinja#stale", context)
    return render(request, "vacancies/dashboard.jinja", context)


@require_POST
@permission_required(may_see_areas)
def remind_one(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    area = areas.area_or_404(request)
    home = get_object_or_404(area.homes(), pk=pk)
    if send_reminder(home, by=request.user):
        messages.success(request, f"Reminder sent to {home.name}.")
    else:
        messages.info(request, f"{home.name} was already reminded today, or has nobody to email.")
    return redirect(f"{_dashboard_url(area)}#stale-homes")


@require_POST
@permission_required(may_see_areas)
def remind_all(request: HtmxHttpRequest) -> HttpResponse:
    area = areas.area_or_404(request)
    stale = areas.stale_home_ids(area)
    homes = CareHome.objects.in_bulk(stale)
    reminded, skipped = remind_stale([homes[pk] for pk in stale if pk in homes], by=request.user)  # one gone since
    messages.success(
        request,
        f"Reminders sent to {reminded} home{pluralize(reminded)}."
        + (f" {skipped} skipped: reminded already today, or nobody to email." if skipped else ""),
    )
    return redirect(f"{_dashboard_url(area)}#stale-homes")


def _dashboard_url(area) -> str:
    return f"{reverse('dashboard:dashboard')}?area={area.key}"


@require_GET
@permission_required(may_see_areas)
def position_csv(request: HtmxHttpRequest):
    area = areas.area_or_404(request)
    rows = (
        CategoryVacancy.objects.filter(area.scope("home__"), home__status="active")
        .select_related("home__vacancies", "home__local_authority")
        .order_by("home__name", "category")
    )

    def lines():
        for row in rows.iterator(chunk_size=2000):
            home, board = row.home, getattr(row.home, "vacancies", None)
            yield [
                home.name, home.cqc_location_id, home.local_authority.name, home.postcode, row.get_category_display(),
                row.capacity, row.occupied, row.vacant_accepting, row.vacant_unavailable, row.unavailable_reason,
                row.get_sex_display(), "yes" if row.closed or (board and board.closed_to_admissions) else "no",
                board.last_confirmed_at.isoformat() if board and board.last_confirmed_at else "never",
                home.phone, home.email,
            ]  # fmt: skip

    header = ["Home", "CQC location ID", "Local authority", "Postcode", "Care category", "Registered beds", "Occupied",
              "Vacant accepting", "Vacant not available", "Why not available", "Vacant beds are for",
              "Closed to admissions", "Last confirmed", "Phone", "Email"]  # fmt: skip
    return csv_response(f"capacity-{area.key.replace(':', '-')}-{timezone.localdate()}.csv", header, lines())


@require_GET
@permission_required(may_see_areas)
def history_csv(request: HtmxHttpRequest):
    area = areas.area_or_404(request)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "vacancies/history_extract_error.jinja", {"form": form, "area": area}, status=400)
    start = timezone.make_aware(datetime.datetime.combine(form.cleaned_data["start"], datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(form.cleaned_data["end"], datetime.time.min)
    ) + datetime.timedelta(days=1)
    changes = (
        VacancyChange.objects.filter(area.scope("update__home__"), update__made_at__gte=start, update__made_at__lt=end)
        .select_related("update__home", "update__made_by")
        .order_by("update__made_at", "id")
    )

    def lines():
        for change in changes.iterator(chunk_size=2000):
            update = change.update
            yield [
                timezone.localtime(update.made_at).isoformat(), update.home.name, update.home.cqc_location_id,
                change.get_category_display() if change.category else "Whole home", change.field,
                change.old_value, change.new_value, update.made_by.email if update.made_by else update.via,
            ]  # fmt: skip

    header = ["When", "Home", "CQC location ID", "Care category", "Field", "Old value", "New value", "By"]
    name = f"history-{area.key.replace(':', '-')}-{form.cleaned_data['start']}-{form.cleaned_data['end']}.csv"
    return csv_response(name, header, lines())
