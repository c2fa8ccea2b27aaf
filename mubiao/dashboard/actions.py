"""The monitoring side's writes: a plan's status bands and its ranking formula.

Both are inputs of every status (or of every standing), so each action judges the whole
plan again inside its transaction (``statuses.apply(plan, statuses.ALL)``) and writes an
audit row. Only the supervision office of the issuing government changes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mubiao.audit.events import Event
from mubiao.audit.models import record
from mubiao.dashboard import statuses
from mubiao.dashboard.bulletin import may_publish
from mubiao.dashboard.models import (
    DEFAULT_RANKING,
    BandRevision,
    BandSetting,
    Bulletin,
    RankingSetting,
)
from mubiao.monitor import Bands, RankingFormula
from mubiao.orgs.access import User
from mubiao.plans.models import Plan
from mubiao.reporting.models import Cycle


def may_set_conventions(user: User, plan: Plan) -> bool:
    """The plan's supervision office (supervisors of the issuing government)."""
    return may_publish(user, plan)


def _check(user: User, plan: Plan) -> None:
    if not may_set_conventions(user, plan):
        raise PermissionDenied(_("Only the supervision office may change how statuses are judged."))


@transaction.atomic
def rebuild_statuses(user: User, plan: Plan) -> statuses.Rebuilt:
    """Judge the whole plan again into its store for today, by hand (the admin's
    "Rebuild for today"): what the daily tick does, for the supervision office (or a
    superuser) who wants it now. Audited with how many statuses changed."""
    if not (getattr(user, "is_superuser", False) or may_set_conventions(user, plan)):
        raise PermissionDenied(_("Only the supervision office may rebuild the plan's statuses."))
    rebuilt = statuses.rebuild(plan)
    record(user, Event.STATUSES_REBUILD, f"plan:{plan.code}/statuses",
           after={"as_of": rebuilt.header.as_of.isoformat(), "changes": len(rebuilt.changes)})  # fmt: skip
    return rebuilt


@transaction.atomic
def set_bands(user: User, plan: Plan, rule: str, data: dict[str, Any] | None) -> BandSetting | None:
    """The plan's bands for one rule (``Bands.to_data`` JSON), or the defaults (None), in
    force from today: the days before keep the bands they had (``BandRevision``)."""
    _check(user, plan)
    setting = BandSetting.objects.filter(plan=plan, rule=rule).first()
    before = setting.data if setting else None
    if data is None:
        if setting is not None:
            setting.delete()
        setting = None
    else:
        try:
            Bands.from_data(data)
        except (ValueError, TypeError, KeyError) as exc:
            raise ValidationError(
                _("These bands are not valid: %(error)s") % {"error": exc}
            ) from exc
        if setting is None:
            setting = BandSetting(plan=plan, rule=rule)
        setting.data = data
        setting.save()
    if before != data:
        BandRevision.objects.create(plan=plan, rule=rule, effective_from=timezone.localdate(),
                                    old=before, new=data, changed_by=user)  # fmt: skip
    record(user, Event.BANDS_CHANGE, f"plan:{plan.code}/bands/{rule}", before={"bands": before},
           after={"bands": data})  # fmt: skip
    statuses.apply(plan, statuses.ALL)
    return setting


@transaction.atomic
def set_ranking(
    user: User, plan: Plan, formula: dict[str, Any], exemptions: dict[str, str] | None = None
) -> RankingSetting:
    """The plan's ranking formula (``RankingFormula.to_data`` JSON) and exemptions."""
    _check(user, plan)
    try:
        RankingFormula.from_data(formula)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(
            _("This ranking formula is not valid: %(error)s") % {"error": exc}
        ) from exc
    setting = RankingSetting.objects.filter(plan=plan).first()
    before = {"formula": setting.formula, "exemptions": setting.exemptions} if setting else None
    if setting is None:
        setting = RankingSetting(plan=plan)
    setting.formula = formula
    setting.exemptions = dict(exemptions or {})
    setting.save()
    record(user, Event.RANKING_CHANGE, f"plan:{plan.code}/ranking", before=before,
           after={"formula": formula, "exemptions": setting.exemptions})  # fmt: skip
    statuses.apply(plan, statuses.ALL)
    return setting


