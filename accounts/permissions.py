"""Who may do what: every rule of the portal, stated once (docs/adr/002-roles.md).

A person's ``Roles`` (read once a request) say which homes, providers and
councils they hold a role for. The rules below say what those roles allow,
and the rest of the code asks them and nothing else:

- who may open a page: each view names its rule, ``@permission_required(may_search)``
  (a page rule below, a function of the person's roles); a page about one home
  names a ``HomeRule``, ``@home_permission_required(UPDATE_HOME)`` (homes/access.py),
  and is given the home, loaded through the rule's filter. Anyone else gets 404;
- homes a person may reach, as a filter: ``UPDATE_HOME.homes(roles)``
  (``allowed(CareHome.objects, UPDATE_HOME, user)``, homes/access.py), or through a relation:
  ``UPDATE_HOME.homes(roles, through="home__")``;
- one home already loaded: ``UPDATE_HOME.allows(roles, home)``, no query;
- the filter in hand-written SQL, for a home's row: ``UPDATE_HOME.where(roles)``;
- other records a person reaches (invitations, teams, imports, enquiries, API keys):
  a filter each, at the end of this module, that the views' scoped querysets apply.

Service admins may do everything. Filters, checks and SQL are made from the same
grants, so they cannot disagree (tests/test_permissions.py checks every rule
both ways for every role); the menu shows a section to those its view's rule
lets in (accounts/navigation.py), so the two cannot disagree either.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from accounts.models import Team
from accounts.roles import Roles, roles_for

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class HomeRule:
    """Which roles grant one thing over a care home."""

    name: str
    staff: bool = False  # home staff, over their own home
    provider: bool = False  # provider admins, over their provider's homes
    council: bool = False  # council admins, over the homes in their council area
    every_home_to_coordinators: bool = False  # discharge coordinators, over every home
    every_home_to_councils: bool = False  # council admins, over every home (reading only)

    def _everywhere(self, roles: Roles) -> bool:
        return (
            roles.is_service_admin
            or (self.every_home_to_coordinators and roles.is_coordinator)
            or (self.every_home_to_councils and roles.is_council_admin)
        )

    def _grants(self, roles: Roles) -> list[tuple[str, frozenset[int]]]:
        """(a home's column, the ids of it) for each role this rule grants over homes that the
        person holds: what ``homes``, ``allows`` and ``where`` are each made from."""
        return [
            (column, ids)
            for granted, column, ids in (
                (self.staff, "id", roles.home_ids),
                (self.provider, "provider_id", roles.provider_ids),
                (self.council, "local_authority_id", roles.council_la_ids),
            )
            if granted and ids
        ]

    def homes(self, roles: Roles, through: str = "") -> Q:
        """The homes this rule lets ``roles`` reach, as a filter on CareHome, or on a
        model that reaches a home ``through`` a relation ("home__")."""
        if self._everywhere(roles):
            return Q()
        found = NOTHING
        for column, ids in self._grants(roles):
            grant = Q(**{f"{through}{'pk' if column == 'id' else column}__in": ids})
            found = grant if found is NOTHING else found | grant
        return found

    def allows(self, roles: Roles, home) -> bool:
        """Whether this rule lets ``roles`` do its thing to ``home`` (already loaded: no query)."""
        return self._everywhere(roles) or any(
            getattr(home, "pk" if column == "id" else column) in ids for column, ids in self._grants(roles)
        )

    def where(self, roles: Roles) -> tuple[str, list]:
        """``homes`` as a condition on a home's row in hand-written SQL, with its parameters
        (homes/access.py reads a page's one home so, where the ORM's building cost more)."""
        if self._everywhere(roles):
            return "TRUE", []
        grants = self._grants(roles)
        if not grants:
            return "FALSE", []
        return "(" + " OR ".join(f"{column} = ANY(%s)" for column, _ in grants) + ")", [
            sorted(ids) for _, ids in grants
        ]


# Read a home's page: its details, vacancies and trend.
VIEW_HOME = HomeRule(
    "view", staff=True, provider=True, council=True, every_home_to_coordinators=True, every_home_to_councils=True
)
# Keep a home's details and vacancies current.
UPDATE_HOME = HomeRule("update", staff=True, provider=True, council=True)
# Invite and remove a home's staff.
MANAGE_STAFF = HomeRule("manage staff", provider=True, council=True)
# Look after a home for the council: its history of changes, reminders, imports, onboarding records.
ADMINISTER_HOME = HomeRule("administer", council=True)

# Answer a discharge team's enquiry about a bed: accept and hold one, decline, ask a question.
ANSWER_ENQUIRIES = HomeRule("answer enquiries", staff=True, provider=True)

# Answer a home's monthly return for the national collection.
SUBMIT_RETURN = HomeRule("submit return", staff=True, provider=True)

HOME_RULES = [VIEW_HOME, UPDATE_HOME, MANAGE_STAFF, ADMINISTER_HOME, ANSWER_ENQUIRIES, SUBMIT_RETURN]


# --- pages a role opens -------------------------------------------------------

# Every page rule by name: what ``@permission_required`` accepts (tests/test_permissions.py).
PAGE_RULES: dict[str, Callable[[Roles], bool]] = {}


def page_rule(rule: Callable[[Roles], bool]) -> Callable[[Roles], bool]:
    """A rule a view may name: who opens a kind of page, from their roles alone."""
    PAGE_RULES[rule.__name__] = rule
    return rule


@page_rule
def signed_in(roles: Roles) -> bool:
    """Anyone signed in, with or without a role: their start page, account and password."""
    return True


@page_rule
def keeps_homes(roles: Roles) -> bool:
    """Has a "My homes" list: keeps some homes' figures current."""
    return roles.is_service_admin or roles.is_home_staff or roles.is_provider_admin or roles.is_council_admin


@page_rule
def may_search(roles: Roles) -> bool:
    """Finds beds, keeps a shortlist."""
    return roles.is_service_admin or roles.is_coordinator or roles.is_council_admin


@page_rule
def may_onboard(roles: Roles) -> bool:
    """Adds homes (one by one or from a CQC file) and lists the council's homes."""
    return roles.is_service_admin or roles.is_council_admin


def may_onboard_in(roles: Roles, local_authority_id: int | None) -> bool:
    """Adds a home in this council's area (by hand, from a file, or from CQC's register)."""
    return roles.is_service_admin or (local_authority_id is not None and local_authority_id in roles.council_la_ids)


def acts_for_council(roles: Roles, local_authority_id: int | None) -> bool:
    """Is an admin of this council (what they do there, they do for it; a service admin
    acts for the national service)."""
    return local_authority_id is not None and local_authority_id in roles.council_la_ids


def council_areas(roles: Roles, field: str = "local_authority_id") -> Q:
    """Records of the council areas a person administers, as a filter (service admins: every council's)."""
    if roles.is_service_admin:
        return Q()
    return Q(**{f"{field}__in": roles.council_la_ids}) if roles.council_la_ids else NOTHING


@page_rule
def runs_the_cqc_sync(roles: Roles) -> bool:
    """Reads the CQC sync's runs and their problems, and starts a full one."""
    return roles.is_service_admin


@page_rule
def may_see_areas(roles: Roles) -> bool:
    """Opens the area dashboard."""
    return roles.is_service_admin or roles.is_council_admin


def may_see_council(roles: Roles, local_authority_id: int) -> bool:
    """Sees one council's area: its dashboard, reminders and extracts."""
    return roles.is_service_admin or local_authority_id in roles.council_la_ids


def may_see_every_area(roles: Roles) -> bool:
    """Sees England, every region and every council."""
    return roles.is_service_admin


@page_rule
def manages_invitations(roles: Roles) -> bool:
    """Follows the invitations they sent or may resend: to homes' staff, their provider or
    council, their team."""
    return roles.is_service_admin or roles.is_council_admin or roles.is_provider_admin or roles.is_team_lead


def may_create_teams(roles: Roles) -> bool:
    """Sets up discharge teams: service admins (any), council admins (their council's brokerage)."""
    return roles.is_service_admin or roles.is_council_admin


@page_rule
def may_manage_teams(roles: Roles) -> bool:
    """Opens the teams page: creates teams, or runs one as its lead."""
    return may_create_teams(roles) or roles.is_team_lead


@page_rule
def may_send_enquiries(roles: Roles) -> bool:
    """Sends enquiries about beds and follows them: works in a discharge team."""
    return bool(roles.team_ids)


@page_rule
def follows_enquiries(roles: Roles) -> bool:
    """Follows discharge teams' enquiries: their own team's (service admins: every team's)."""
    return may_send_enquiries(roles) or roles.is_service_admin


@page_rule
def answers_enquiries(roles: Roles) -> bool:
    """Opens an inbox of enquiries: keeps some homes as their staff or provider (service
    admins: every home's)."""
    return roles.is_service_admin or roles.is_home_staff or roles.is_provider_admin


def has_own_inbox(roles: Roles) -> bool:
    """Answers enquiries for homes of their own, so the header shows the inbox and its count
    (a service admin may open every home's inbox, and has none of their own)."""
    return roles.is_home_staff or roles.is_provider_admin


@page_rule
def answers_returns(roles: Roles) -> bool:
    """Has homes' monthly returns to answer: keeps some homes as their staff or provider
    (service admins: every home's)."""
    return roles.is_service_admin or roles.is_home_staff or roles.is_provider_admin


def has_own_returns(roles: Roles) -> bool:
    """Answers the monthly returns of homes of their own (the header's "Monthly returns")."""
    return roles.is_home_staff or roles.is_provider_admin


@page_rule
def follows_returns(roles: Roles) -> bool:
    """Sees who in an area has answered the monthly return, and chases those who have not."""
    return roles.is_service_admin or roles.is_council_admin


@page_rule
def manages_api_keys(roles: Roles) -> bool:
    """Makes, replaces and revokes API keys: for their council, their provider, or (service
    admins) any of them and England."""
    return roles.is_service_admin or roles.is_council_admin or roles.is_provider_admin


@page_rule
def reads_audit_trail(roles: Roles) -> bool:
    """Reads the audit trail and downloads it."""
    return roles.is_service_admin


@page_rule
def is_service_admin(roles: Roles) -> bool:
    """Runs the national service: Django admin."""
    return roles.is_service_admin


def starts_at_their_homes(roles: Roles) -> bool:
    """Care home staff and providers, who only keep homes: their start page is their homes."""
    return keeps_homes(roles) and not (may_search(roles) or may_onboard(roles))


def holds_admin_power(roles: Roles) -> bool:
    """Council and service admins: a second factor always, and shorter sessions."""
    return roles.is_service_admin or roles.is_council_admin


# --- on a view ------------------------------------------------------------------------


def permission_required(rule: Callable[[Roles], bool]):
    """On a view: who may open it. ``rule`` is one of the page rules above; anyone it does
    not let in gets 404, as for something that is not there (anonymous people never get
    this far: tracker.middleware.LoginRequiredMiddleware sends them to sign in). The rule
    is kept on the view (``view.permissions``) for the menu and the tests to read."""
    if PAGE_RULES.get(getattr(rule, "__name__", None)) is not rule:
        raise ValueError(f"{rule!r} is not a page rule of accounts/permissions.py")

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            # Anyone signed in asks nothing of their roles: no query for it.
            if rule is not signed_in and not rule(roles_for(request.user)):
                raise Http404
            return view(request, *args, **kwargs)

        return declare(wrapped, rule)

    return decorate


def declare(view, rule):
    """Record on ``view`` that ``rule`` guards it (outermost decorator's rule last)."""
    view.permissions = (*getattr(view, "permissions", ()), rule)
    return view


def page_rules_of(view) -> tuple[Callable[[Roles], bool], ...]:
    """The page rules a view names (its home rules, about one home, are not among them)."""
    return tuple(rule for rule in getattr(view, "permissions", ()) if not isinstance(rule, HomeRule))


# --- other records --------------------------------------------------------------


def organisations_administered(roles: Roles) -> Q:
    """Records that belong to a council or a provider (``local_authority``, ``provider``)
    this person administers, as a filter: their council's, their provider's (service
    admins: every one)."""
    if roles.is_service_admin:
        return Q()
    found = NOTHING
    if roles.council_la_ids:
        found = Q(local_authority_id__in=roles.council_la_ids)
    if roles.provider_ids:
        mine = Q(provider_id__in=roles.provider_ids)
        found = mine if found is NOTHING else found | mine
    return found


def invitations(roles: Roles) -> Q:
    """Invitations a person may see, resend and revoke: to the homes whose staff
    they manage, to their own provider or council, and to the teams they run."""
    if roles.is_service_admin:
        return Q()
    found = MANAGE_STAFF.homes(roles, through="home__")
    administered = organisations_administered(roles)
    if administered is not NOTHING:
        found = administered if found is NOTHING else found | administered
    teams_managed = teams(roles)
    if teams_managed is not NOTHING:
        found = found | Q(team__in=Team.objects.filter(teams_managed).values("pk"))
    return found


def teams(roles: Roles) -> Q:
    """Discharge teams a person runs: every one (service admins), their council's brokerage
    teams (council admins), the teams they lead."""
    if roles.is_service_admin:
        return Q()
    found = NOTHING
    if roles.council_la_ids:
        found = Q(local_authority_id__in=roles.council_la_ids)
    if roles.led_team_ids:
        led = Q(pk__in=roles.led_team_ids)
        found = led if found is NOTHING else found | led
    return found


def import_jobs(roles: Roles, user) -> Q:
    """CSV imports a person may follow: their own, and their council's (shared by its admins)."""
    if roles.is_service_admin:
        return Q()
    return Q(uploaded_by=user) | Q(local_authority_id__in=roles.council_la_ids)


def team_enquiries(roles: Roles) -> Q:
    """Enquiries a person follows and acts on: their teams' (service admins: every one)."""
    if roles.is_service_admin:
        return Q()
    return Q(team_id__in=roles.team_ids) if roles.team_ids else NOTHING


def api_keys(roles: Roles) -> Q:
    """API keys a person may see, replace and revoke: their councils' and their providers'
    (a key belongs to one council, one provider, or England); service admins, every one.
    The key's own check (api/keys.py ``maker_holds_role``) asks the same of its maker."""
    return organisations_administered(roles)
