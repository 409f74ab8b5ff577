"""Precision and recall of the task and indicator rows against a gold set written by hand (a script).

    python -m eval.bench_facts [eval/archive/facts-gold.jsonl] [--archive ../shared/archive] [--write-doc]
    python -m eval.bench_facts eval/archive/facts-gold-report.jsonl --write-doc   # the set nothing is tuned on

The gold file holds, per document of the archive, every task and indicator row a reader finds in it
(``{"doc", "folder", "tasks": [{lead, coordinators, action, deadline, deadline_text}], "indicators":
[{name, value, unit, period, kind, quote}]}``), written by someone who never saw the extractor. Each
document is parsed and its rows extracted as ingest does (``DocumentParser``, OCR off, ``extract_facts``),
then rows are paired one to one, best match first:

- a task row matches a gold task when its lead names the same body (tone-folded, one name inside the
  other: "Sở Tài chính" / "Sở Tài chính tỉnh") and its words hold at least half of the gold action's;
  among matches, the deadline is right when both give the same ISO date or both none;
- an indicator row matches a gold indicator when the value is the same number ("76,9" = "76.9") and its
  words hold at least half of the gold quote's (so "45" of one sentence is not taken for "45" of another).

Precision: matched rows of all rows extracted from the gold documents; recall: matched of all gold rows.
"""
from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from eval.benchdoc import update_section
from eval.machine import describe, machine_info
from ingest.facts import AliasTable, extract_facts
from ingest.pipeline import DocumentParser
from ingest.vietnamese import fold, tokenize

ROOT = Path(__file__).resolve().parent.parent
WORDS_NEEDED = 0.5


def _words(text: str) -> set[str]:
    return {fold(t).lower() for t in tokenize(text or "")}


def _share(wanted: str, found: str) -> float:
    want = _words(wanted)
    return len(want & _words(found)) / len(want) if want else 0.0


def _body(name: str) -> str:
    return " ".join(fold(name or "").lower().split())


def _number(value: str) -> str:
    digits = re.sub(r"[^\d,./]", "", value or "")
    if "," in digits:  # Vietnamese decimals: 76,9 ; thousands with dots: 9.399
        digits = digits.replace(".", "").replace(",", ".")
    elif digits.count(".") == 1 and len(digits.split(".")[1]) == 3:
        digits = digits.replace(".", "")
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


@dataclass
class Score:
    gold: int = 0
    extracted: int = 0
    matched: int = 0
    deadline_right: int = 0

    def line(self, what: str) -> str:
        p = self.matched / self.extracted if self.extracted else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        extra = (f"; deadline right in {self.deadline_right}/{self.matched} matched"
                 if what == "task" and self.matched else "")
        return (f"- {what} rows: {self.gold} gold, {self.extracted} extracted, {self.matched} matched: "
                f"precision {p:.3f}, recall {r:.3f}{extra}")