@transaction.atomic
def set_unit_ranking(user: User, plan: Plan, setting: dict[str, Any] | None) -> RankingSetting:
    """How counties and functional zones are ranked by key-project investment completion
    (``order``) and the plan's 红黑榜 (``red``, ``black``, ``exemptions``), as
    ``unit_standings.parse`` reads it; None or {} ranks highest first with no lists."""
    from mubiao.dashboard.unit_standings import parse

    _check(user, plan)
    try:
        parse(setting)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValidationError(
            _("This ranking of counties and zones is not valid: %(error)s") % {"error": exc}
        ) from exc
    found = RankingSetting.objects.filter(plan=plan).first()
    before = {"units": found.units} if found else None
    if found is None:
        found = RankingSetting(plan=plan, formula=dict(DEFAULT_RANKING))
    found.units = dict(setting or {})
    found.save()
    record(user, Event.RANKING_CHANGE, f"plan:{plan.code}/ranking/units", before=before,
           after={"units": found.units})  # fmt: skip
    statuses.rank_again(plan)  # no status moves; the standings and the pages kept do
    return found


#: The narrative fields the office may edit before publishing, with their longest length
#: (``problems``: the wording of 三、存在问题, one paragraph a line; empty follows the figures).
NARRATIVE_FIELDS = {
    "issue_number": 64,
    "office": 100,
    "addressees": 300,
    "basis": 1000,
    "requirements": 5000,
    "contact": 300,
    "problems": 20000,
}


#: What the bulletin form calls each narrative field: a refusal names the box, in the
#: user's language, not the field's key.
NARRATIVE_LABELS = {
    "issue_number": gettext_lazy("Issue number"),
    "office": gettext_lazy("Issuing office"),
    "addressees": gettext_lazy("Addressees"),
    "basis": gettext_lazy("Basis sentence"),
    "requirements": gettext_lazy("Requirements for the next stage"),
    "contact": gettext_lazy("Contact line"),
    "problems": gettext_lazy("Problems"),
}


def _told(narrative: dict[str, str] | None) -> dict[str, str]:
    told = {k: str(v).strip() for k, v in (narrative or {}).items() if k in NARRATIVE_FIELDS}
    for key, longest in NARRATIVE_FIELDS.items():
        if len(told.get(key, "")) > longest:
            field = str(NARRATIVE_LABELS[key])
            raise ValidationError(
                _("%(field)s is longer than %(n)s characters.") % {"field": field, "n": longest}
            )
    return told


def _check_draft(plan: Plan, cycle: Cycle, draft: Bulletin | None) -> None:
    if draft is None:
        return
    if draft.cycle.plan_id != plan.pk:
        raise PermissionDenied(_("This bulletin belongs to another plan."))
    if not draft.is_draft:
        raise ValidationError(_("This bulletin is published: it can no longer be edited."))


@transaction.atomic
def save_bulletin_draft(
    user: User,
    cycle: Cycle,
    as_of: dt.date,
    narrative: dict[str, str] | None = None,
    draft: Bulletin | None = None,
) -> Bulletin:
    """Build the bulletin of ``cycle`` as of ``as_of`` as a draft, or build ``draft`` again
    with the office's edits: the content is saved for review, nothing is rendered or
    sent; audited."""
    from mubiao.dashboard import bulletin

    plan = cycle.plan
    if not may_publish(user, plan):
        raise PermissionDenied(_("Only the supervision office publishes bulletins."))
    _check_draft(plan, cycle, draft)
    before = {"cycle": draft.cycle.code, "as_of": draft.as_of.isoformat(),
              "narrative": draft.narrative} if draft else None  # fmt: skip
    item = bulletin.save_draft(user, cycle, as_of, _told(narrative), draft)
    record(user, Event.BULLETIN_DRAFT, f"bulletin:{item.code}", before=before,
           after={"cycle": cycle.code, "as_of": as_of.isoformat(),
                  "issue_number": item.issue_number, "narrative": item.narrative})  # fmt: skip
    return item


@transaction.atomic
def publish_bulletin(
    user: User,
    cycle: Cycle,
    as_of: dt.date,
    narrative: dict[str, str] | None = None,
    draft: Bulletin | None = None,
) -> Bulletin:
    """Publish the bulletin (通报) of ``cycle`` as of ``as_of`` with the office's edited
    narrative (``draft``: the draft that becomes it): rendered, frozen and stored with
    its PDF copy; audited."""
    from mubiao.dashboard import bulletin

    plan = cycle.plan
    if not may_publish(user, plan):
        raise PermissionDenied(_("Only the supervision office publishes bulletins."))
    _check_draft(plan, cycle, draft)
    item = bulletin.publish(user, cycle, as_of, _told(narrative), draft)
    record(user, Event.BULLETIN_PUBLISH, f"bulletin:{item.code}",
           after={"cycle": cycle.code, "as_of": as_of.isoformat(),
                  "issue_number": item.issue_number, "narrative": item.narrative})  # fmt: skip
    return item
