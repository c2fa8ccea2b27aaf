"""The list of units a user may open (a unit's own page, with its tasks, is the plans')."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mubiao.orgs import access


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = access.visible_units(request.user).select_related("parent")
    return render(request, "orgs/units.html", {"units": units})
