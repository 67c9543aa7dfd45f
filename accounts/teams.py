"""Discharge teams: service admins set up hospital teams, council admins their council's
brokerage team, and a team's lead invites its coordinators (through the invitations that
exist). What a team sends and receives about placements is in enquiries/."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit, permissions
from accounts.invitations import InviteForm, invite
from accounts.models import Invitation, Membership, Role, Team
from accounts.permissions import may_manage_teams, permission_required
from accounts.roles import roles_for
from registers.models import LocalAuthority
from tracker.forms import NhsFormMixin
from tracker.http import HtmxHttpRequest

TEAM_ROLES = [Role.TEAM_LEAD, Role.COORDINATOR]


class TeamForm(NhsFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "organisation", "contact_phone", "contact_email", "reply_within_hours"]
        help_texts = {
            "contact_phone": "Where homes call the team about an enquiry",
            "contact_email": "A shared inbox, not a person's",
            "reply_within_hours": "How soon homes are asked to answer an enquiry: 1 to 72 hours",
        }
        widgets = {
            "reply_within_hours": forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-2"})
        }

    def clean_reply_within_hours(self):
        hours = self.cleaned_data["reply_within_hours"]
        if hours is None or not 1 <= hours <= 72:
            raise forms.ValidationError("Enter a number of hours from 1 to 72")
        return hours


class NewTeamForm(TeamForm):
    """A new team: service admins choose its kind and council; a council admin's is its brokerage team."""

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        councils = LocalAuthority.objects.councils()
        if roles.is_service_admin:
            self.fields["kind"] = forms.ChoiceField(label="Kind of team", choices=Team.Kind.choices,
                                                    widget=forms.RadioSelect)  # fmt: skip
            self.fields["local_authority"] = forms.ModelChoiceField(
                label="Council", queryset=councils, required=False, help_text="Needed for a brokerage team"
            )
        else:
            self.fields["local_authority"] = forms.ModelChoiceField(
                label="Council", queryset=councils.filter(pk__in=roles.council_la_ids), empty_label=None
            )
        self.roles = roles

    def clean(self):
        cleaned = super().clean()
        if not self.roles.is_service_admin:
            cleaned["kind"] = Team.Kind.BROKERAGE
        if cleaned.get("kind") == Team.Kind.BROKERAGE and not cleaned.get("local_authority"):
            self.add_error("local_authority", "Choose the council a brokerage team works for")
        return cleaned

    def save(self, commit=True):
        team = super().save(commit=False)
        team.kind = self.cleaned_data["kind"]
        team.local_authority = self.cleaned_data.get("local_authority")
        team.save()
        return team


def _teams(request):
    """The teams this person runs (permissions.teams): a team outside them is 404."""
    return Team.objects.filter(permissions.teams(roles_for(request.user)))


@require_http_methods(["GET", "POST"])
@permission_required(may_manage_teams)
def team_list(request: HtmxHttpRequest) -> HttpResponse:
    """The teams this person runs, and (for admins) a form to set one up."""
    roles = roles_for(request.user)
    form = None
    if permissions.may_create_teams(roles):
        form = NewTeamForm(request.POST or None, roles=roles)
        if request.method == "POST" and form.is_valid():
            team = form.save(commit=False)
            team.created_by = request.user
            team.save()
            audit.record(audit.Action.TEAM_CREATED, target=team.name, detail=team.get_kind_display())
            messages.success(request, f"{team.name} has been set up. Now invite its lead and coordinators.")
            return redirect("team", pk=team.pk)
    elif request.method == "POST":
        raise Http404
    teams = (
        _teams(request)
        .select_related("local_authority")
        .annotate(people=Count("memberships", filter=Q(memberships__role__in=TEAM_ROLES)))
    )
    return render(request, "teams/list.jinja", {"teams": teams, "form": form})


class InviteToTeamForm(InviteForm):
    lead = forms.BooleanField(
        label="Make them a team lead", required=False, help_text="A lead can invite and remove the team's coordinators"
    )


@require_http_methods(["GET", "POST"])
@permission_required(may_manage_teams)
def team(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A team's people, its invitations, its settings."""
    team = get_object_or_404(_teams(request).select_related("local_authority"), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    invite_form = InviteToTeamForm(request.POST if action == "invite" else None)
    settings_form = TeamForm(request.POST if action == "settings" else None, instance=team, prefix="team")
    if action == "invite" and invite_form.is_valid():
        email, role = (
            invite_form.cleaned_data["email"],
            Role.TEAM_LEAD if invite_form.cleaned_data["lead"] else Role.COORDINATOR,
        )
        if Membership.objects.filter(team=team, role=role, user__email=email).exists():
            invite_form.add_error("email", f"{email} is already in {team.name}")
        else:
            invite(request, email=email, full_name=invite_form.cleaned_data["full_name"], role=role, team=team)
            messages.success(request, f"Invitation sent to {email}. The link works for 7 days.")
            return redirect("team", pk=team.pk)
    if action == "settings" and settings_form.is_valid():
        settings_form.save()
        audit.record(audit.Action.TEAM_CHANGED, target=team.name, detail=", ".join(settings_form.changed_data))
        messages.success(request, f"{team.name}'s details have been saved.")
        return redirect("team", pk=team.pk)
    members = (
        team.memberships.filter(role__in=TEAM_ROLES).select_related("user").order_by("user__full_name", "user__email")
    )
    for member in members:
        member.summary = f"{member.user.email}, {member.get_role_display()}" + (
            "" if member.user.is_active else " (account deactivated)"
        )
        member.remove_url = reverse("remove_team_member", args=[team.pk, member.pk])
    invitations = Invitation.objects.open().filter(team=team).select_related("invited_by")
    context = {
        "team": team, "invite_form": invite_form, "settings_form": settings_form, "members": members,
        "invitations": invitations,
    }  # fmt: skip
    return render(request, "teams/team.jinja", context)


@require_POST
@permission_required(may_manage_teams)
def remove_member(request: HtmxHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    team = get_object_or_404(_teams(request), pk=pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, team=team, role__in=TEAM_ROLES
    )
    membership.delete()
    audit.record(
        audit.Action.MEMBERSHIP_REMOVED, target=membership.user.email, detail=f"{membership.get_role_display()} {team}"
    )
    messages.success(request, f"{membership.user.get_full_name()} is no longer in {team.name}.")
    return redirect("team", pk=team.pk)