def _pair(gold: list, rows: list, score) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (gold index, row index), best score first; score None = no match."""
    candidates = sorted(((s, g, r) for g, item in enumerate(gold) for r, row in enumerate(rows)
                         if (s := score(item, row)) is not None), reverse=True)
    used_g, used_r, pairs = set(), set(), []
    for _, g, r in candidates:
        if g not in used_g and r not in used_r:
            used_g.add(g)
            used_r.add(r)
            pairs.append((g, r))
    return pairs


def _task_score(gold: dict, row) -> float | None:
    lead = _body(gold.get("lead", ""))
    leads = [_body(x) for x in [*row.leads, row.lead_text] if x]
    if not lead or not any(lead in x or x in lead for x in leads):
        return None
    share = _share(gold.get("action", ""), f"{row.action} {row.where.text}")
    return share if share >= WORDS_NEEDED else None


def _indicator_score(gold: dict, row) -> float | None:
    if _number(gold.get("value", "")) != _number(row.value):
        return None
    share = _share(gold.get("quote", ""), f"{row.value_text} {row.where.text}")
    return share if share >= WORDS_NEEDED else None


def _find(archive: Path, folder: str, name: str) -> Path | None:
    base = archive / folder if folder and (archive / folder).is_dir() else archive
    return next(iter(sorted(base.rglob(name))), None)


def _print_misses(entry: dict, facts, pairs: list[tuple[int, int]], found: list[tuple[int, int]]) -> None:
    print(f"## {entry['doc']}")
    for g, r in pairs:
        gold, row = entry["tasks"][g], facts.tasks[r]
        if gold.get("deadline") != row.deadline:
            print(f"  deadline  gold {gold.get('deadline')} ({gold.get('deadline_text', '')}) | row {row.deadline} "
                  f"| {gold['lead']}: {gold['action'][:90]}")
    matched_g, matched_r = {g for g, _ in pairs}, {r for _, r in pairs}
    for g, gold in enumerate(entry["tasks"]):
        if g not in matched_g:
            print(f"  task missed  {gold['lead']} | {gold['action'][:110]} | {gold.get('deadline_text', '')}")
    for r, row in enumerate(facts.tasks):
        if r not in matched_r:
            print(f"  task extra   {row.lead_text or ', '.join(row.leads)} | {row.action[:110]} | {row.deadline}")
    matched_g, matched_r = {g for g, _ in found}, {r for _, r in found}
    for g, gold in enumerate(entry["indicators"]):
        if g not in matched_g:
            print(f"  figure missed  {gold['value']} {gold.get('unit', '')} | {gold['quote'][:110]}")
    if not entry.get("indicators_capped"):
        for r, row in enumerate(facts.indicators):
            if r not in matched_r:
                print(f"  figure extra   {row.value_text} | {row.where.text[:110]}")


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("gold", nargs="?", type=Path, default=ROOT / "eval" / "archive" / "facts-gold.jsonl")
    args.add_argument("--archive", type=Path, default=ROOT.parent / "shared" / "archive")
    args.add_argument("--write-doc", action="store_true", help="write the figures into docs/benchmarks.md")
    args.add_argument("--misses", action="store_true",
                      help="also print the gold rows not matched and the rows extracted without a match (a set whose "
                           "misses are read to change the extractor is a study set from then on)")
    opts = args.parse_args(argv)
    parser, table = DocumentParser(ocr_enabled=False), AliasTable()
    tasks, indicators, missing, per_doc = Score(), Score(), [], []
    for line in opts.gold.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        path = _find(opts.archive, entry.get("folder", ""), entry["doc"])
        if path is None:
            missing.append(entry["doc"])
            continue
        facts = extract_facts(parser.parse_file(path), table)
        pairs = _pair(entry["tasks"], facts.tasks, _task_score)
        found = _pair(entry["indicators"], facts.indicators, _indicator_score)
        tasks.gold += len(entry["tasks"])
        tasks.extracted += len(facts.tasks)
        tasks.matched += len(pairs)
        tasks.deadline_right += sum(entry["tasks"][g].get("deadline") == facts.tasks[r].deadline for g, r in pairs)
        indicators.gold += len(entry["indicators"])
        # A document whose gold rows stop after its first figures (a report of hundreds): rows past them are
        # not known to be wrong, so only the matched ones count as extracted.
        indicators.extracted += len(found) if entry.get("indicators_capped") else len(facts.indicators)
        indicators.matched += len(found)
        if opts.misses:
            _print_misses(entry, facts, pairs, found)
        per_doc.append(f"| {entry['doc']} | {len(entry['tasks'])} / {len(facts.tasks)} / {len(pairs)} | "
                       f"{len(entry['indicators'])} / {len(facts.indicators)} / {len(found)} |")
    info = machine_info()
    gold = opts.gold.relative_to(ROOT) if opts.gold.is_relative_to(ROOT) else opts.gold
    lines = [f"`python -m eval.bench_facts {gold}`, {info['date']}, {describe(info)}.", "",
             tasks.line("task"), indicators.line("indicator")]
    if missing:
        lines.append(f"- gold documents not found under {opts.archive}: {', '.join(missing)}")
    lines += ["", "| document | tasks gold / extracted / matched | indicators gold / extracted / matched |",
              "|---|---|---|", *per_doc]
    text = "\n".join(lines)
    print(text)
    if opts.write_doc:
        update_section(f"bench_facts-{opts.gold.stem}", f"## Task and indicator rows against a hand-written gold "
                                                       f"set, {opts.gold.name} (`eval/bench_facts.py`)\n\n" + text)


if __name__ == "__main__":
    main()
