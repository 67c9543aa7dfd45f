"""Enquiries, both sides: a discharge team sends and follows them (/enquiries/), a home
answers them (/inbox/). Who may do what is in accounts/permissions.py; every step in
enquiries/flows.py."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from accounts import permissions
from accounts.models import Team
from accounts.permissions import (
    VIEW_HOME,
    answers_enquiries,
    follows_enquiries,
    may_send_enquiries,
    permission_required,
)
from accounts.roles import roles_for
from enquiries import flows, inbox_rows
from enquiries.forms import (
    AcceptForm,
    DeclineForm,
    EnquiryForm,
    MessageForm,
    OfferForm,
    PackageRequestForm,
    TeamMessageForm,
)
from enquiries.models import LIVE, OPEN, Enquiry, Message, Referral, Status
from homecare.models import AgencyShortlistEntry
from homes.access import allowed
from registers.models import CareHome, HomeCareAgency
from tracker.http import HtmxHttpRequest
from tracker.paging import counted_page
from vacancies.cards import url_for_each
from vacancies.models import CategoryVacancy, ShortlistEntry

PAGE_SIZE = 25  # as search: a page a phone draws quickly


# --- the team's side ---------------------------------------------------------------


def _teams(request):
    return Team.objects.filter(pk__in=roles_for(request.user).team_ids).order_by("name")


def _choices(request, parameter: str, kind, shortlist) -> tuple[list[str], object]:
    """The ids chosen in search (``?home=`` or ``?agency=``), and the active homes or agencies
    of ``kind`` a request may go to: those chosen, and those on the person's ``shortlist``."""
    chosen = [value for value in request.GET.getlist(parameter) if value.isdigit()][:50]
    places = allowed(kind, VIEW_HOME, request.user).active()
    return chosen, places.filter(Q(pk__in=chosen) | Q(pk__in=shortlist.values(f"{parameter}_id"))).order_by("name")


