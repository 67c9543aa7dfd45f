"""The monthly return's pages: a person's care homes and home-care agencies and their returns
this month, one location's return (one tap when nothing changed), the link in a reminder, a
provider's CSV, and a council's view of who has answered, who is at risk of a penalty notice,
and its workforce over time. Each page serves both kinds of location: the definition says
which questions each kind answers."""

import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q, Window
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts import audit
from accounts.permissions import SUBMIT_RETURN, answers_returns, follows_returns, permission_required
from homes.access import allowed, location_permission_required
from registers.models import CareHome
from returns import compliance, definition, figures, links, reminders, upload
from returns.audit_actions import ReturnAction
from returns.forms import ReturnForm, UploadForm
from returns.models import MonthlyReturn
from returns.submissions import (
    Closed,
    Conflict,
    Refused,
    live_beds,
    prefilled,
    staff_limit_beds,
    submit,
    unchanged_is_possible,
)
from returns.window import month_of, next_window, open_window, previous_month, window_for
from tracker.csv_export import csv_response
from tracker.http import HtmxHttpRequest
from tracker.paging import counted_page
from tracker.uploads import upload_refused
from vacancies import areas


def _homes(request):
    """The care homes and home-care agencies whose returns this person answers."""
    return allowed(CareHome.locations, SUBMIT_RETURN, request.user).active()


def _area_locations(area):
    """The area's active care homes and home-care agencies: every one of them answers the return."""
    return CareHome.locations.active().filter(area.scope())


# --- a person's homes ------------------------------------------------------------------------


CAPTIONS = {frozenset({definition.CARE_HOME}): "Your homes' returns",
            frozenset({definition.HOME_CARE}): "Your agencies' returns"}  # fmt: skip


@require_GET
@permission_required(answers_returns)
def my_returns(request: HtmxHttpRequest) -> HttpResponse:
    """Every location this person answers for, and where its return for this month stands."""
    window = open_window()
    homes = _homes(request).only("pk", "name", "cqc_location_id", "kind").order_by("name")
    # The page, its total and how many of them are agencies (for the words) in one statement.
    agencies_in_all = Window(Count("pk", filter=Q(kind=definition.HOME_CARE)))
    page = counted_page(homes.annotate(agencies_in_all=agencies_in_all), request.GET.get("page"), 100)
    month = window.month if window else None
    answered = (
        {row.home_id: row for row in MonthlyReturn.objects.filter(home__in=page.object_list, month=month)
         .only("home_id", "submitted_at")} if month else {}
    )  # fmt: skip
    for home in page.object_list:
        home.month_return = answered.get(home.pk)
    submitted = MonthlyReturn.objects.filter(home__in=homes.values("pk"), month=month).count() if month else 0
    total = page.paginator.count
    kinds = definition.kinds_among(total, page.object_list[0].agencies_in_all if total else 0)
    context = {
        "window": window,
        "next_window": next_window(),
        "page": page,
        "total": total,
        "noun": definition.noun(total, kinds),
        "submitted": submitted,
        "caption": CAPTIONS.get(frozenset(kinds), "Your homes' and agencies' returns"),
    }
    return render(request, "returns/my_returns.jinja", context)


@require_POST
@permission_required(answers_returns)
def submit_together(request: HtmxHttpRequest) -> HttpResponse:
    """A provider's homes that have not answered this month, each unchanged from last month
    where last month's answers make a whole return; the others are listed to answer one by one."""
    window = open_window()
    if window is None:
        messages.error(request, str(Closed()))
        return redirect("returns:mine")
    done, left, kinds = 0, [], set()
    for home in _homes(request).exclude(
        pk__in=MonthlyReturn.objects.filter(month=window.month).values("home_id")
    ).order_by("name"):  # fmt: skip
        _, answers = prefilled(home, window.month)
        try:
            if not unchanged_is_possible(home, window.month, answers):
                raise Refused({})
            submit(home, answers, user=request.user, via=MonthlyReturn.Via.TOGETHER, loaded_version=0)
            done += 1
            kinds.add(home.kind)
        except (Refused, Conflict):
            left.append(home)
    if done:
        messages.success(request, f"Submitted {done} {definition.noun(done, kinds)}' returns for {window.label}, "
                                  "unchanged from last month.")  # fmt: skip
    if left:
        names = ", ".join(home.name for home in left[:20])
        messages.warning(request, f"{len(left)} {definition.noun(len(left), {home.kind for home in left})} "
                                  f"need{'' if len(left) != 1 else 's'} answers before submitting: {names}"
                                  f"{'…' if len(left) > 20 else ''}.")  # fmt: skip
    if not done and not left:
        messages.info(request, f"Every {definition.noun(1, _homes(request).values_list('kind', flat=True))} has "
                               f"already answered for {window.label}.")  # fmt: skip
    return redirect("returns:mine")


