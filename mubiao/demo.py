"""The demo: Nanyang's units, its 2026 plan, and the demo accounts.

`mubiao demo` calls :func:`load_demo`; it is idempotent, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import translation

from mubiao.orgs.loader import load_units, read_yaml
from mubiao.orgs.models import Membership, OrgUnit
from mubiao.plans.loader import load_plan
from mubiao.plans.models import Plan
from mubiao.projects.loader import load_projects
from mubiao.projects.synthetic import make_monthly_figures, make_projects
from mubiao.reporting.cycles import ensure_cycles
from mubiao.reporting.models import Cycle

PACKAGE_DIR = Path(__file__).resolve().parent
UNITS_FILE = PACKAGE_DIR / "orgs" / "data" / "nanyang-units.yaml"
PLAN_FILE = PACKAGE_DIR / "plans" / "data" / "nanyang-2026.yaml"
DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoAccount:
    login: str
    unit: str
    role: str
    title: str
    staff: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("duchashi", "duchashi", Membership.Role.SUPERVISOR, "督查室工作人员", staff=True),
    DemoAccount("mayor", "nanyang", Membership.Role.LEADER, "市长"),
    DemoAccount("fgw", "fgw", Membership.Role.REPORTER, "综合科填报员"),
    DemoAccount("swj", "swj", Membership.Role.REPORTER, "综合科填报员"),
    DemoAccount("wancheng", "wancheng", Membership.Role.REPORTER, "区政府办填报员"),
]


@transaction.atomic
def load_nanyang() -> Plan:
    """Units, then the plan, then its chains and projects; all or nothing."""
    load_units(UNITS_FILE)
    data = read_yaml(PLAN_FILE)
    plan, _ = load_plan(data, PLAN_FILE.name)
    load_projects(plan, data, plan.documents.order_by("pk").first())
    return plan


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo logins (password "demo") with their memberships."""
    users = get_user_model()
    admin_perms = Permission.objects.filter(
        content_type__app_label__in=["orgs", "plans", "projects"]
    )
    for account in DEMO_ACCOUNTS:
        user, created = users.objects.get_or_create(username=account.login)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.first_name = account.title
            user.is_staff = account.staff
            user.save()
            if account.staff:
                user.user_permissions.set(admin_perms)
        unit = OrgUnit.objects.get(code=account.unit)
        Membership.objects.get_or_create(
            user=user, unit=unit, role=account.role, defaults={"title": account.title}
        )
    return DEMO_ACCOUNTS


def _analyze() -> None:
    """Refresh PostgreSQL's table statistics after the bulk load (SQLite needs none)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def load_demo(*, figures: bool = True) -> Plan:
    """The whole demo; ``figures=False`` leaves out the projects' monthly reports (~10k
    rows, a few seconds), for tests that only need the plan and the library."""
    from mubiao.dashboard import current
    from mubiao.dashboard.demo_progress import load_demo_progress

    plan = load_nanyang()
    make_projects(plan)
    ensure_demo_accounts()
    with translation.override(settings.LANGUAGE_CODE):  # cycle names in the demo's language
        ensure_cycles(plan, Cycle.Kind.MONTH)
    load_demo_progress(plan)
    if figures:
        # January–October figures of every key project (synthetic, approved by the office).
        make_monthly_figures(
            plan, reviewer=get_user_model().objects.filter(username="duchashi").first()
        )
    from mubiao.supervision.demo import load_demo_supervision

    current.rebuild(plan)  # the red targets the supervision demo starts from
    load_demo_supervision(plan)  # synthetic instructions and supervision items (模拟数据)
    _analyze()  # fresh statistics, or PostgreSQL plans the first reads as if tables were empty
    current.rebuild(plan)  # the overseers' first dashboard is read, not computed
    return plan
