"""Add to each archive question's ``also_in`` the legacy ``.doc`` files that hold its quote.

The questions were written before notice-qa read ``.doc`` files, so their ``also_in`` lists only the
PDF/DOCX versions; a ``.doc`` copy of the same text is as right an evidence. A ``.doc`` file is added when
it holds the quote by the evaluation's own matching rule (eval/matching.py), unless more than three do
(a template sentence, not a version). Run from the repository root over a store of ../shared/archive:
``python eval/archive/add_doc_versions.py [QUESTIONS.jsonl ...]`` (default: the fit and report splits; it
reads eval-out/stores/archive/catalog.sqlite3).
"""
import json, sqlite3, sys, unicodedata
from eval.matching import trigrams, words, MIN_TRIGRAM_SHARE
c = sqlite3.connect('file:eval-out/stores/archive/catalog.sqlite3?mode=ro', uri=True)
docs = [(unicodedata.normalize("NFC", s), trigrams(words(t))) for s, t in c.execute("select source, text from documents")]
added = 0
for name in sys.argv[1:] or ("eval/archive/archive-fit.jsonl", "eval/archive/archive-report.jsonl"):
    rows = [json.loads(l) for l in open(name, encoding="utf-8")]
    for r in rows:
        known = set(r.get("also_in") or []) | {unicodedata.normalize("NFC", e["doc"]) for e in r["evidence"]}
        new = []
        for e in r["evidence"]:
            want = trigrams(words(e["quote"]))
            if len(want) < 3:
                continue
            found = [src for src, tri in docs if src not in known and src.lower().endswith(".doc")
                     and len(want & tri) / len(want) >= MIN_TRIGRAM_SHARE]
            if len(found) <= 3:  # more: a template sentence many documents repeat, not a version of this one
                new += [f for f in found if f not in new]
        if new:
            r["also_in"] = list(r.get("also_in") or []) + new
            added += len(new)
    with open(name, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
print("added", added)
