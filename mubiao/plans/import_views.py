"""Import a plan's text: upload or paste, watch it being read, review, accept."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mubiao.lib.text import clean
from mubiao.orgs import access
from mubiao.orgs.models import OrgUnit
from mubiao.plans import access as plan_access
from mubiao.plans import actions
from mubiao.plans.imports import changes_against, segments, target_owners, with_edits
from mubiao.plans.models import Document, ImportDraft, Indicator, Plan

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ImportForm(forms.Form):
    issuer = forms.ModelChoiceField(
        queryset=OrgUnit.objects.none(),
        label=gettext_lazy("Issuing government"),
        empty_label=gettext_lazy("— choose —"),
    )
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        required=False,
        label=gettext_lazy("Into an existing plan"),
        empty_label=gettext_lazy("— a new plan —"),
    )
    plan_name = forms.CharField(
        required=False, max_length=200, label=gettext_lazy("New plan's name")
    )
    year = forms.IntegerField(
        required=False, min_value=2000, max_value=2100, label=gettext_lazy("Year")
    )
    kind = forms.ChoiceField(choices=Document.Kind.choices, label=gettext_lazy("Kind of document"))
    file = forms.FileField(
        required=False,
        label=gettext_lazy("File (.txt, .docx, .html, .pdf)"),
    )
    text = forms.CharField(
        required=False,
        strip=False,  # spans count from the first character as pasted
        widget=forms.Textarea(attrs={"rows": 8}),
        label=gettext_lazy("Or paste the text"),
    )

    def __init__(self, user, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuers = access.supervised_issuers(user)
        self.fields["issuer"].queryset = issuers
        self.fields["plan"].queryset = Plan.objects.filter(issuer__in=issuers)
        roots = access.supervising_roots(user)
        # The supervisor's own government is the usual issuer.
        self.fields["issuer"].initial = roots[0] if roots else issuers.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise ValidationError(_("Upload a file or paste the text."))
        upload = data.get("file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return data

    def read_text(self) -> dict[str, Any]:
        """What start_import takes of the document: the text and file name, or, for a file
        over READ_INLINE_BYTES, its bytes unread (the worker reads them) once the cheap
        checks pass (a kind that cannot be read, a .docx that would unpack too far)."""
        from mubiao.extract import ExtractError, read_bytes
        from mubiao.extract.readers import check_readable

        upload = self.cleaned_data.get("file")
        if not upload:
            return {"text": self.cleaned_data["text"], "file_name": ""}
        data = upload.read()
        try:
            if len(data) > actions.READ_INLINE_BYTES:
                check_readable(data, upload.name)
                return {"upload": data, "file_name": upload.name}
            return {"text": read_bytes(data, upload.name), "file_name": upload.name}
        except ExtractError as exc:
            raise ValidationError(str(exc)) from exc


@login_required
def new_import(request: HttpRequest) -> HttpResponse:
    if not access.supervised_issuers(request.user).exists():
        raise PermissionDenied("import")
    form = ImportForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = actions.start_import(
                request.user,
                issuer=form.cleaned_data["issuer"],
                **form.read_text(),
                kind=form.cleaned_data["kind"],
                plan=form.cleaned_data.get("plan"),
                plan_name=form.cleaned_data.get("plan_name") or "",
                year=form.cleaned_data.get("year"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(draft)
    recent = ImportDraft.objects.filter(issuer__in=access.supervised_issuers(request.user))[:10]
    status = 400 if request.method == "POST" else 200  # a refused upload: nothing saved
    return render(request, "plans/import_new.html", {"form": form, "recent": recent}, status=status)


@login_required
def review_import(request: HttpRequest, code: str) -> HttpResponse:
    draft = plan_access.get_import_for_user(request.user, code)
    if request.method == "POST":
        return _post_review(request, draft)
    # A stalled reading (its worker died) is not waited for: the page says so instead.
    reading = draft.status in (ImportDraft.Status.QUEUED, *ImportDraft.BUSY) and not draft.stalled
    if request.htmx:
        if not reading:  # done: let htmx reload the whole page with the review
            return HttpResponse(headers={"HX-Refresh": "true"})
        return render(request, "plans/import_review.html#progress", {"draft": draft})
    if reading:
        return render(request, "plans/import_review.html", {"draft": draft})
    context = _review_context(draft, request.GET.get("page"))
    return render(request, "plans/import_review.html", context)


REVIEW_PAGE = 100  # targets and tasks per page of the review (a big draft has thousands)


def _review_context(draft: ImportDraft, page_number=None) -> dict[str, Any]:
    """The review page's data: one page of items, and the stretch of the source they
    come from (the whole text when the draft fits on one page)."""
    if not draft.draft:
        return {"draft": draft}
    data = with_edits(draft.draft, draft.edits)
    owners = target_owners(data)
    tasks, headings = data.get("tasks", []), data.get("headings", [])
    for index, target in enumerate(data.get("targets", [])):
        target["owner"] = owners.get(index)
        if target["owner"] is not None:  # the chosen task's words; the rest come once a page
            target["owner_text"] = tasks[target["owner"]].get("text", "")
    for task in tasks:
        at = task.get("heading")
        task["area"] = headings[at] if isinstance(at, int) and 0 <= at < len(headings) else None
    items = [("targets", i, t) for i, t in enumerate(data.get("targets", []))]
    items += [("tasks", i, t) for i, t in enumerate(data.get("tasks", []))]
    page = Paginator(items, REVIEW_PAGE).get_page(page_number)
    shown_targets = [(i, t) for kind, i, t in page if kind == "targets"]
    shown_tasks = [(i, t) for kind, i, t in page if kind == "tasks"]
    units = {u.code: u for u in access.subtree(draft.issuer)}
    for _i, task in shown_tasks:
        for key in ("lead_match", "co_match"):
            for match in task.get(key, []):
                match["options"] = [units[c] for c in match.get("candidates", []) if c in units]
                match["chosen"] = units.get(match.get("unit"))
    start, end = 0, len(draft.text)
    spans = [t["span"] for _k, _i, t in page if t.get("span")]
    if page.paginator.num_pages > 1 and spans:
        start, end = min(s[0] for s in spans), max(s[1] for s in spans)
    plan = draft.plan
    return {
        "draft": draft,
        "data": data,
        "page": page,
        "shown_targets": shown_targets,
        "shown_tasks": shown_tasks,
        "excerpt": (start, end) != (0, len(draft.text)),
        "segments": segments(draft.text, data, start, end),
        "kinds": Indicator.Kind.choices,
        "comparators": Indicator.Comparator.choices,
        "all_units": list(units.values()),
        "changes": changes_against(plan, data) if plan else None,
        "same_document": plan.documents.filter(sha256=draft.sha256).first() if plan else None,
    }


def _post_review(request: HttpRequest, draft: ImportDraft) -> HttpResponse:
    try:
        # A page of the review posts its own items; the other pages' corrections stay.
        edits = merged(draft.edits, edits_from_post(request.POST, draft.draft or {}))
        actions.save_review(request.user, draft, edits)
        split = request.POST.get("split", "")
        if split.isdigit():  # the reviewer cuts a task in two at the words they chose
            index = int(split)
            actions.split_import_task(
                request.user, draft, index, request.POST.get(f"task-{index}-split", "")
            )
            messages.success(request, _("Task %(n)s is split in two.") % {"n": index + 1})
            return redirect(_review_url(draft, request.GET.get("page", ""), f"task-{index}"))
        if request.POST.get("accept"):
            plan = actions.accept_import(request.user, draft)
            if plan is None:  # a large draft: the worker accepts it, the page shows how far
                messages.success(
                    request, _("The import is being accepted in the background; this page shows how far it is.")
                )  # fmt: skip
                return redirect(draft)
            messages.success(request, _("Imported into %(plan)s.") % {"plan": plan.name})
            return redirect("plans:edit", plan.code)  # the office builds the tree next
    except ValidationError as exc:
        # Refused: nothing of this form was saved; the page says why, with a 400.
        messages.error(request, " ".join(exc.messages))
        context = _review_context(draft, request.GET.get("page"))
        return render(request, "plans/import_review.html", context, status=400)
    messages.success(request, _("Your corrections are saved."))
    return redirect(_review_url(draft, request.GET.get("page", "")))


def _review_url(draft: ImportDraft, page: str, anchor: str = "") -> str:
    url = draft.get_absolute_url() + (f"?page={page}" if page.isdigit() else "")
    return url + (f"#{anchor}" if anchor else "")


def merged(before: dict[str, Any], posted: dict[str, Any]) -> dict[str, Any]:
    """The saved corrections with one page's posted ones laid over them."""
    return {
        kind: {**(before or {}).get(kind, {}), **posted.get(kind, {})}
        for kind in ("targets", "tasks")
    }


