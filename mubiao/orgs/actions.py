"""Accounts, kept by the supervision office and by unit heads (no superuser needed).

Each function is one action: it checks that the actor keeps the account
(``orgs.access.keeps_account`` / ``may_grant``), writes atomically and leaves an audit
row. Passwords the office hands out are temporary: the account must change it at its next
login (``orgs.middleware``). A temporary password is returned to the caller once and
stored nowhere but as Django's hash; a one-time link is Django's password-reset token,
which stops working once the password is set (or after ``PASSWORD_RESET_TIMEOUT``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.lib.text import clean, printable
from mubiao.orgs import access
from mubiao.orgs.models import Membership, OrgUnit, Profile

User = get_user_model()

# No 0/O, 1/l/I: the office reads a temporary password out over the phone.
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")


def user_state(user: Any) -> dict[str, Any]:
    """What decides a user's rights and how they are reached (never the password hash)."""
    profile = Profile.objects.filter(user=user).first()
    return {
        "username": user.get_username(),
        "full_name": user.first_name,
        "email": user.email,
        "phone": profile.phone if profile else "",
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{code}"
            for app, code in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def membership_state(m: Membership) -> dict[str, Any]:
    return {"user": m.user.get_username(), "unit": m.unit.code, "role": m.role, "title": m.title}


def membership_target(m: Membership) -> str:
    return f"membership:{m.user.get_username()}@{m.unit.code}"


def user_target(user: Any) -> str:
    return f"user:{user.get_username()}"


def temporary_password(user: Any = None) -> str:
    """A random password that Django's validators accept (12 characters, letters and
    digits, no look-alikes)."""
    while True:
        candidate = "".join(secrets.choice(ALPHABET) for _i in range(12))
        if not (any(c.isdigit() for c in candidate) and any(c.isalpha() for c in candidate)):
            continue
        try:
            password_validation.validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


# ── Checks, each with a sentence in the user's language ───────────────────────────


def clean_username(username: str, *, field_name: str = "username") -> str:
    username = printable(username or "").strip()
    if not username:
        raise ValidationError({field_name: _("Give a login name.")})
    if len(username) > 150:
        raise ValidationError({field_name: _("A login name has at most 150 characters.")})
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise ValidationError({field_name: _(
            "A login name may hold letters, digits and @ . + - _ only (no spaces)."
        )}) from None  # fmt: skip
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {field_name: _("The login name “%(name)s” is taken.") % {"name": username}}
        )
    return username


def _entered(value: Any, name: str, label: str) -> str:
    try:
        return clean(value, label)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


def clean_full_name(name: str) -> str:
    name = _entered(name, "full_name", _("name"))
    if not name:
        raise ValidationError({"full_name": _("Give the person's full name.")})
    if len(name) > 150:
        raise ValidationError({"full_name": _("A name has at most 150 characters.")})
    return name


def clean_phone(phone: str) -> str:
    phone = printable(str(phone or "")).strip()
    if phone and not PHONE.match(phone):
        raise ValidationError({"phone": _(
            "“%(phone)s” is not a phone number: digits, spaces and hyphens, e.g. 0377-63123456 "
            "or 13800000000."
        ) % {"phone": phone}})  # fmt: skip
    return phone


def clean_email(email: str) -> str:
    email = printable(email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"email": _("“%(email)s” is not an e-mail address.") % {"email": email}}
            ) from None
    return email


def clean_title(title: str) -> str:
    title = _entered(title, "title", _("title"))
    if len(title) > 100:
        raise ValidationError({"title": _("A title has at most 100 characters.")})
    return title


def check_role(actor: Any, unit: OrgUnit, role: str) -> None:
    if role not in access.ALL_ROLES:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if not access.may_grant(actor, unit, role):
        raise PermissionDenied(
            _("You may not give the role “%(role)s” in %(unit)s.")
            % {"role": Membership.Role(role).label, "unit": unit.short_name}
        )


def _check_keeps(actor: Any, person: Any) -> None:
    if not access.keeps_account(actor, person):
        raise PermissionDenied(_("You do not keep this account."))


# ── The actions ───────────────────────────────────────────────────────────────────


@dataclass
class NewAccount:
    unit: OrgUnit
    role: str
    username: str
    full_name: str
    phone: str = ""
    email: str = ""
    title: str = ""


CLEANERS: dict[str, Callable[[str], str]] = {
    "username": clean_username, "full_name": clean_full_name, "phone": clean_phone,
    "email": clean_email, "title": clean_title,
}  # fmt: skip


