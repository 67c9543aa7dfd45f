"""Loading the one home a page is about, for the person asking: outsiders get 404."""

from django.shortcuts import get_object_or_404

from accounts.permissions import HomeRule
from homes.models import CareHome


def home_or_404(user, pk: int, rule: HomeRule, *related: str) -> CareHome:
    """The home, if ``rule`` lets this person reach it (one query, with ``related``
    joined); 404 otherwise, so an outsider cannot tell it exists. What else
    the person may do to it is then ``other_rule.allows(roles, home)``: no query."""
    homes = CareHome.objects.allowed(rule, user)
    return get_object_or_404(homes.select_related(*related) if related else homes, pk=pk)
