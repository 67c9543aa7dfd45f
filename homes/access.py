"""Loading the one home a page is about, for the person asking: outsiders get 404."""

import functools

from django.core.exceptions import FullResultSet
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Manager
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import HomeRule, declare
from accounts.roles import roles_for
from registers.models import CareHome
from tracker.sql import one, one_related


def allowed(homes, rule: HomeRule, user):
    """The ones of ``homes`` (a manager or queryset of CQC locations) that ``rule``
    (accounts/permissions.py) lets this person reach."""
    return homes.filter(rule.homes(roles_for(user)))


def one_of(homes, user, pk: int, rule: HomeRule, related=(), fields=(), **annotations) -> CareHome:
    """The one of ``homes`` (a manager: care homes, agencies or every kind: ADR 019) that
    ``rule`` lets this person reach (one query, with ``related`` joined, only ``fields`` if
    named, and ``annotations`` read alongside); 404 otherwise, so an outsider cannot tell it exists."""
    if isinstance(homes, Manager) and not annotations and not (fields and related):
        return _one_by_hand(homes, user, pk, rule, related, fields)
    homes = allowed(homes, rule, user)
    if related:
        homes = homes.select_related(*related)
    if fields:
        homes = homes.only(*fields)
    return get_object_or_404(homes.annotate(**annotations) if annotations else homes, pk=pk)


def _one_by_hand(homes, user, pk: int, rule: HomeRule, related, fields) -> CareHome:
    """``one_of`` for a page that names the fields it shows (a home's everyday saves: update,
    confirm) or the rows it reads with the home (a home's page): the same statement in
    hand-written SQL (``tracker.sql.one``, ``one_related``), the rule's filter included
    (``allowed_where``, made from the grants its ORM filter is), read as ``.only(*fields)`` or
    ``select_related(*related)`` would (0.45 to 0.12 ms of CPU; a home's page's home 1.2 to 0.2 ms;
    docs/adr/023-everyday-pages-speed.md)."""
    reachable, params = allowed_where(homes, rule, user)
    where, params = f"id = %s AND {reachable}", [pk, *params]
    if related:
        found = one_related(homes.model, where, params, using=homes.db, related=tuple(related))
    else:
        found = one(homes.model, where, params, using=homes.db, fields=fields or None)
    if found is None:
        raise Http404
    return found


def allowed_where(homes, rule: HomeRule, user) -> tuple[str, list]:
    """``allowed(homes, rule, user)`` (``homes`` a manager) as a condition on its table's rows in
    hand-written SQL, with its parameters: the manager's kinds and the rule's grants, each made
    from the same source as the ORM's filter (tests/test_permissions.py holds them together).
    Its columns are unqualified: the table is the statement's only one with them (read it in a
    subquery when joining)."""
    kinds, kinds_params = _manager_filter(homes.model, homes.name)
    rule_sql, rule_params = rule.where(roles_for(user))
    return f"{kinds} AND {rule_sql}", [*kinds_params, *rule_params]


@functools.cache
def _manager_filter(model, manager: str) -> tuple[str, tuple]:
    """The filter a model's manager adds (care homes only, agencies only, or none), as SQL: the
    ORM's own, compiled once."""
    query = getattr(model, manager).all().query
    try:
        sql, params = query.get_compiler(DEFAULT_DB_ALIAS).compile(query.where)
    except FullResultSet:
        return "TRUE", ()
    return sql, tuple(params)


def home_or_404(user, pk: int, rule: HomeRule, *related: str, **annotations) -> CareHome:
    """The care home (never an agency), if ``rule`` lets this person reach it; 404 otherwise.
    What else the person may do to it is then ``other_rule.allows(roles, home)``: no query."""
    return one_of(CareHome.objects, user, pk, rule, related, **annotations)


def permission_on(homes, rule: HomeRule, *related: str, annotate=None, fields=()):
    """On a view of one of ``homes`` (its URL's ``pk``): who may open it is whoever ``rule``
    (accounts/permissions.py) lets reach it. The view is given the ``home``, loaded through
    the rule's filter with ``related`` joined (only its ``fields``, when the view names them,
    and ``annotate(request)``'s values read alongside, in the same query); anyone else gets
    404, as for one that does not exist."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, pk: int, **kwargs):
            also = annotate(request) if annotate else {}
            home = one_of(homes, request.user, pk, rule, related, fields, **also)
            return view(request, *args, home=home, **kwargs)

        return declare(wrapped, rule)

    return decorate


def home_permission_required(rule: HomeRule, *related: str, annotate=None, fields=()):
    """``permission_on`` a care home."""
    return permission_on(CareHome.objects, rule, *related, annotate=annotate, fields=fields)


def location_permission_required(rule: HomeRule, *related: str):
    """``permission_on`` a care home or a home-care agency: the pages homes serves for both
    (its staff, its details and their history: ADR 019)."""
    return permission_on(CareHome.locations, rule, *related)