NUMBER_FIELDS = ("value", "value_max")


def edits_from_post(post, draft: dict[str, Any]) -> dict[str, Any]:
    """The reviewer's form as edits over the draft; a bad number names its row."""
    edits: dict[str, dict[str, dict[str, Any]]] = {"targets": {}, "tasks": {}}
    for i, original in enumerate(draft.get("targets", [])):
        prefix = f"target-{i}-"
        if prefix + "metric" not in post:
            continue
        row: dict[str, Any] = {"skip": post.get(prefix + "keep") != "on"}
        label = _("Target %(n)s") % {"n": i + 1}
        row["metric"] = (
            clean(post.get(prefix + "metric", original["metric"]), label) or original["metric"]
        )
        row["comparator"] = _choice(
            post, prefix + "comparator", Indicator.Comparator.values, original
        )
        row["kind"] = _choice(post, prefix + "kind", Indicator.Kind.values, original)
        row["unit"] = clean(post.get(prefix + "unit", ""), label) or None
        for name in NUMBER_FIELDS:
            row[name] = _number(post.get(prefix + name, ""), i + 1)
        if (
            row["comparator"] in Indicator.NUMERIC_COMPARATORS
            and row["value"] is None
            and not row["skip"]
        ):
            raise ValidationError(_("Target %(n)s needs a value.") % {"n": i + 1})
        # a plan-level (headline) target: the extractor proposes it, the reviewer decides
        row["headline"] = post.get(prefix + "headline") == "on"
        if prefix + "task" in post:  # the task the target belongs to (re-parented)
            row["task"] = _index(post.get(prefix + "task", ""), len(draft.get("tasks", [])))
        edits["targets"][str(i)] = row
    for i, original in enumerate(draft.get("tasks", [])):
        prefix = f"task-{i}-"
        if prefix + "text" not in post:
            continue
        row = {"skip": post.get(prefix + "keep") != "on"}
        label = _("Task %(n)s") % {"n": i + 1}
        row["text"] = clean(post.get(prefix + "text", ""), label) or original["text"]
        for key in ("lead_match", "co_match"):
            row[key] = [
                {**match, "unit": post.get(f"{prefix}{key}-{k}") or None}
                for k, match in enumerate(original.get(key, []))
            ]
        row["merge_up"] = post.get(prefix + "merge_up") == "on"  # joins the task above
        if prefix + "heading" in post:  # the area the task belongs to (re-parented)
            row["heading"] = _index(
                post.get(prefix + "heading", ""), len(draft.get("headings", []))
            )
        edits["tasks"][str(i)] = row
    return edits


def _index(text: str, count: int) -> int | None:
    """A chosen row index of a select ("" for none); one out of range is none."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if 0 <= value < count else None


def _choice(post, name: str, allowed: list[str], original: dict[str, Any]) -> str:
    value = post.get(name) or original[name.rsplit("-", 1)[1]]
    if value not in allowed:
        raise ValidationError(_("%(value)s is not a valid choice.") % {"value": value})
    return value


# What an indicator's value column holds (Indicator.value: 20 digits, 4 after the point).
MAX_VALUE = 1e15


def _number(text: str, row: int) -> float | None:
    """A finite number the plan can store; "nan", "inf", "1e400" name their row."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValidationError(
            _("Target %(n)s: “%(text)s” is not a number.") % {"n": row, "text": text[:40]}
        )
    if abs(number) >= MAX_VALUE:
        raise ValidationError(
            _("Target %(n)s: %(text)s is too large for a target value.")
            % {"n": row, "text": text[:40]}
        )
    return number
