"""The access rules hold by construction: checked over the source, not page by page.

- Views, API routes and the report-data builder read reports, tasks, targets, key projects
  and units only through the access helpers (``*/access.py``), never with a bare query.
- ``orgs`` (memberships and the unit tree) imports nothing of the apps built on it, and
  ``reporting`` nothing of ``projects`` (which registers its subject kind).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mubiao"
GUARDED = {"Report", "Task", "Indicator", "Project", "OrgUnit"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _route_modules() -> list[Path]:
    views = [
        p for p in PACKAGE.glob("*/*.py") if p.name == "views.py" or p.name.endswith("_views.py")
    ]
    return sorted(
        [
            *views,
            PACKAGE / "api" / "v1.py",
            PACKAGE / "api" / "plan_writes.py",
            PACKAGE / "supervision" / "api.py",
            PACKAGE / "dashboard" / "report_data.py",
            PACKAGE / "dashboard" / "current.py",
        ]
    )


def bare_queries(path: Path) -> list[str]:
    """Each ``Model.objects…`` or ``get_object_or_404(Model, …)`` on a guarded model, as
    "line: what" (``Model.objects.none()`` reads nothing and is allowed)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"objects", "_default_manager"}
            and isinstance(node.value, ast.Name)
            and node.value.id in GUARDED
            and f"{node.value.id}.objects.none()" not in lines[node.lineno - 1]
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in GUARDED
        ):
            found.append((node.lineno, f"{node.func.id}({node.args[0].id})"))
    return [f"{line}: {what}" for line, what in sorted(found)]


def test_the_routes_are_found():
    names = {p.name for p in _route_modules()}
    assert {
        "views.py",
        "v1.py",
        "report_data.py",
        "current.py",
        "import_views.py",
        "unit_views.py",
        "plan_writes.py",
        "api.py",
    } <= names


def test_the_checker_sees_a_bare_query(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text(
        "def page(request, code):\n"
        "    none = Task.objects.none()\n"
        "    return get_object_or_404(Task, code=code), Report.objects.filter(code=code)\n"
    )
    assert bare_queries(sample) == ["3: Report.objects", "3: get_object_or_404(Task)"]


@pytest.mark.parametrize("path", _route_modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_view_route_or_builder_queries_a_guarded_model_without_a_helper(path):
    wrong = [f"{path.relative_to(PACKAGE)}:{w}" for w in bare_queries(path)]
    assert not wrong, "read through an access helper (*/access.py):\n" + "\n".join(wrong)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize(
    ("app", "forbidden"),
    [
        ("orgs", {"plans", "projects", "reporting", "dashboard", "supervision", "api"}),
        ("reporting", {"projects"}),  # key projects are a registered subject kind
    ],
)
def test_an_app_imports_nothing_of_the_apps_built_on_it(app, forbidden):
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / app).rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] == "mubiao"
        and name.split(".")[1:2]
        and name.split(".")[1] in forbidden
    ]
    assert not wrong, wrong


ACCESS_MODULES = ["orgs", "plans", "projects", "reporting", "supervision"]


def _names_defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


def test_every_access_helper_called_exists():
    """A helper moved or renamed is caught here, not by the first user who calls it."""
    defined = {app: _names_defined(PACKAGE / app / "access.py") for app in ACCESS_MODULES}
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {
            a.asname or "access": node.module.split(".")[1]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module in {f"mubiao.{app}" for app in ACCESS_MODULES}
            for a in node.names
            if a.name == "access"
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in {
                f"mubiao.{app}.access" for app in ACCESS_MODULES
            }:
                app = node.module.split(".")[1]
                wrong += [
                    f"{path.relative_to(PACKAGE)}:{node.lineno}: {app}.access.{a.name}"
                    for a in node.names
                    if a.name not in defined[app]
                ]
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr not in defined[aliases[node.value.id]]
            ):
                app = aliases[node.value.id]
                wrong.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {app}.access.{node.attr}")
    assert not wrong, "\n".join(wrong)
