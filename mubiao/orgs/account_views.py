"""The accounts pages (账号管理): the office's and unit heads' list, new accounts, one
account's page, resets, bulk creation from Excel; and each person's own password pages.

Every write is an action in ``orgs.actions``; every read goes through ``orgs.access``.
A temporary password or one-time link is shown in the response to the POST that made it
(never stored, never in a URL, the page not cached) and nowhere else.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mubiao.audit.events import label as event_label
from mubiao.audit.models import AuditEntry
from mubiao.orgs import access, accounts_excel, actions
from mubiao.orgs.middleware import SESSION_KEY
from mubiao.orgs.models import Membership, OrgUnit

PAGE = 50
PASSWORDS_KEY = "mubiao_new_passwords"
PASSWORDS_SECONDS = 15 * 60


def _keeper(request: HttpRequest) -> None:
    if not access.keeps_accounts(request.user):
        raise PermissionDenied("accounts")


def _unit(request: HttpRequest, code: str) -> OrgUnit:
    return access.get_account_unit(request.user, code)


def _secret(response: HttpResponse) -> HttpResponse:
    """A page showing a password or a link: never cached, never sent as a referrer."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _problems(exc: ValidationError) -> list[str]:
    return [m for _field, m in actions._messages(exc)]


def _roles(request: HttpRequest, unit: OrgUnit | None) -> list[tuple[str, Any]]:
    if unit is not None:
        allowed = access.grantable_roles(request.user, unit)
    else:
        allowed = sorted(
            {r for _u, roles in access.account_scopes(request.user) for r in roles}
            | (set(access.ALL_ROLES) if access.is_superuser(request.user) else set()),
            key=access.ALL_ROLES.index,
        )
    return [(r, Membership.Role(r).label) for r in allowed]


# ── The list ─────────────────────────────────────────────────────────────────────


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    units = access.account_units(request.user).select_related("parent").order_by("path")
    chosen = _unit(request, request.GET["unit"]) if request.GET.get("unit") else None
    rows = access.account_memberships(request.user)
    if chosen is not None:
        rows = rows.filter(unit__path__startswith=chosen.path)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        rows = rows.filter(
            Q(user__username__icontains=q) | Q(user__first_name__icontains=q)
            | Q(user__profile__phone__icontains=q)
        )  # fmt: skip
    rows = rows.select_related("user__profile").order_by("unit__path", "user__username", "role")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "orgs/accounts/list.html", {
        "units": units[:2000], "chosen": chosen, "q": q, "page": page,
        "keeps": {m.user_id: access.keeps_account(request.user, m.user) for m in page},
    })  # fmt: skip


# ── One new account ──────────────────────────────────────────────────────────────


