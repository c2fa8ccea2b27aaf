"""The account list in Excel (账号批量导入): the template, and reading a filled-in list.

The header row is the contract (单位, 登录名, 姓名, 手机号码, 角色, 职务, 电子邮箱). A unit is
named by its short name, full name or code, among the units the person uploading keeps;
a role by its Chinese or English name or its code. Every problem is reported as (row,
column, reason) and :func:`mubiao.orgs.actions.create_accounts` saves all or nothing.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from mubiao.lib.office import (
    WORKBOOK_REFUSALS,
    UnsafeWorkbook,
    open_workbook,
    safe_cell,
    sheet_rows,
    unsafe_cell,
)
from mubiao.orgs import access
from mubiao.orgs.actions import (
    FIELD_COLUMNS,
    AccountListError,
    AccountRows,
    NewAccount,
    RowProblem,
    field_problems,
)
from mubiao.orgs.models import Membership, OrgUnit

HEADER = ["单位", "登录名", "姓名", "手机号码", "角色", "职务", "电子邮箱"]
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024


def role_names(roles: list[str]) -> dict[str, str]:
    """Every way a role may be written in the list → its code."""
    names: dict[str, str] = {}
    for role in roles:
        label = Membership.Role(role).label
        names[role] = role
        with override("zh-hans"):
            names[str(label)] = role
        with override("en"):
            names[str(label)] = role
    return names


def template(actor: Any) -> bytes:
    """The empty list, with an example row and a sheet naming the units and roles to use."""
    book = Workbook()
    sheet = book.active
    sheet.title = "账号"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    units = list(access.account_units(actor).order_by("path")[:500])
    with override("zh-hans"):
        roles = [str(Membership.Role(r).label) for r in access.ALL_ROLES]
    if units:
        sheet.append([safe_cell(units[0].short_name), "zhangsan", "张三", "13800000000",
                      roles[access.ALL_ROLES.index("reporter")], "综合科科员", ""])  # fmt: skip
    widths = [24, 16, 12, 16, 12, 16, 24]
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(65 + i)].width = width
    choice = DataValidation(type="list", formula1='"' + ",".join(roles) + '"', allow_blank=False)
    sheet.add_data_validation(choice)
    choice.add(f"E2:E{MAX_ROWS + 1}")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("说明")
    notes.append(
        ["每行一个账号；第一行（表头）不要改动。保存为 .xlsx 后上传，任何一行有误则全部不导入。"]
    )
    notes.append(
        [
            "One account per row; keep the first (header) row. Save as .xlsx and upload; if any row is wrong, nothing is imported."
        ]
    )
    notes.append([])
    notes.append(["角色 Role", "说明"])
    for r in access.ALL_ROLES:
        with override("zh-hans"):
            zh = str(Membership.Role(r).label)
        with override("en"):
            en = str(Membership.Role(r).label)
        notes.append([zh, en])
    notes.append([])
    notes.append(["可用单位（简称）", "全称", "代码"])
    for u in units:
        notes.append([safe_cell(u.short_name), safe_cell(u.name), u.code])
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number
    return str(unsafe_cell(value)).strip()


def read_list(actor: Any, data: bytes) -> AccountRows:
    """The rows of an uploaded list as NewAccounts, and the problems found on the way."""
    out = AccountRows()

    def fail(row: int, column: str, reason: str) -> None:
        out.problems.append(RowProblem(row, column, reason))

    if len(data) > MAX_BYTES:
        raise AccountListError([RowProblem(0, "—", _("the file is larger than 5 MB"))])
    try:
        rows = iter(sheet_rows(open_workbook(data).worksheets[0]))
    except (UnsafeWorkbook, IndexError) as exc:
        reason = getattr(exc, "reason", "bad_sheet")
        raise AccountListError([RowProblem(0, "—", str(WORKBOOK_REFUSALS[reason]))]) from None
    header = [_text(c) for c in next(rows, [])]
    if header[: len(HEADER)] != HEADER:
        missing = [h for h in HEADER if h not in header]
        raise AccountListError([RowProblem(1, "、".join(missing) or "—", _(
            "the header row is not the template's; download the template and keep its first row"
        ))])  # fmt: skip
    units = list(access.account_units(actor))
    by_name: dict[str, list[OrgUnit]] = {}
    for u in units:
        for name in {u.short_name, u.name, u.code}:
            by_name.setdefault(name, []).append(u)
    roles = role_names(access.ALL_ROLES)
    for number, values in enumerate(rows, start=2):
        cells = [_text(v) for v in values][: len(HEADER)]
        if not any(cells):
            continue
        if number > MAX_ROWS + 1:
            fail(number, "—", _("too many rows: at most %(n)s accounts at once") % {"n": MAX_ROWS})
            break
        cells += [""] * (len(HEADER) - len(cells))
        unit_name, username, full_name, phone, role_name, title, email = cells
        found = by_name.get(unit_name, [])
        unit = found[0] if len(found) == 1 else None
        if not unit_name:
            fail(number, "单位", _("give the unit"))
        elif not found:
            fail(number, "单位", _("“%(name)s” is not a unit whose accounts you keep") % {
                "name": unit_name})  # fmt: skip
        elif len(found) > 1:
            fail(number, "单位", _(
                "“%(name)s” names several units (%(which)s): write the unit's code instead"
            ) % {"name": unit_name, "which": "、".join(
                f"{u.short_name}（{u.parent.short_name if u.parent else u.code}）" for u in found)})  # fmt: skip
        role = roles.get(role_name) or roles.get(role_name.lower())
        if not role_name:
            fail(number, "角色", _("give the role"))
        elif role is None:
            fail(number, "角色", _("“%(name)s” is not a role: use one of %(roles)s") % {
                "name": role_name, "roles": "、".join(
                    str(Membership.Role(r).label) for r in access.ALL_ROLES)})  # fmt: skip
        fields = {"username": username, "full_name": full_name, "phone": phone,
                  "email": email, "title": title}  # fmt: skip
        if unit is not None and role is not None:
            out.rows.append((number, NewAccount(unit=unit, role=role, **fields)))
        else:  # the row's other problems are told now too, not after the unit is fixed
            for name, message in field_problems(fields)[1]:
                fail(number, FIELD_COLUMNS.get(name, "—"), message)
    return out


def passwords_workbook(created: list[tuple[str, str, str, str]]) -> bytes:
    """The created accounts and their temporary passwords (login, name, unit, password)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "初始密码"
    sheet.append(["登录名", "姓名", "单位", "初始密码（首次登录须修改）"])
    for row in created:
        sheet.append([safe_cell(v) for v in row])
    for col, width in zip("ABCD", [16, 12, 24, 28], strict=True):
        sheet.column_dimensions[col].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