# --- one home's return -------------------------------------------------------------------------


def _answered_words(current: MonthlyReturn | None) -> str:
    if current is None:
        return ""
    who = current.submitted_by.get_full_name() if current.submitted_by else current.get_via_display().lower()
    return f"{timezone.localtime(current.submitted_at):%H:%M on %A %-d %B} by {who}"


@require_http_methods(["GET", "POST"])
@location_permission_required(SUBMIT_RETURN, "provider")
def home_return(request: HtmxHttpRequest, home: CareHome) -> HttpResponse:
    """This month's return for one care home or home-care agency: pre-filled (this month's
    answers, else last month's); one tap submits it unchanged, or change what differs.
    Editable until the window closes."""
    if home.status != "active":  # an archived location answers no more returns
        raise Http404
    window = open_window()
    if window is None:
        last = MonthlyReturn.objects.filter(home=home).order_by("-month").first()
        context = {"home": home, "closed": str(Closed()), "last": last, "last_words": _answered_words(last)}
        return render(request, "returns/home_closed.jinja", context)
    current, answers = prefilled(home, window.month)
    beds = live_beds(home)
    limit = staff_limit_beds(home, beds)
    version = current.version if current else 0
    form = ReturnForm(initial={**answers, "version": version}, month=window.month, kind=home.kind, beds=limit)
    context = {"home": home, "window": window, "current": current, "beds": beds, "form": form,
               "answered_words": _answered_words(current),
               "unchanged": not current and unchanged_is_possible(home, window.month, answers),
               "previous": answers if not current else {}}  # fmt: skip
    if request.method == "POST":
        unchanged = request.POST.get("action") == "unchanged"
        if not unchanged:
            form = ReturnForm(request.POST, month=window.month, kind=home.kind, beds=limit)
            context["form"] = form
        try:
            if unchanged:
                loaded = int(request.POST.get("version") or -1)
                submit(home, answers, user=request.user, via=MonthlyReturn.Via.UNCHANGED, loaded_version=loaded)
            elif form.is_valid():
                submit(home, form.answers(), user=request.user, via=MonthlyReturn.Via.FORM,
                       loaded_version=form.cleaned_data["version"], seen=form.answers())  # fmt: skip
            else:
                return render(request, "returns/home_return.jinja", context, status=200)
        except Conflict as conflict:
            # Nothing saved; what they typed stays in the form, against the newer version.
            data = request.POST.copy()
            data["version"] = conflict.current.version
            context["form"] = ReturnForm(data, month=window.month, kind=home.kind, beds=limit)
            context["form"].is_valid()
            context["conflict"], context["current"] = conflict, conflict.current
            context["answered_words"] = _answered_words(conflict.current)
            return render(request, "returns/home_return.jinja", context, status=409)
        except Refused as refused:
            if unchanged:  # last month's answers no longer make a whole return: answer below
                messages.error(request, "Last month's answers cannot be submitted unchanged: "
                                        f"{'; '.join(refused.problems.values())}. Answer below.")  # fmt: skip
            else:
                for key, message in refused.problems.items():
                    form.add_error(key if key in form.fields else None, message)
            context["unchanged"] = False
            return render(request, "returns/home_return.jinja", context, status=200)
        except Closed as closed:
            messages.error(request, str(closed))
            return redirect("returns:home", pk=home.pk)
        messages.success(request, f"{home.name}: submitted for {window.label}. You can change it until the end of "
                                  f"{window.closes:%A} {window.closes.day} {window.closes:%B}.")  # fmt: skip
        return redirect("returns:home", pk=home.pk)
    return render(request, "returns/home_return.jinja", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def from_reminder(request: HtmxHttpRequest, pk: int, token: str) -> HttpResponse:
    """The link in a reminder: the pre-filled return (opening it changes nothing); one tap submits
    it unchanged, without signing in (returns/links.py)."""
    try:
        home, month = links.read(pk, token)
    except links.LinkProblem as problem:
        return render(request, "returns/reminder_link.jinja", {"problem": problem}, status=problem.status)
    window = window_for(month)
    current, answers = prefilled(home, month)
    context = {
        "home": home, "window": window, "current": current, "answered_words": _answered_words(current),
        "rows": _answer_rows(month, home.kind, answers), "beds": live_beds(home),
        "unchanged": current is None and unchanged_is_possible(home, month, answers),
        "sign_in": reverse("returns:home", args=[home.pk]),
    }  # fmt: skip
    if request.method == "POST" and context["unchanged"]:
        # Answered meanwhile, or just closed: the page then says where it stands.
        with contextlib.suppress(Conflict, Refused, Closed):
            submit(home, answers, user=None, via=MonthlyReturn.Via.REMINDER, loaded_version=0)
        return redirect(request.path)
    return render(request, "returns/reminder_link.jinja", context)


def _answer_rows(month: datetime.date, kind: str, answers: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answers in words, by group, for a page that shows them without a form."""
    return [
        (group, [(q.label, dict(q.choices).get(answers.get(q.key), "") if q.kind == definition.CHOICE
                  else ("" if answers.get(q.key) is None else str(answers.get(q.key)))) for q in questions])
        for group, questions in definition.groups_for(month, kind)
    ]  # fmt: skip


# --- a provider's CSV --------------------------------------------------------------------------


@require_GET
@permission_required(answers_returns)
def template_csv(request: HtmxHttpRequest) -> HttpResponse:
    """The CSV to fill in: a row per location, with this month's answers or last month's."""
    window = next_window()
    homes = list(_homes(request).order_by("name"))
    columns = upload.columns(window, {home.kind for home in homes})
    return csv_response(f"returns-{window.month:%Y-%m}.csv", columns, upload.template_rows(homes, window, columns))


@require_http_methods(["GET", "POST"])
@permission_required(answers_returns)
def upload_csv(request: HtmxHttpRequest) -> HttpResponse:
    """Every location's return from one CSV: all of them, or none with every problem listed."""
    window = open_window()
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    kinds = set(_homes(request).values_list("kind", flat=True).distinct())
    context = {"form": form, "window": window, "next_window": next_window(), "problems": [],
               "columns": upload.columns(window or next_window(), kinds)}  # fmt: skip
    if posted and upload_refused(request):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", "The file is larger than 20 MB: split it into smaller files")
    elif posted and window is None:
        form.is_valid()
        form.add_error("file", str(Closed()))
    elif posted and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”")
        else:
            homes = {home.cqc_location_id: home for home in _homes(request).select_related("provider")}
            checked = upload.check(text, homes, window, kinds)
            if not checked.problems:
                try:
                    count = upload.save(checked, request.user)
                except upload.ABORTS as problem:
                    reason = "someone changed a return meanwhile" if isinstance(problem, Conflict) else problem
                    form.add_error("file", f"Nothing was submitted: {reason}. Upload the file again.")
                else:
                    noun = definition.noun(count, {home.kind for home, _, _ in checked.rows})
                    messages.success(request, f"Submitted {count} {noun}' returns for {window.label} from the file.")
                    return redirect("returns:mine")
            else:
                form.add_error("file", f"Nothing was submitted: the file has {len(checked.problems)} "
                                       f"problem{pluralize(len(checked.problems))}, listed below")  # fmt: skip
                context["problems"] = checked.problems
    return render(request, "returns/upload.jinja", context)


# --- a council's view --------------------------------------------------------------------------


def _month(request) -> datetime.date:
    """The month asked for (?month=2026-11), or the current window's (else the last one's)."""
    text = request.GET.get("month", "")
    try:
        return month_of(datetime.date.fromisoformat(f"{text}-01")) if text else _latest_month()
    except ValueError:
        raise Http404 from None


def _latest_month() -> datetime.date:
    today = timezone.localdate()
    window = window_for(today)
    return window.month if today >= window.opens else previous_month(window.month)


@require_GET
@vary_on_headers("HX-Request")
@permission_required(follows_returns)
def area_returns(request: HtmxHttpRequest) -> HttpResponse:
    """Who in the area (its care homes and home-care agencies) has answered this month; who is at
    risk of a penalty notice; the workforce."""
    area = areas.area_or_404(request)
    month = _month(request)
    window = window_for(month)
    standings = compliance.standings(_area_locations(area), this_month=month)
    waiting = [s for s in standings if not s.answered_this_month]
    workforce = figures.workforce(area, latest=month, locations=[(s.home_id, s.kind) for s in standings])
    kinds = {s.kind for s in standings}
    by_kind = [
        (definition.noun(2, {kind}), sum(s.answered_this_month for s in theirs), len(theirs))
        for kind in definition.KINDS
        if (theirs := [s for s in standings if s.kind == kind])
    ]
    context = {
        "area": area, "areas": areas.areas_for(request.user), "window": window, "month": month,
        "is_open": timezone.localdate() in window, "total": len(standings),
        "answered": len(standings) - len(waiting), "by_kind": by_kind if len(by_kind) > 1 else [],
        # Rounded as Django's {% widthratio %} did (half to even), the share the page showed.
        "answered_percent": round((len(standings) - len(waiting)) / len(standings) * 100) if standings else 0,
        "noun": definition.noun(len(standings), kinds), "noun_one": definition.noun(1, kinds),
        "waiting": waiting[:200], "waiting_count": len(waiting),
        "over": [s for s in standings if s.status == compliance.OVER],
        "at_risk": [s for s in standings if s.status == compliance.AT_RISK],
        "workforce": workforce, "trend": figures.workforce_trend(workforce),
        "home_care_trend": figures.home_care_trend(workforce),
        "months": _recent_months(),
    }  # fmt: skip
    return render(request, "returns/area.jinja#returns" if request.htmx else "returns/area.jinja", context)


def _recent_months() -> list[datetime.date]:
    month, found = _latest_month(), []
    for _ in range(12):
        found.append(month)
        month = previous_month(month)
    return found


@require_POST
@permission_required(follows_returns)
def chase(request: HtmxHttpRequest) -> HttpResponse:
    """One click: remind every care home and home-care agency in the area that has not answered
    this month's return."""
    area = areas.area_or_404(request)
    window = open_window()
    back = f"{reverse('returns:area')}?area={area.key}"
    if window is None:
        messages.error(request, str(Closed()))
        return redirect(back)
    waiting = list(reminders.unanswered(_area_locations(area), window).order_by("pk"))
    reminded, skipped = reminders.remind(waiting, window, by=request.user)
    audit.record(ReturnAction.RETURNS_CHASED, target=area.label, detail=f"{window.label}: {reminded} reminded")
    skipped_words = f" {skipped} skipped: reminded already today, or nobody to email." if skipped else ""
    verb = "have" if reminded != 1 else "has"
    noun = definition.noun(reminded, {home.kind for home in waiting})
    messages.success(request, f"Reminders sent to {reminded} {noun} that {verb} not answered "
                              f"for {window.label}.{skipped_words}")  # fmt: skip
    return redirect(back)


@require_GET
@permission_required(follows_returns)
def workforce_csv(request: HtmxHttpRequest) -> HttpResponse:
    area = areas.area_or_404(request)
    rows = figures.workforce_rows(figures.workforce(area, latest=_month(request)))
    return csv_response(f"workforce-{area.key}.csv", figures.WORKFORCE_HEADER, rows)


@require_GET
@permission_required(follows_returns)
def extract_csv(request: HtmxHttpRequest) -> HttpResponse:
    """The extract for the national collection: one row per location for a month (docs/returns.md)."""
    area = areas.area_or_404(request)
    month = _month(request)
    return csv_response(f"monthly-returns-{month:%Y-%m}-{area.key}.csv", figures.extract_columns(month),
                        figures.extract_rows(_area_locations(area), month))  # fmt: skip
