"""Loading the one agency a page is about: through the rule's filter on agencies only, so a
care home's id (or an outsider's agency) is a 404 here as an agency's is on a home's page."""

from accounts.permissions import HomeRule
from homes.access import one_of, permission_on
from registers.models import HomeCareAgency


def agency_or_404(user, pk: int, rule: HomeRule, *related: str) -> HomeCareAgency:
    return one_of(HomeCareAgency.objects, user, pk, rule, related)


def agency_permission_required(rule: HomeRule, *related: str):
    """On a view of one agency (its URL's ``pk``): who may open it is whoever ``rule`` lets
    reach that agency; the view is given it as ``home``; anyone else gets 404."""
    return permission_on(HomeCareAgency.objects, rule, *related)
