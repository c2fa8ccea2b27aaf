"""`mubiao extract FILE [--format json|text]`: the importer on one file.

The lead's `mubiao` command calls `add_arguments` and `run`; `python -m mubiao.extract`
does the same on its own. Errors are one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from .errors import ExtractError
from .model import DraftPlan
from .pipeline import extract_text
from .readers import read_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the extract command's arguments to `parser`."""
    parser.add_argument("file", help="the source text: .txt, .docx, .html or .pdf")
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json (the DraftPlan) or text (for a person)",
    )
    parser.add_argument(
        "--year", type=int, default=None, help="the plan's year, when the text does not say"
    )


def run(args: argparse.Namespace) -> int:
    """Run the extract command; returns the exit status."""
    try:
        plan = extract_text(read_file(args.file), year_hint=getattr(args, "year", None))
    except ExtractError as exc:
        print(f"mubiao extract: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(plan.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(render_text(plan))
    return 0


def render_text(plan: DraftPlan) -> str:
    """A readable listing of a DraftPlan."""
    out = [
        f"标题: {plan.title or '—'}",
        f"发文单位: {plan.issuer or '—'}",
        f"年度: {plan.year or '—'}",
        "",
    ]
    out.append(f"目标 ({len(plan.targets)})")
    for i, t in enumerate(plan.targets):
        value = (
            ""
            if t.value is None
            else f"{t.value:g}" + (f"—{t.value_max:g}" if t.value_max is not None else "")
        )
        flag = (" [约束性]" if t.binding else "") + (" [主要预期目标]" if t.headline else "")
        out.append(
            f"  {i:>3}. {t.metric}  {t.comparator} {value}{t.unit or ''}  ({t.kind}){flag}  @{t.span[0]}-{t.span[1]}"
        )
    out.append("")
    out.append(f"任务 ({len(plan.tasks)})")
    for task in plan.tasks:
        out.append(f"  {task.number or '-'} {task.text[:60]}{'…' if len(task.text) > 60 else ''}")
        out.append(
            f"       牵头: {'、'.join(task.lead) or '—'}   配合: {'、'.join(task.co) or '—'}"
        )
        if task.leaders or task.deadline:
            out.append(
                f"       责任领导: {'、'.join(task.leaders) or '—'}   时限: {task.deadline or '—'}"
            )
    if plan.warnings:
        out.append("")
        out.append("提示")
        out += [f"  - {w}" for w in plan.warnings]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mubiao extract", description="Read a plan's text into a DraftPlan."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
