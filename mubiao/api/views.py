"""The user's API tokens page: create (shown once), list, revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mubiao.api import actions
from mubiao.api.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("What uses it"))
    read_only = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Read only"))
    days = forms.IntegerField(
        required=False, min_value=1, max_value=366, label=gettext_lazy("Expires after (days)")
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = actions.create_token(
                request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm()
    mine = ApiToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "tokens": mine, "raw": raw})


@login_required
@require_POST
def revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, prefix=prefix).first()
    if token is None:
        raise Http404("token")
    actions.revoke_token(request.user, token)
    messages.success(request, _("The token is revoked; it no longer works."))
    return redirect("api-tokens")
