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


# ── Accounts: who keeps whose login ────────────────────────────────────────────────
#
# The supervision office keeps the accounts of every unit of its government (any role);
# a unit head keeps the reporters of their own unit and the units below it, nobody else.
# An account is kept by someone only if every one of its memberships is: a head cannot
# reset the password of a reporter who is also a supervisor elsewhere. Nobody keeps their
# own account here (they change their own password), and only a superuser keeps a staff
# or superuser account.

HEAD_GRANTS = frozenset({str(Membership.Role.REPORTER)})
ALL_ROLES = [str(value) for value, _label in Membership.Role.choices]


def account_scopes(user: User) -> list[tuple[OrgUnit, frozenset[str]]]:
    """(unit, the roles the user may grant in its subtree), one per relevant membership."""
    scopes: list[tuple[OrgUnit, frozenset[str]]] = []
    every = frozenset(ALL_ROLES)
    for m in memberships(user):
        if m.role == Membership.Role.SUPERVISOR:
            scopes.append((m.unit.governing_unit(), every))
        elif m.role == Membership.Role.HEAD:
            scopes.append((m.unit, HEAD_GRANTS))
    return scopes


def keeps_accounts(user: User) -> bool:
    """The user keeps someone's accounts (the office, a unit head): the navigation's link."""
    return is_superuser(user) or bool(account_scopes(user))


def grantable_roles(user: User, unit: OrgUnit) -> list[str]:
    """The roles the user may give a person in ``unit`` (in the order of Membership.Role)."""
    if is_superuser(user):
        return list(ALL_ROLES)
    allowed: set[str] = set()
    for root, roles in account_scopes(user):
        if unit.is_within(root):
            allowed |= roles
    return [r for r in ALL_ROLES if r in allowed]


def may_grant(user: User, unit: OrgUnit, role: str) -> bool:
    return role in grantable_roles(user, unit)


def account_units(user: User) -> QuerySet[OrgUnit]:
    """Units the user may create accounts in (or list the accounts of)."""
    if is_superuser(user):
        return OrgUnit.objects.all()
    roots = [root for root, _roles in account_scopes(user)]
    if not roots:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(subtree_q("", roots))


def account_memberships(user: User) -> QuerySet[Membership]:
    """The memberships the user may see on the accounts pages: any role in the office's
    government; a head's own subtree's reporters (and the head's own membership there)."""
    rows = Membership.objects.select_related("user", "unit__parent")
    if is_superuser(user):
        return rows
    scopes = account_scopes(user)
    if not scopes:
        return rows.none()
    q = reduce(
        or_,
        (Q(unit__path__startswith=root.path, role__in=list(roles)) for root, roles in scopes),
    )
    return rows.filter(q)


def keeps_account(actor: User, person: Any) -> bool:
    """The actor may reset, deactivate or change this person's account."""
    if not getattr(actor, "is_authenticated", False) or person.pk == actor.pk:
        return False
    if is_superuser(actor):
        return True
    if person.is_superuser or person.is_staff:
        return False
    held = list(Membership.objects.filter(user=person).select_related("unit"))
    if not held:
        return False
    return all(may_grant(actor, m.unit, m.role) for m in held)


def get_account_for_user(actor: User, username: str) -> Any:
    """The person behind ``username``: 404 unknown, 403 when the actor does not keep them
    and sees none of their memberships on the accounts pages."""
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.filter(username=username).first()
    if person is None:
        raise Http404("account")
    if not keeps_account(actor, person) and not (
        account_memberships(actor).filter(user=person).exists()
    ):
        raise PermissionDenied("account")
    return person


def get_account_unit(user: User, code: str) -> OrgUnit:
    """A unit the user keeps accounts in: 404 unknown, 403 known but not theirs."""
    unit: OrgUnit | None = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("unit")
    if not account_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("unit")
    return unit
