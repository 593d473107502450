"""PlanExtracts built straight from the generator's gold, without the loader.

Store and query benchmarks use these when asked (`--from-gold`) so they measure the stores alone,
and so they run while the loader is still changing; by default the runner loads what the loader
extracts, which is what a user gets.
"""

from __future__ import annotations

import json
from pathlib import Path

from graph.model import (
    Coverage,
    DepartmentExtract,
    PlanExtract,
    PlanInfo,
    TaskExtract,
    document_id,
    normalise_text,
    plan_id,
)

COLLECTIVE_PREFIX = ("各", "有关", "相关")


def read_gold(corpus: Path) -> list[dict]:
    with (corpus / "gold.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def gold_extract(gold: dict, text: str) -> PlanExtract:
    norm = normalise_text(text)
    doc = document_id(norm)
    pid = plan_id(gold["title"])
    paths: dict[str, str] = {}
    tasks = []
    names: set[str] = set()
    for t in gold["tasks"]:
        path = (paths[t["parent"]] if t["parent"] else "三、") + t["number"]
        paths[t["number"]] = path
        names.update(t["lead"])
        names.update(t["support"])
        tasks.append(TaskExtract(
            id=path, number=t["number"], parent=paths[t["parent"]] if t["parent"] else None,
            level=2 if t["parent"] is None else 3, title=t["title"], text=t["title"],
            lead=t["lead"], support=t["support"], industries=t["chains"], chains=t["chains"],
            enterprises=t.get("enterprises", []),
            span=(0, 0),
        ))
    depts = [DepartmentExtract(name=n, aliases=[n], collective=n.startswith(COLLECTIVE_PREFIX))
             for n in sorted(names)]
    info = PlanInfo(id=pid, title=gold["title"], doc_id=doc, place=gold["place"], level=gold["level"])
    return PlanExtract(plan=info, tasks=tasks, departments=depts, targets=[], phases=[],
                       coverage=Coverage(annotations=len(tasks), tasks=len(tasks)), text=norm)


def corpus_extracts(corpus: Path) -> list[PlanExtract]:
    return [gold_extract(g, (corpus / g["file"]).read_text(encoding="utf-8")) for g in read_gold(corpus)]
