"""Whole-plan start points: the 任务分解表 workbook out and in, and next year's copy.

The export is a GET (it writes nothing); importing and copying are POSTs to
``plans.actions.import_workbook`` / ``copy_plan``. A refused workbook is shown again with
its problems in a table (row, column, reason), and nothing is saved.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mubiao.orgs import access
from mubiao.orgs.models import OrgUnit
from mubiao.plans import actions, workbook
from mubiao.plans.editor import _office_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Task-division workbook (.xlsx)"))


class NewPlanForm(UploadForm):
    issuer = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(), label=gettext_lazy("Issuing government"),
        empty_label=None,
    )  # fmt: skip
    name = forms.CharField(max_length=200, label=gettext_lazy("New plan's name"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=gettext_lazy("Year"))

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = access.supervised_issuers(user)
        roots = access.supervising_roots(user)
        self.fields["issuer"].initial = roots[0] if roots else None
        self.fields["year"].initial = timezone.localdate().year
        self.order_fields(["issuer", "name", "year", "file"])


def _problems(exc: ValidationError) -> list:
    if isinstance(exc, workbook.WorkbookRefused):
        return exc.problems
    return [workbook.Problem(0, "—", "", m) for m in exc.messages]


@login_required
def plan_workbook(request: HttpRequest, plan_code: str) -> HttpResponse:
    """The workbook page of a plan: export it, fill the plan from one, copy the plan."""
    plan = _office_plan(request, plan_code)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            actions.import_workbook(request.user, plan, form.cleaned_data["file"].read())
        except ValidationError as exc:
            problems = _problems(exc)
        else:
            messages.success(request, _("The plan was filled from the workbook."))
            return redirect(reverse("plans:edit", args=[plan.code]))
    context = {
        "plan": plan, "form": form, "problems": problems,
        "fillable": not actions._issued_anything(plan), "next_year": plan.year + 1,
    }  # fmt: skip
    status = 422 if problems else (400 if request.method == "POST" else 200)
    return render(request, "plans/workbook.html", context, status=status)


@login_required
def export(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    response = HttpResponse(workbook.export_plan(plan), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="task-division-{plan.code}.xlsx"'
    return response


@login_required
@require_POST
def copy(request: HttpRequest, plan_code: str) -> HttpResponse:
    plan = _office_plan(request, plan_code)
    try:
        new = actions.copy_plan(request.user, plan, name=request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("plans:workbook", args=[plan.code]))
    messages.success(request, _("%(plan)s was made from %(source)s; it is a draft, not issued.")
                     % {"plan": new.name, "source": plan.name})  # fmt: skip
    return redirect(reverse("plans:edit", args=[new.code]))


@login_required
def new_plan(request: HttpRequest) -> HttpResponse:
    """A new draft plan from a workbook."""
    if not access.supervised_issuers(request.user).exists():
        raise PermissionDenied("import")
    form = NewPlanForm(request.user, request.POST or None, request.FILES or None)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = actions.import_workbook(request.user, None, data["file"].read(),
                                           issuer=data["issuer"], name=data["name"],
                                           year=data["year"])  # fmt: skip
        except ValidationError as exc:
            problems = _problems(exc)
        else:
            messages.success(request, _("The plan was made from the workbook."))
            return redirect(reverse("plans:edit", args=[plan.code]))
    status = 422 if problems else (400 if request.method == "POST" else 200)
    return render(request, "plans/workbook_new.html", {"form": form, "problems": problems},
                  status=status)  # fmt: skip