def field_problems(values: dict[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Each field cleaned, and every problem found (not only the first): (field, sentence)."""
    cleaned: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for name, cleaner in CLEANERS.items():
        try:
            cleaned[name] = cleaner(values.get(name, ""))
        except ValidationError as exc:
            problems += _messages(exc)
    return cleaned, problems


def _check_new(actor: Any, new: NewAccount) -> NewAccount:
    check_role(actor, new.unit, new.role)
    cleaned, problems = field_problems(new.__dict__)
    if problems:
        raise ValidationError(
            {name: [m for n, m in problems if n == name] for name, _m in problems}
        )
    return NewAccount(unit=new.unit, role=new.role, **cleaned)


def _create(actor: Any, new: NewAccount) -> tuple[Any, str]:
    user = User(username=new.username, first_name=new.full_name, email=new.email)
    password = temporary_password(user)
    user.set_password(password)
    user.save()
    Profile.objects.create(
        user=user, phone=new.phone, must_change_password=True,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    m = Membership.objects.create(user=user, unit=new.unit, role=new.role, title=new.title)
    record(actor, Event.USER_ADD, user_target(user), after=user_state(user))
    record(actor, Event.MEMBERSHIP_ADD, membership_target(m), after=membership_state(m))
    return user, password


@transaction.atomic
def create_account(actor: Any, new: NewAccount) -> tuple[Any, str]:
    """A new account in ``new.unit`` with ``new.role``; returns (user, temporary password).

    The password is to be shown once; the account must change it at its first login."""
    return _create(actor, _check_new(actor, new))


@transaction.atomic
def update_account(actor: Any, person: Any, *, full_name: str, phone: str, email: str) -> Any:
    _check_keeps(actor, person)
    before = user_state(person)
    person.first_name = clean_full_name(full_name)
    person.email = clean_email(email)
    person.save(update_fields=["first_name", "email"])
    profile, _created = Profile.objects.get_or_create(user=person)
    profile.phone = clean_phone(phone)
    profile.save(update_fields=["phone"])
    after = user_state(person)
    if after != before:
        record(actor, Event.USER_CHANGE, user_target(person), before=before, after=after)
    return person


@transaction.atomic
def reset_password(actor: Any, person: Any) -> str:
    """A new temporary password (returned to be shown once): the old one stops working, the
    person's sessions end, and the next login must choose a new one."""
    _check_keeps(actor, person)
    password = temporary_password(person)
    person.set_password(password)
    person.save(update_fields=["password"])
    Profile.objects.update_or_create(user=person, defaults={"must_change_password": True})
    record(actor, Event.USER_RESET_PASSWORD, user_target(person))
    _revoke_tokens(actor, person, "password reset")
    return password


@transaction.atomic
def reset_link(actor: Any, person: Any) -> str:
    """A one-time link (a path) with which the person sets a password of their own. The old
    password stops working now; the link stops once used, or after PASSWORD_RESET_TIMEOUT."""
    _check_keeps(actor, person)
    person.set_unusable_password()
    person.save(update_fields=["password"])
    Profile.objects.update_or_create(user=person, defaults={"must_change_password": False})
    record(actor, Event.USER_RESET_LINK, user_target(person))
    _revoke_tokens(actor, person, "password reset")
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return reverse("password-link", args=[uid, token])


@transaction.atomic
def set_active(actor: Any, person: Any, *, active: bool) -> Any:
    """Deactivate (the person can no longer log in; their sessions and API tokens stop at
    once) or reactivate an account."""
    _check_keeps(actor, person)
    if person.is_active == active:
        return person
    before = user_state(person)
    person.is_active = active
    person.save(update_fields=["is_active"])
    after = user_state(person)
    if active:
        record(actor, Event.USER_REACTIVATE, user_target(person), before=before, after=after)
    else:
        record(actor, Event.USER_DEACTIVATE, user_target(person), before=before, after=after)
        _revoke_tokens(actor, person, "deactivated")
    return person


def _revoke_tokens(actor: Any, person: Any, why: str) -> None:
    """A reset or a deactivation ends the person's API tokens too (revoked, so they stay
    dead after a reactivation or a new password): the API app does it on this signal,
    inside this transaction."""
    from mubiao.orgs.signals import credentials_withdrawn

    credentials_withdrawn.send(sender=type(person), actor=actor, person=person, why=why)


@transaction.atomic
def add_membership(
    actor: Any, person: Any, *, unit: OrgUnit, role: str, title: str = ""
) -> Membership:
    _check_keeps(actor, person)
    check_role(actor, unit, role)
    if Membership.objects.filter(user=person, unit=unit, role=role).exists():
        raise ValidationError(_("%(name)s already holds this role in %(unit)s.") % {
            "name": person.get_full_name() or person.get_username(), "unit": unit.short_name})  # fmt: skip
    m = Membership.objects.create(user=person, unit=unit, role=role, title=clean_title(title))
    record(actor, Event.MEMBERSHIP_ADD, membership_target(m), after=membership_state(m))
    return m


@transaction.atomic
def change_membership(actor: Any, m: Membership, *, role: str, title: str) -> Membership:
    _check_keeps(actor, m.user)
    check_role(actor, m.unit, role)
    before = membership_state(m)
    if role != m.role and Membership.objects.filter(user=m.user, unit=m.unit, role=role).exists():
        raise ValidationError(_("%(name)s already holds this role in %(unit)s.") % {
            "name": m.user.get_full_name() or m.user.get_username(), "unit": m.unit.short_name})  # fmt: skip
    m.role, m.title = role, clean_title(title)
    m.save(update_fields=["role", "title"])
    after = membership_state(m)
    if after != before:
        record(actor, Event.MEMBERSHIP_CHANGE, membership_target(m), before=before, after=after)
    return m


@transaction.atomic
def remove_membership(actor: Any, m: Membership) -> None:
    _check_keeps(actor, m.user)
    if not Membership.objects.filter(user=m.user).exclude(pk=m.pk).exists():
        raise ValidationError(_("This is the account's only role: deactivate the account instead."))
    record(actor, Event.MEMBERSHIP_DELETE, membership_target(m), before=membership_state(m))
    m.delete()


@transaction.atomic
def set_own_password(user: Any, password: str) -> Any:
    """The person sets their own password (after a temporary one, a one-time link, or just
    because); Django's validators decide what is acceptable."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    Profile.objects.update_or_create(user=user, defaults={"must_change_password": False})
    record(user, Event.USER_SET_PASSWORD, user_target(user))
    return user


def must_change_password(user: Any) -> bool:
    return Profile.objects.filter(user=user, must_change_password=True).exists()


# ── Many accounts at once, from a checked list ────────────────────────────────────


@dataclass
class RowProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.reason
        return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
            "row": self.row, "column": self.column, "reason": self.reason}  # fmt: skip


@dataclass
class AccountRows:
    """Rows read from a list, with where each field came from (for the problems)."""

    rows: list[tuple[int, NewAccount]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


class AccountListError(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__("; ".join(map(str, problems[:5])))
        self.problems = problems


FIELD_COLUMNS = {
    "username": "登录名", "full_name": "姓名", "phone": "手机号码", "email": "电子邮箱",
    "title": "职务", "role": "角色", "unit": "单位",
}  # fmt: skip


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(k, str(m)) for k, errs in exc.error_dict.items() for e in errs for m in e.messages]
    return [("", str(m)) for m in exc.messages]


@transaction.atomic
def create_accounts(actor: Any, listed: AccountRows) -> list[tuple[Any, str]]:
    """Every account of the list, or none: each row is checked (permission, login name,
    name, phone, e-mail, duplicates within the list) and every problem is reported as
    (row, column, reason). Returns [(user, temporary password)], to be shown once."""
    problems = list(listed.problems)
    seen: dict[str, int] = {}
    checked: list[NewAccount] = []
    for row, new in listed.rows:
        key = (new.username or "").strip().lower()
        if key and key in seen:
            problems.append(RowProblem(row, FIELD_COLUMNS["username"], _(
                "the login name repeats row %(row)s") % {"row": seen[key]}))  # fmt: skip
            continue
        seen[key] = row
        cleaned, found = field_problems(new.__dict__)
        try:
            check_role(actor, new.unit, new.role)
        except (PermissionDenied, ValidationError) as exc:
            found.append(
                ("role", exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
            )
        problems += [RowProblem(row, FIELD_COLUMNS.get(n, "—"), m) for n, m in found]
        if not found:
            checked.append(NewAccount(unit=new.unit, role=new.role, **cleaned))
    if not listed.rows and not problems:
        problems.append(RowProblem(0, "—", _("The list holds no account.")))
    if problems:
        raise AccountListError(problems)
    created = [_create(actor, new) for new in checked]
    record(actor, Event.USERS_IMPORT, f"unit:{checked[0].unit.code}" if checked else "unit:",
           after={"accounts": [u.get_username() for u, _p in created]})  # fmt: skip
    return created
