"""Who a person is in the portal: their roles, read once per request.

``Roles`` holds facts only (which homes, providers and councils a person
holds a role for); what those roles allow is stated once, in
accounts/permissions.py. See docs/adr/002-roles.md.
"""

from dataclasses import dataclass

from accounts.models import Membership, Role


@dataclass(frozen=True)
class Roles:
    is_service_admin: bool = False
    is_coordinator: bool = False
    home_ids: frozenset[int] = frozenset()
    provider_ids: frozenset[int] = frozenset()
    council_la_ids: frozenset[int] = frozenset()
    team_ids: frozenset[int] = frozenset()  # discharge teams they work in (as coordinator or lead)
    led_team_ids: frozenset[int] = frozenset()
    # Of home_ids, the home-care agencies (ADR 019): pages for agencies need no query to know none.
    agency_ids: frozenset[int] = frozenset()

    @property
    def is_council_admin(self) -> bool:
        return bool(self.council_la_ids)

    @property
    def is_provider_admin(self) -> bool:
        return bool(self.provider_ids)

    @property
    def is_home_staff(self) -> bool:
        return bool(self.home_ids)

    @property
    def is_team_lead(self) -> bool:
        return bool(self.led_team_ids)

    @property
    def names(self) -> list[str]:
        names = []
        if self.is_service_admin:
            names.append("Service admin")
        if self.is_council_admin:
            names.append(Role.COUNCIL_ADMIN.label)
        if self.is_team_lead:
            names.append(Role.TEAM_LEAD.label)
        elif self.is_coordinator:
            names.append(Role.COORDINATOR.label)
        if self.is_provider_admin:
            names.append(Role.PROVIDER_ADMIN.label)
        if self.is_home_staff:
            names.append(Role.HOME_STAFF.label)
        return names


NO_ROLES = Roles()


def roles_for(user) -> Roles:
    """The user's roles, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ROLES
    cached = getattr(user, "_roles", None)
    if cached is not None:
        return cached
    home_ids, provider_ids, la_ids, team_ids, led_team_ids, agency_ids = set(), set(), set(), set(), set(), set()
    is_coordinator = False
    for role, home_id, provider_id, la_id, team_id, kind in Membership.objects.filter(user=user).values_list(
        "role", "home_id", "provider_id", "local_authority_id", "team_id", "home__kind"
    ):
        if role == Role.HOME_STAFF:
            home_ids.add(home_id)
            if kind == "home_care_agency":
                agency_ids.add(home_id)
        elif role == Role.PROVIDER_ADMIN:
            provider_ids.add(provider_id)
        elif role == Role.COUNCIL_ADMIN:
            la_ids.add(la_id)
        elif role == Role.COORDINATOR:
            is_coordinator = True
            if team_id:
                team_ids.add(team_id)
        elif role == Role.TEAM_LEAD:  # a team lead is one of the team's coordinators too
            is_coordinator = True
            team_ids.add(team_id)
            led_team_ids.add(team_id)
    roles = Roles(
        is_service_admin=user.is_superuser,
        is_coordinator=is_coordinator,
        home_ids=frozenset(home_ids),
        provider_ids=frozenset(provider_ids),
        council_la_ids=frozenset(la_ids),
        team_ids=frozenset(team_ids),
        led_team_ids=frozenset(led_team_ids),
        agency_ids=frozenset(agency_ids),
    )
    user._roles = roles
    return roles