@require_http_methods(["GET", "POST"])
@permission_required(may_send_enquiries)
def new(request: HtmxHttpRequest) -> HttpResponse:
    """An enquiry to the homes chosen in search (``?home=``) or on the shortlist."""
    teams = _teams(request)
    chosen, homes = _choices(request, "home", CareHome.objects, ShortlistEntry.objects.filter(user=request.user))
    initial = {"homes": [int(pk) for pk in chosen]} if chosen else {}
    form = EnquiryForm(request.POST or None, homes=homes, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        enquiry = flows.send(form.sending_team(), request.user, form.cleaned_data["homes"], **form.details())
        count = enquiry.referrals.count()
        messages.success(request, f"Enquiry {enquiry.reference} sent to {count} home{'s' if count != 1 else ''}.")
        return redirect("enquiries:enquiry", pk=enquiry.pk)
    return render(request, "enquiries/new.jinja", {"form": form, "has_homes": homes.exists()})


@require_http_methods(["GET", "POST"])
@permission_required(may_send_enquiries)
def new_package(request: HtmxHttpRequest) -> HttpResponse:
    """A package request (issue 26): to the agencies chosen in Find home care (``?agency=``,
    with its search's district, hours, start and care) or on the home-care shortlist, or to
    the market."""
    teams = _teams(request)
    shortlisted = AgencyShortlistEntry.objects.filter(user=request.user)
    chosen, agencies = _choices(request, "agency", HomeCareAgency.objects, shortlisted)
    searched = request.GET
    initial = {
        "district": searched.get("postcode", "")[:10], "hours_a_week": searched.get("hours", "")[:6],
        "care_needed": searched.getlist("care"), "send_to": "chosen" if chosen else "market",
        "agencies": [int(pk) for pk in chosen],
    }  # fmt: skip
    if searched.get("start_by"):
        initial["needed_from"] = searched["start_by"][:10]
    form = PackageRequestForm(request.POST or None, agencies=agencies, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        enquiry = flows.send(form.sending_team(), request.user, form.recipients, package=form.package(),
                             **form.details())  # fmt: skip
        count = len(form.recipients)
        messages.success(request, f"{enquiry.name} sent to {count} agenc{'ies' if count != 1 else 'y'}.")
        return redirect("enquiries:enquiry", pk=enquiry.pk)
    return render(request, "enquiries/new_package.jinja", {"form": form})


@require_GET
@vary_on_headers("HX-Request")
@permission_required(follows_enquiries)
def enquiry_list(request: HtmxHttpRequest) -> HttpResponse:
    """The team's enquiries, open ones first, each home's state: it refreshes itself."""
    enquiries = (
        Enquiry.objects.followed_by(request.user)
        .select_related("team", "package")
        .prefetch_related(Prefetch("referrals", queryset=Referral.objects.select_related("home", "hold")))
        .order_by("state", "-created_at", "-id")  # "open" sorts before "placed" and "withdrawn"
    )
    show = request.GET.get("show", "open")
    if show == "open":
        enquiries = enquiries.filter(state=Enquiry.State.OPEN)
    page = Paginator(enquiries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "show": show, "now": timezone.now()}
    template = "enquiries/list.jinja#enquiries" if request.htmx else "enquiries/list.jinja"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
@permission_required(follows_enquiries)
def enquiry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    enquiry = get_object_or_404(
        Enquiry.objects.followed_by(request.user).select_related("team", "created_by", "package"), pk=pk
    )
    return _enquiry_page(request, enquiry, None)


def _enquiry_page(request, enquiry: Enquiry, message_form) -> HttpResponse:
    referrals = list(
        enquiry.referrals.select_related("home", "hold", "answered_by").prefetch_related(
            Prefetch("messages", queryset=Message.objects.select_related("author"))
        )
    )
    live = [referral for referral in referrals if referral.status in LIVE]
    if message_form is None:
        message_form = TeamMessageForm(referrals=Referral.objects.filter(pk__in=[r.pk for r in live]))
    context = {"enquiry": enquiry, "referrals": referrals, "message_form": message_form, "writable": bool(live)}
    template = "enquiries/enquiry.jinja#states" if request.htmx else "enquiries/enquiry.jinja"
    return render(request, template, context, status=400 if message_form.errors else 200)


def _refused(request, refusal: flows.Refused, to: str) -> HttpResponse:
    messages.error(request, str(refusal))
    return redirect(to)


@require_POST
@permission_required(follows_enquiries)
def place(request: HtmxHttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    enquiry = get_object_or_404(Enquiry.objects.followed_by(request.user), pk=pk)
    referral = get_object_or_404(Referral.objects.select_related("home"), pk=referral_pk, enquiry=enquiry)
    try:
        flows.confirm_placement(enquiry, referral, request.user)
    except flows.Refused as refused:
        return _refused(request, refused, reverse("enquiries:enquiry", args=[pk]))
    if enquiry.is_package:
        messages.success(request, f"{referral.home.name}'s offer accepted: the package is placed. "
                         "The other agencies have been told.")  # fmt: skip
    else:
        messages.success(
            request,
            f"Placement at {referral.home.name} confirmed. The other homes have been told the enquiry is closed.",
        )
    return redirect("enquiries:enquiry", pk=pk)


@require_POST
@permission_required(follows_enquiries)
def withdraw(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    enquiry = get_object_or_404(Enquiry.objects.followed_by(request.user), pk=pk)
    try:
        flows.withdraw(enquiry, request.user)
    except flows.Refused as refused:
        return _refused(request, refused, reverse("enquiries:enquiry", args=[pk]))
    messages.success(request, f"Enquiry {enquiry.reference} withdrawn. The homes have been told; held beds are free.")
    return redirect("enquiries:enquiry", pk=pk)


@require_POST
@permission_required(follows_enquiries)
def team_message(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The team writes to one of the homes (a form under the answers, which refresh themselves)."""
    enquiry = get_object_or_404(
        Enquiry.objects.followed_by(request.user).select_related("team", "created_by", "package"), pk=pk
    )
    referrals = enquiry.referrals.filter(status__in=LIVE).select_related("home")
    form = TeamMessageForm(request.POST, referrals=referrals)
    if form.is_valid():
        try:
            flows.write(form.cleaned_data["referral"], request.user, text=form.cleaned_data["text"], from_home=False)
        except flows.Refused as refused:
            return _refused(request, refused, reverse("enquiries:enquiry", args=[pk]))
        messages.success(request, f"Message sent to {form.cleaned_data['referral'].home.name}.")
        return redirect("enquiries:enquiry", pk=pk)
    return _enquiry_page(request, enquiry, form)


# --- the home's side -----------------------------------------------------------------


def waiting_count(user) -> int:
    """Enquiries waiting for an answer from the homes this person answers for (the header's count)."""
    if not permissions.has_own_inbox(roles_for(user)):
        return 0
    return Referral.objects.in_inbox_of(user).filter(INBOX_VIEWS["waiting"][1]).count()


# A referral waiting for its home's answer is in an open enquiry: the database closes an enquiry
# only once none is (enquiries/sql/enquiries_enquiry_transition.sql), so "waiting" reads the
# referrals alone (a busy home's hundreds, without a look at each one's enquiry: ADR 023). A home
# may have declined an enquiry that has since closed: "answered" asks.
INBOX_VIEWS = {
    "waiting": ("Waiting for an answer", Q(status__in=OPEN)),
    "answered": ("Answered", Q(status__in=[Status.ACCEPTED, Status.REJECTED], enquiry__state=Enquiry.State.OPEN)),
    "closed": ("Closed", Q(status__in=[Status.CANCELLED, Status.COMPLETED]) | ~Q(enquiry__state=Enquiry.State.OPEN)),
}


@require_GET
@vary_on_headers("HX-Request")
@permission_required(answers_enquiries)
def inbox(request: HtmxHttpRequest) -> HttpResponse:
    show = request.GET.get("show", "waiting")
    if show not in INBOX_VIEWS:
        show = "waiting"
    referrals = Referral.objects.in_inbox_of(request.user).filter(INBOX_VIEWS[show][1]).order_by("-sent_at", "-id")
    # The page's ids and their total first, then those rows with what they show: a busy home has
    # hundreds waiting, and sorting them joined to their enquiry, team and home (its CQC facts
    # included) cost more than the second statement (ADR 023).
    page = counted_page(referrals.only("pk"), request.GET.get("page"), PAGE_SIZE)
    page.object_list = inbox_rows.rows([referral.pk for referral in page.object_list], timezone.now())
    tabs = [{"key": key, "label": label, "current": key == show} for key, (label, _) in INBOX_VIEWS.items()]
    context = {"page": page, "show": show, "tabs": tabs, "now": timezone.now(),
               "referral_url": url_for_each("enquiries:referral")}  # fmt: skip
    template = "enquiries/inbox.jinja#referrals" if request.htmx else "enquiries/inbox.jinja"
    return render(request, template, context)


@require_GET
@permission_required(answers_enquiries)
def inbox_count(request: HtmxHttpRequest) -> HttpResponse:
    """The header's count of enquiries waiting, redrawn by htmx every minute."""
    return render(request, "enquiries/inbox_count.jinja", {"waiting": waiting_count(request.user)})


def _bookable_categories(referral: Referral) -> list[str]:
    """The open categories of the home with a vacant bed in the figures (the database
    decides whether one is free of holds)."""
    return list(
        CategoryVacancy.objects.filter(home=referral.home, closed=False, vacant_accepting__gt=0)
        .order_by("category")
        .values_list("category", flat=True)
    )


@require_http_methods(["GET", "POST"])
@permission_required(answers_enquiries)
def referral(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One enquiry as its home (or agency) sees it, with the answers it can give: a home
    accepts by holding a bed, an agency by offering a start and hours (a package request)."""
    referral = get_object_or_404(
        Referral.objects.in_inbox_of(request.user).select_related("enquiry__team", "enquiry__package", "home", "hold"),
        pk=pk,
    )
    enquiry = referral.enquiry
    if request.method == "GET":
        flows.mark_received(referral)
    action = request.POST.get("action") if request.method == "POST" else None
    if enquiry.is_package:
        categories = []
        accept_form = OfferForm(request.POST if action == "offer" else None, package=enquiry.package)
    else:
        categories = _bookable_categories(referral)
        accept_form = AcceptForm(request.POST if action == "accept" else None, categories=categories,
                                 wanted=enquiry.category)  # fmt: skip
    decline_form = DeclineForm(request.POST if action == "decline" else None, kind=enquiry.kind)
    message_form = MessageForm(request.POST if action == "message" else None)
    back = reverse("enquiries:referral", args=[pk])
    status = 200
    if action is not None:
        try:
            if action == "accept" and not enquiry.is_package and accept_form.is_valid():
                flows.accept(referral, request.user, category=accept_form.cleaned_data["category"],
                             hours=accept_form.cleaned_data["hours"])  # fmt: skip
                messages.success(request, "Accepted. The bed is held; the team has been told.")
                return _after(request, back)
            if action == "offer" and enquiry.is_package and accept_form.is_valid():
                try:
                    flows.offer(referral, request.user, start=accept_form.cleaned_data["start"],
                                hours=accept_form.cleaned_data["hours"])  # fmt: skip
                except flows.Refused as refused:  # by the field: the offer the agency was making
                    accept_form.add_error("hours", str(refused))
                    status = 409
                else:
                    messages.success(request, "Offer sent. The team has been told; you will hear if they accept.")
                    return _after(request, back)
            if action == "decline" and decline_form.is_valid():
                flows.decline(referral, request.user, reason=decline_form.cleaned_data["reason"],
                              note=decline_form.cleaned_data["note"])  # fmt: skip
                messages.success(request, "Declined. The team has been told why.")
                return _after(request, back)
            if action == "message" and message_form.is_valid():
                flows.write(referral, request.user, text=message_form.cleaned_data["text"], from_home=True)
                messages.success(request, "Message sent to the team.")
                return _after(request, back)
            if action not in ("accept", "offer", "decline", "message"):
                messages.error(request, "Choose accept, decline or send a message")
                return _after(request, back)
        except flows.Refused as refused:
            messages.error(request, str(refused))
            return _after(request, back)
        referral.refresh_from_db()
    context = {
        "referral": referral, "enquiry": enquiry, "accept_form": accept_form, "decline_form": decline_form,
        "message_form": message_form, "categories": categories, "now": timezone.now(),
        "thread": referral.messages.select_related("author"),
        "answerable": referral.status in OPEN and enquiry.is_open,
    }  # fmt: skip
    return render(request, "enquiries/referral.jinja", context, status=status)


def _after(request, back: str) -> HttpResponse:
    return HttpResponseClientRedirect(back) if request.htmx else redirect(back)
