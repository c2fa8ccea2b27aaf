"""Who may see what: the primitives every app's access rules are built on.

Two kinds of people:
- oversight (supervisor, leader, viewer): see every plan issued by the government their
  unit belongs to, and by the governments below it;
- unit people (head, reporter): see the items assigned to their unit or to a unit below
  it (a county government sees its own departments' items).

One judgement decides who acts for the supervision office: :func:`supervises`. Reviewing
reports, publishing bulletins, importing plans and keeping the project library all ask it.

This module knows memberships and the unit tree only; the helpers that read plans,
reports and projects live beside those nouns (``plans/access.py``,
``reporting/access.py``, ``projects/access.py``) and are built on these. Superusers see
everything; anonymous users nothing. Unknown codes are 404; known objects the user may not
see are 403, so a person is told plainly rather than left to wonder whether a code exists.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from mubiao.orgs.models import Membership, OrgUnit

# Django's user (or AnonymousUser); Django ships no types here, so it is Any.
User = Any


def is_superuser(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False))


def memberships(user: User) -> list[Membership]:
    """The user's memberships with their units (read once per user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Membership] | None = getattr(user, "_mubiao_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit__parent"))
        user._mubiao_memberships = cached
    return cached


def subtree_q(field: str, units: list[OrgUnit]) -> Q:
    """Q matching rows whose unit (at ``field``; "" for units themselves) lies in any subtree."""
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return reduce(or_, (Q(**{lookup: u.path}) for u in units), Q(pk__in=[]))


def subtree(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and every unit below it."""
    return OrgUnit.objects.filter(path__startswith=unit.path)


def oversight_roots(user: User) -> list[OrgUnit]:
    """The governments whose plans this user oversees."""
    return [m.unit.governing_unit() for m in memberships(user) if m.is_oversight]


def unit_roots(user: User) -> list[OrgUnit]:
    """The units this user reports for (their items and those of the units below)."""
    return [m.unit for m in memberships(user) if not m.is_oversight]


def supervising_roots(user: User) -> list[OrgUnit]:
    """The governments this user acts for as their supervision office (督查室)."""
    return [
        m.unit.governing_unit() for m in memberships(user) if m.role == Membership.Role.SUPERVISOR
    ]


def user_units(user: User) -> list[OrgUnit]:
    """Every unit the user belongs to, for display."""
    seen: dict[int, OrgUnit] = {}
    for m in memberships(user):
        seen.setdefault(m.unit_id, m.unit)
    return list(seen.values())


def oversees_issuer(user: User, issuer: OrgUnit) -> bool:
    """The user oversees (reads everything of) the plans ``issuer`` issues."""
    return is_superuser(user) or any(issuer.is_within(r) for r in oversight_roots(user))


def supervises(user: User, issuer: OrgUnit) -> bool:
    """The user acts for the supervision office of ``issuer``'s government (or one above
    it): reviews its plans' reports, publishes their bulletins, imports plans for it and
    keeps its project library. A leader or viewer reads but never supervises; a
    supervisor of a county does not supervise the city above it."""
    return is_superuser(user) or any(issuer.is_within(r) for r in supervising_roots(user))


def supervised_issuers(user: User) -> QuerySet[OrgUnit]:
    """Governments (and zones) the user supervises: those a new plan may be imported for."""
    kinds = [OrgUnit.Kind.GOVERNMENT, OrgUnit.Kind.ZONE]
    if is_superuser(user):
        return OrgUnit.objects.filter(kind__in=kinds)
    roots = supervising_roots(user)
    if not roots:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(subtree_q("", roots), kind__in=kinds)


def visible_units(user: User) -> QuerySet[OrgUnit]:
    """Units whose page the user may open: an overseer's whole government, else one's own."""
    if is_superuser(user):
        return OrgUnit.objects.all()
    roots = oversight_roots(user) + unit_roots(user)
    if not roots:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(subtree_q("", roots))


def get_unit_for_user(user: User, code: str) -> OrgUnit:
    unit: OrgUnit | None = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("unit")
    if not visible_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("unit")
    return unit
