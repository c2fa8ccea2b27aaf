"""Key projects (重点项目) and the industry chains (产业链群) they belong to."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mubiao.orgs.models import OrgUnit
from mubiao.plans.models import Indicator, Plan, SourceSpan, code_field


class Chain(models.Model):
    """An industry chain cluster or one chain inside it (Nanyang's "7+17")."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("chain cluster")
        CHAIN = "chain", _("chain")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="chains"
    )
    code = code_field()
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    # Named in the plan's own text, or taken from public reporting about the city.
    from_source = models.BooleanField(_("named in the source"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_chain_code")]

    def __str__(self) -> str:
        return self.name


class Project(SourceSpan):
    class Category(models.TextChoices):
        NEW = "new", _("new start")
        ONGOING = "ongoing", _("continuing")
        COMPLETING = "completing", _("to complete")
        PREPARATORY = "preparatory", _("preparatory")

    class Stage(models.TextChoices):
        # "not started" alone is a report's 未填报; a project's stage is 未开工
        NOT_STARTED = "not_started", _("not yet started")
        BUILDING = "building", _("under construction")
        COMPLETED = "completed", _("completed")
        SUSPENDED = "suspended", _("suspended")

    class Tier(models.TextChoices):
        PROVINCE = "province", _("provincial key project")
        CITY = "city", _("city key project")
        COUNTY = "county", _("county key project")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="projects"
    )
    code = code_field()
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    county = models.ForeignKey(
        OrgUnit,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects_located",
    )
    lead = models.ForeignKey(
        OrgUnit,
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects_led",
    )
    chain = models.ForeignKey(
        Chain,
        verbose_name=_("industry chain"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    total_investment = models.DecimalField(
        _("total investment (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    annual_plan = models.DecimalField(
        _("planned investment this year (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned completion"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual completion"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.NOT_STARTED
    )
    # 省/市/县重点: the level of government that lists it (blank: not stated).
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    # The plan's targets this project counts towards (the 1,000 projects, ¥150 bn …).
    counts_toward = models.ManyToManyField(
        Indicator, verbose_name=_("counts toward"), blank=True, related_name="projects"
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_project_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.plan.code, self.code])


class ProjectFigures(models.Model):
    """A project's figures in one version of its monthly report (重点项目月报).

    The slot, versions, evidence (形象进度 photos), reviews and unlocks are the reporting
    app's (``reporting.Report`` with ``project`` set); this row holds what is particular to
    a project: the investment completed *in the month*, the stage at its end and, where
    the unit reports it, the funds secured (到位资金). The year-to-date investment is
    derived (the sum over the year's approved months), never stored; the funds secured
    are the year's running total at the month's end (本年累计到位资金), as offices
    report them, so the latest approved month that states them gives the year's figure.
    """

    version = models.OneToOneField(
        "reporting.ReportVersion",
        verbose_name=_("report version"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    # 万元, the ledger's unit; may be negative for a statistical correction (核减).
    invested = models.DecimalField(
        _("investment completed in the month (10k yuan)"), max_digits=16, decimal_places=2
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Project.Stage.choices)
    # 万元, cumulative for the year at the month's end (本年累计到位资金); blank where the
    # unit does not report it. Never below zero.
    funds_secured = models.DecimalField(
        _("funds secured this year (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("project figures")
        verbose_name_plural = _("project figures")

    def __str__(self) -> str:
        return f"{self.version} {self.invested}"
