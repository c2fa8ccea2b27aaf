"""Leave-one-out figures for the text engine's lexicons, on the development texts.

    run(["--show"]) -> dict        (or: mubiao bench extract_loo)

The rules and lexicons were built with the 15 development texts in view, so their plain
score (1.00) says little about unseen texts. This measures how much of it rests on
entries that only one development text needs. For each text D:

- every lexicon entry (a word of a list, a key of a mapping, a spun form, an indicator
  name, a regular expression) is looked up in D and in the other 14 texts (in the text
  as read and as normalised; an expression by `re.search`, a word by containment);
- the entries found in D and in none of the other 14 are taken out (an entry no other
  development text uses may have been added for D);
- D is read again with the reduced lexicons and scored with ``../shared/eval/score.py``.

Two variants are reported: "strict" takes out every such entry; "with cases" keeps
those that also occur in a sentence of the team's own case tables
(``tests/extract/*.py``), since an entry backed by a team-written case was written for
the language, not only for D. Both are upper bounds on what a rule for one document
could have added: the code's rules themselves (not lexicon entries) are not left out,
and an entry used by two development texts stays even if it was added for one of them.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import re
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from mubiao.extract import lexicon, normalize
from mubiao.extract import pipeline as extract_pipeline

from .extract import REPO_ROOT, _shared

# (lexicon, key) whose list items are regular expressions, not words
REGEX_KEYS = {
    ("patterns", "qualitative_strong"),
    ("patterns", "qualitative_weak"),
    ("patterns", "milestone"),
    ("patterns", "milestone_dated"),
    ("patterns", "milestone_in_items"),
    ("orgs", "first_is_lead"),
    ("cues", "horizon"),
    ("prose", "bylines"),
    ("spam", "inline"),
}
# list-of-mapping entries are named by this field
ITEM_NAME = {"pairs": "spun", "names": "name"}

Entry = tuple[str, str, str]  # (lexicon, key, entry)


def _scorer() -> ModuleType:
    path = _shared() / "eval" / "score.py"
    if not path.exists():
        raise RuntimeError(f"The scorer is missing: expected {path}.")
    spec = importlib.util.spec_from_file_location("mubiao_eval_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entries() -> list[Entry]:
    """Every entry of every lexicon file."""
    out: list[Entry] = []
    for path in sorted(lexicon.LEXICON_DIR.glob("*.yaml")):
        name = path.stem
        for key, value in lexicon.load(name).items():
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        out.append((name, key, item))
                    elif isinstance(item, dict) and ITEM_NAME.get(key) in item:
                        out.append((name, key, str(item[ITEM_NAME[key]])))
            elif isinstance(value, dict):
                out += [(name, key, str(k)) for k in value]
    return out


def occurs(entry: Entry, texts: tuple[str, ...]) -> bool:
    name, key, item = entry
    if (name, key) in REGEX_KEYS:
        pattern = re.compile(item)
        return any(pattern.search(t) for t in texts)
    return any(item in t for t in texts)


def case_sentences() -> str:
    """Every string with Chinese characters written in the team's case tables."""
    found = []
    for path in sorted((REPO_ROOT / "tests" / "extract").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.search(r"[\u4e00-\u9fff]", node.value):
                    found.append(node.value)
    return "\n".join(found)


def _filtered_loader(removed: set[Entry], original: Callable[[str], dict[str, Any]]) -> Any:
    def load(name: str) -> dict[str, Any]:
        data = original(name)
        out: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(value, list):
                kept = []
                for item in value:
                    label = (
                        item
                        if isinstance(item, str)
                        else str(item.get(ITEM_NAME.get(key, ""), ""))
                        if isinstance(item, dict)
                        else None
                    )
                    if label is None or (name, key, label) not in removed:
                        kept.append(item)
                out[key] = kept
            elif isinstance(value, dict):
                out[key] = {k: v for k, v in value.items() if (name, key, str(k)) not in removed}
            else:
                out[key] = value
        return out

    return load


def _clear_caches() -> None:
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("mubiao.extract"):
            continue
        for attr, value in vars(module).items():
            if attr != "_t2s" and hasattr(value, "cache_clear"):
                value.cache_clear()


def _read(text: str, removed: set[Entry]) -> dict[str, Any]:
    original = lexicon.load.__wrapped__  # the uncached loader
    patched = _filtered_loader(removed, original)
    saved = lexicon.load
    try:
        lexicon.load = patched  # type: ignore[assignment]
        _clear_caches()
        return extract_pipeline.extract_text(text).to_dict()
    finally:
        lexicon.load = saved
        _clear_caches()


def _summary(score: ModuleType, totals: dict[str, int]) -> dict[str, float]:
    _, _, tf = score.f1(totals["t_tp"], totals["t_pred"], totals["t_gold"])
    tp, tr, _ = score.f1(totals["t_tp"], totals["t_pred"], totals["t_gold"])
    _, _, kf = score.f1(totals["k_tp"], totals["k_pred"], totals["k_gold"])
    k = totals["k_tp"] or 1
    return {
        "target_precision": round(tp, 3),
        "target_recall": round(tr, 3),
        "target_f1": round(tf, 3),
        "past_figures_as_targets": totals["past"],
        "task_f1": round(kf, 3),
        "lead_accuracy": round(totals["lead_ok"] / k, 3),
        "co_accuracy": round(totals["co_ok"] / k, 3),
    }


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="mubiao bench extract_loo")
    parser.add_argument("--show", action="store_true", help="list the entries left out per text")
    args = parser.parse_args(argv)
    score = _scorer()
    folder = _shared() / "eval" / "dev"
    cases = []
    for gold_path in sorted(folder.glob("*.json")):
        raw = gold_path.with_suffix(".txt").read_text("utf-8-sig")
        cases.append((gold_path.stem, raw, json.loads(gold_path.read_text("utf-8"))["gold"]))
    seen = {stem: (raw, normalize.normalize(raw).text) for stem, raw, _ in cases}
    all_entries = entries()
    backed_text = case_sentences()
    totals: dict[str, dict[str, int]] = {"plain": {}, "strict": {}, "with_cases": {}}
    left_out: dict[str, list[str]] = {}
    for stem, raw, gold in cases:
        others = tuple(t for s, pair in seen.items() if s != stem for t in pair)
        own = [e for e in all_entries if occurs(e, seen[stem]) and not occurs(e, others)]
        backed = {e for e in own if occurs(e, (backed_text,))}
        variants = {"plain": set(), "strict": set(own), "with_cases": set(own) - backed}
        for variant, removed in variants.items():
            pred = (
                extract_pipeline.extract_text(raw).to_dict() if not removed else _read(raw, removed)
            )
            result, _ = score.score_case(pred, gold, False)
            for k, v in result.items():
                totals[variant][k] = totals[variant].get(k, 0) + v
        left_out[stem] = [f"{n}.{k}: {e}" for n, k, e in own]
        print(f"{stem}: {len(own)} entries only this text uses ({len(backed)} backed by cases)",
              file=sys.stderr)  # fmt: skip
        if args.show:
            for line in left_out[stem]:
                print(f"    {line}", file=sys.stderr)
    return {
        "bench": "extract_loo",
        "texts": len(cases),
        "entries": len(all_entries),
        "left_out_per_text": {s: len(v) for s, v in left_out.items()},
        **{variant: _summary(score, t) for variant, t in totals.items()},
    }


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:]), ensure_ascii=False))
