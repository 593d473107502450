"""Score the extractor on the blind documents: `python -m tests.blind.score [-v] [--dir D] [STEM...]`.

The documents in this folder were written without reading the loader (see README.md); this
script runs the public pipeline on each (`loaders.extract_path`, then `loaders.evaluate.evaluate`
against `<stem>.gold.json`) and prints one row per document:

- task P/R/F1: gold tasks matched by the evaluator (title, else number under the matched parent)
  over gold tasks (recall) and over extracted tasks (precision);
- lead / supp / role F1: (task, role, department) triples, per role and together;
- target F1: targets matched on task, value, unit and text.

`-v` also lists every difference the evaluator reports. `--dir D` scores the documents of another
folder (relative to this one, e.g. `--dir round3`, or absolute) instead of this folder's. The exit status is 0 whatever the scores
(it is a measuring tool; tests built on it decide the thresholds).
"""

from __future__ import annotations

import sys
from pathlib import Path

from graph.errors import PlankgError
from loaders import extract_path
from loaders.evaluate import Score, evaluate, load_gold

HERE = Path(__file__).resolve().parent


def documents(stems: list[str] | None = None, folder: Path = HERE) -> list[tuple[Path, Path]]:
    """(document, gold) pairs of `folder` (this one by default), sorted by name; `stems` narrows
    the set."""
    pairs = []
    for gold in sorted(folder.glob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        if stems and stem not in stems:
            continue
        docs = [p for p in folder.glob(stem + ".*") if p != gold and not p.name.endswith(".json")]
        if len(docs) != 1:
            raise SystemExit(f"{gold.name}: expected one document named {stem}.*, found {len(docs)}")
        pairs.append((docs[0], gold))
    return pairs


def score_one(doc: Path, gold_path: Path) -> tuple[dict[str, object], list[str]]:
    gold = load_gold(gold_path)
    ex = extract_path(doc)
    s = evaluate(ex, gold)
    n_gold = len(gold["tasks"])
    matched = n_gold - len(s.unmatched_tasks)
    tasks = Score(tp=matched, fn=n_gold - matched, fp=max(len(ex.tasks) - matched, 0))
    row: dict[str, object] = {
        "document": doc.name, "tasks": f"{n_gold}/{len(ex.tasks)}",
        "task": tasks.f1, "lead": s.lead.f1, "supp": s.support.f1, "role": s.triples.f1,
        "target": s.targets.f1,
        # no matched target -> nothing to compare; "-" rather than a vacuous 1.00
        "tfields": s.target_fields.f1 if s.target_fields.tp + s.target_fields.fn else "-",
    }
    details = [f"unmatched gold task: {t}" for t in s.unmatched_tasks] + s.differences
    return row, details


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    folder = HERE
    if "--dir" in args:
        i = args.index("--dir")
        if i + 1 >= len(args):
            raise SystemExit("--dir needs a folder")
        folder = HERE / args.pop(i + 1)  # an absolute path replaces HERE
        args.pop(i)
        if not folder.is_dir():
            raise SystemExit(f"--dir: no folder {folder}")
    stems = [a for a in args if not a.startswith("-")]
    cols = ["document", "tasks", "task", "lead", "supp", "role", "target", "tfields"]
    widths = [38, 7, 6, 6, 6, 6, 6, 7]
    print(" ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    print(" ".join("-" * w for w in widths))
    for doc, gold in documents(stems or None, folder):
        try:
            row, details = score_one(doc, gold)
        except PlankgError as e:  # a document the loader refuses is a row, not a crash
            print(f"{doc.name.ljust(widths[0])} error: {e}")
            continue
        cells = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in (row[c] for c in cols)]
        print(" ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
        if verbose:
            for d in details:
                print(f"    {d}")
    print("tasks = gold/extracted; task, lead, supp(ort), role (lead+support), target: F1; "
          "tfields: deadline/cadence/comparator/value_max agreement of matched targets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
