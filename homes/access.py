"""Loading the one home a page is about, for the person asking: outsiders get 404."""

import functools

from django.shortcuts import get_object_or_404

from accounts.permissions import HomeRule, declare
from homes.models import CareHome


def home_or_404(user, pk: int, rule: HomeRule, *related: str, **annotations) -> CareHome:
    """The home, if ``rule`` lets this person reach it (one query, with ``related``
    joined and ``annotations`` read alongside); 404 otherwise, so an outsider cannot tell
    it exists. What else the person may do to it is then ``other_rule.allows(roles, home)``:
    no query."""
    homes = CareHome.objects.allowed(rule, user)
    if related:
        homes = homes.select_related(*related)
    return get_object_or_404(homes.annotate(**annotations) if annotations else homes, pk=pk)


def home_permission_required(rule: HomeRule, *related: str, annotate=None):
    """On a view of one home (its URL's ``pk``): who may open it is whoever ``rule``
    (accounts/permissions.py) lets reach that home. The view is given the ``home``, loaded
    through the rule's filter with ``related`` joined (and ``annotate(request)``'s values read
    alongside, in the same query); anyone else gets 404, as for a home that does not exist."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, pk: int, **kwargs):
            also = annotate(request) if annotate else {}
            return view(request, *args, home=home_or_404(request.user, pk, rule, *related, **also), **kwargs)

        return declare(wrapped, rule)

    return decorate