@login_required
def account_new(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    units = access.account_units(request.user).select_related("parent").order_by("path")
    values = request.POST if request.method == "POST" else request.GET
    unit = _unit(request, values["unit"]) if values.get("unit") else None
    errors: list[str] = []
    if request.method == "POST":
        if unit is None:
            errors.append(_("Choose the unit."))
        else:
            new = actions.NewAccount(
                unit=unit, role=values.get("role", ""), username=values.get("username", ""),
                full_name=values.get("full_name", ""), phone=values.get("phone", ""),
                email=values.get("email", ""), title=values.get("title", ""),
            )  # fmt: skip
            try:
                user, password = actions.create_account(request.user, new)
            except ValidationError as exc:
                errors = _problems(exc)
            except PermissionDenied as exc:
                errors = [str(exc)]
            else:
                return _secret(render(request, "orgs/accounts/password_shown.html", {
                    "person": user, "password": password, "created": True, "unit": unit,
                }))  # fmt: skip
    return render(request, "orgs/accounts/new.html", {
        "units": units[:2000], "unit": unit, "roles": _roles(request, unit), "values": values,
        "errors": errors,
    }, status=400 if errors else 200)  # fmt: skip


# ── One account ──────────────────────────────────────────────────────────────────


def _history(person: Any) -> list[dict[str, Any]]:
    name = person.get_username()
    entries = AuditEntry.objects.filter(
        Q(target=f"user:{name}") | Q(target__startswith=f"membership:{name}@")
    ).select_related("actor")[:50]
    rows = []
    for e in entries:
        state = e.after or e.before or {}
        detail = ""
        if "role" in state and "unit" in state:
            role = state["role"]
            label = Membership.Role(role).label if role in access.ALL_ROLES else role
            detail = f"{state['unit']} · {label}"
        actor = (e.actor.first_name or e.actor.get_username()) if e.actor else ""
        rows.append({"at": e.at, "actor": actor, "label": event_label(e.action), "detail": detail})
    return rows


@login_required
def account_detail(request: HttpRequest, username: str) -> HttpResponse:
    person = access.get_account_for_user(request.user, username)
    held = list(Membership.objects.filter(user=person).select_related("unit__parent"))
    keeps = access.keeps_account(request.user, person)
    units = access.account_units(request.user).select_related("parent").order_by("path")
    return render(request, "orgs/accounts/detail.html", {
        "person": person, "memberships": held, "keeps": keeps,
        "must_change": actions.must_change_password(person),
        "profile": getattr(person, "profile", None), "history": _history(person),
        "units": units[:2000] if keeps else [], "roles": _roles(request, None),
    })  # fmt: skip


def _back(person: Any) -> HttpResponse:
    return redirect(reverse("accounts:detail", args=[person.get_username()]))


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in _problems(exc):
        messages.error(request, message)


@login_required
@require_POST
def account_edit(request: HttpRequest, username: str) -> HttpResponse:
    person = access.get_account_for_user(request.user, username)
    try:
        actions.update_account(request.user, person, full_name=request.POST.get("full_name", ""),
                               phone=request.POST.get("phone", ""),
                               email=request.POST.get("email", ""))  # fmt: skip
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        _refused(request, exc)
    return _back(person)


@login_required
@require_POST
def account_reset(request: HttpRequest, username: str) -> HttpResponse:
    person = access.get_account_for_user(request.user, username)
    if request.POST.get("mode") == "link":
        path = actions.reset_link(request.user, person)
        return _secret(render(request, "orgs/accounts/password_shown.html", {
            "person": person, "link": request.build_absolute_uri(path)}))  # fmt: skip
    password = actions.reset_password(request.user, person)
    return _secret(render(request, "orgs/accounts/password_shown.html",
                          {"person": person, "password": password}))  # fmt: skip


@login_required
@require_POST
def account_active(request: HttpRequest, username: str) -> HttpResponse:
    person = access.get_account_for_user(request.user, username)
    active = request.POST.get("active") == "1"
    actions.set_active(request.user, person, active=active)
    messages.success(request, _("The account is active again.") if active
                     else _("The account is deactivated: it can no longer log in."))  # fmt: skip
    return _back(person)


@login_required
@require_POST
def membership_add(request: HttpRequest, username: str) -> HttpResponse:
    person = access.get_account_for_user(request.user, username)
    if not request.POST.get("unit"):
        messages.error(request, _("Choose the unit."))
        return _back(person)
    unit = _unit(request, request.POST["unit"])
    try:
        actions.add_membership(request.user, person, unit=unit, role=request.POST.get("role", ""),
                               title=request.POST.get("title", ""))  # fmt: skip
        messages.success(request, _("Role added."))
    except ValidationError as exc:
        _refused(request, exc)
    return _back(person)


@login_required
@require_POST
def membership_save(request: HttpRequest, username: str, unit_code: str, role: str) -> HttpResponse:
    person = access.get_account_for_user(request.user, username)
    m = (
        Membership.objects.filter(user=person, unit__code=unit_code, role=role)
        .select_related("user", "unit")
        .first()
    )
    if m is None:
        raise Http404("membership")
    try:
        if "remove" in request.POST:
            actions.remove_membership(request.user, m)
            messages.success(request, _("Role removed."))
        else:
            actions.change_membership(request.user, m, role=request.POST.get("role", ""),
                                      title=request.POST.get("title", ""))  # fmt: skip
            messages.success(request, _("Saved."))
    except ValidationError as exc:
        _refused(request, exc)
    return _back(person)


# ── Many accounts from an Excel list ─────────────────────────────────────────────


@login_required
def bulk_template(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    response = HttpResponse(
        accounts_excel.template(request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="accounts-template.xlsx"'
    return response


@login_required
def bulk(request: HttpRequest) -> HttpResponse:
    _keeper(request)
    context: dict[str, Any] = {"problems": [], "created": []}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise actions.AccountListError(
                    [actions.RowProblem(0, "—", _("Choose the filled-in list (.xlsx)."))]
                )
            listed = accounts_excel.read_list(
                request.user, upload.read(accounts_excel.MAX_BYTES + 1)
            )
            created = actions.create_accounts(request.user, listed)
        except actions.AccountListError as exc:
            context["problems"] = exc.problems
            return render(request, "orgs/accounts/bulk.html", context, status=400)
        rows = [(u.get_username(), u.first_name, str(u.memberships.first().unit), p)
                for u, p in created]  # fmt: skip
        key = secrets.token_urlsafe(16)
        # Kept for one download within 15 minutes, then gone; never written anywhere else.
        request.session[PASSWORDS_KEY] = {"key": key, "rows": rows, "at": time.time()}
        context.update(created=rows, key=key)
        return _secret(render(request, "orgs/accounts/bulk.html", context))
    return render(request, "orgs/accounts/bulk.html", context)


@login_required
@require_POST
def bulk_passwords(request: HttpRequest) -> HttpResponse:
    """The created accounts' temporary passwords as a workbook, once."""
    _keeper(request)
    kept = request.session.pop(PASSWORDS_KEY, None)
    fresh = kept and time.time() - kept["at"] < PASSWORDS_SECONDS
    if not fresh or kept["key"] != request.POST.get("key"):
        messages.error(request, _(
            "The passwords can be downloaded once, within 15 minutes of creating the accounts; "
            "reset a password from the account's page if it was lost."))  # fmt: skip
        return redirect(reverse("accounts:bulk"))
    response = HttpResponse(
        accounts_excel.passwords_workbook([tuple(r) for r in kept["rows"]]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="new-accounts-passwords.xlsx"'
    return _secret(response)


# ── One's own password ───────────────────────────────────────────────────────────


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("home")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    forced = bool(request.session.get(SESSION_KEY))
    form_class = SetPasswordForm if forced else PasswordChangeForm
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_own_password(request.user, form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password2", exc)
        else:
            update_session_auth_hash(request, request.user)
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("Your password has been changed."))
            return redirect(_next(request))
    return render(request, "orgs/accounts/password_change.html", {
        "form": form, "forced": forced, "next": request.GET.get("next", ""),
    }, status=400 if form.errors else 200)  # fmt: skip


class PasswordLinkView(PasswordResetConfirmView):
    """A one-time link from the office: the person chooses a password (Django's token:
    it stops working once the password is set)."""

    template_name = "orgs/accounts/password_link.html"
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        actions.set_own_password(self.user, form.cleaned_data["new_password1"])
        del self.request.session["_password_reset_token"]
        messages.success(self.request, _("Your password is set: log in with it."))
        return redirect(reverse("login"))
