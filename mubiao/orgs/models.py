"""Organisation units (governments, departments, zones, state-owned enterprises) and who
belongs to them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*$", _("Use lowercase letters, digits and hyphens only.")
)


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("government")
        DEPARTMENT = "department", _("department")
        ZONE = "zone", _("functional zone")
        OFFICE = "office", _("office")
        # 国有企业 (a city's 城投/交投 companies): ranked in a sequence of their own.
        ENTERPRISE = "enterprise", _("state-owned enterprise")

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("county")

    code = models.SlugField(_("code"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("full name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("/nanyang/fgw/"): subtree queries are one LIKE.
    path = models.CharField(_("path"), max_length=500, editable=False, db_index=True)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                self._move_descendants(old_path)

    def clean(self) -> None:
        if self.parent_id and self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("A unit cannot be inside itself.")})
                ancestor = ancestor.parent

    def _move_descendants(self, old_path: str) -> None:
        for unit in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
            unit.path = self.path + unit.path[len(old_path) :]
            OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path)

    def subtree(self) -> models.QuerySet[OrgUnit]:
        """This unit and every unit below it."""
        return OrgUnit.objects.filter(path__startswith=self.path)

    def is_within(self, other: OrgUnit) -> bool:
        return self.path.startswith(other.path)

    def governing_unit(self) -> OrgUnit:
        """The nearest government (or zone) at or above this unit: whose plans it belongs to."""
        unit: OrgUnit | None = self
        while unit is not None:
            if unit.kind in (self.Kind.GOVERNMENT, self.Kind.ZONE):
                return unit
            unit = unit.parent
        return self


class Membership(models.Model):
    """A user's role in one unit. A person may hold several."""

    class Role(models.TextChoices):
        SUPERVISOR = "supervisor", _("supervisor")
        LEADER = "leader", _("leader")
        HEAD = "head", _("unit head")
        REPORTER = "reporter", _("reporter")
        VIEWER = "viewer", _("viewer")

    # Roles that look after a whole government's plans rather than one unit's items.
    OVERSIGHT = frozenset({Role.SUPERVISOR, Role.LEADER, Role.VIEWER})

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"

    @property
    def is_oversight(self) -> bool:
        return self.role in self.OVERSIGHT


class Profile(models.Model):
    """What an account carries beyond Django's user: a phone, and whether its password is a
    temporary one (set by the office) that must be changed before anything else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    must_change_password = models.BooleanField(_("must change the password"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("account profile")
        verbose_name_plural = _("account profiles")

    def __str__(self) -> str:
        return str(self.user)
