"""The catalog over a PlanExtract made by hand from the seed's gold file.

This pins the query layer to the gold independently of the loader: whatever the loader's
taxonomy maps terms to, these rows follow from the hand-checked lead / support lists alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.model import PlanExtract, document_id, plan_id

GOLD = Path(__file__).resolve().parent / "data" / "seed.gold.json"


def handmade_seed() -> PlanExtract:
    """The gold as a PlanExtract; industry terms double as chains, aliases are the names."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    p = gold["plan"]
    pid = plan_id(p["title"])
    names: dict[str, bool] = {}
    tasks = []
    for order, t in enumerate(gold["tasks"]):
        for n in t["lead"] + t["support"]:
            names[n] = n.startswith(("各", "有关"))
        tasks.append({
            "id": t["id"], "number": t["id"], "parent": t.get("parent"),
            "level": 2 if t.get("parent") else 1, "title": t["title"], "text": t["title"],
            "lead": t["lead"], "support": t["support"], "industries": t.get("industries", []),
            "chains": t.get("industries", []), "enterprises": t.get("enterprises", []),
            "span": [order * 10, order * 10 + 9],
        })
    targets = [{**{k: v for k, v in g.items() if k != "task"}, "id": str(i), "task": g["task"],
                "span": [i, i + 1]} for i, g in enumerate(gold["targets"])]
    phases = [{**ph, "span": [0, 1]} for ph in gold["phases"]]
    return PlanExtract.model_validate({
        "plan": {"id": pid, "title": p["title"], "issuer": p["issuer"],
                 "doc_number": p["doc_number"], "issued_date": p["issued_date"],
                 "period": p["period"], "implements": p["implements"], "place": "阿荣旗",
                 "level": "county", "doc_id": document_id(p["title"])},
        "tasks": tasks,
        "departments": [{"name": n, "aliases": [n], "collective": c, "scope": None}
                        for n, c in names.items()],
        "targets": targets, "phases": phases,
        "coordinating_bodies": gold["coordinating_bodies"],
        "coverage": {"annotations": 18, "tasks": len(tasks)},
    })


@pytest.fixture
def handmade_store(embedded_store):
    embedded_store.load(handmade_seed())
    return embedded_store


def test_handmade_co_leads_dairy(handmade_store):
    from queries import ask

    rows = ask("co-leads", store=handmade_store, industry="乳业")
    pair = [r for r in rows if {r["lead_a"], r["lead_b"]} == {"农牧局", "教科体局"}]
    assert pair and "(6) 推动乳制品关键技术转化应用" in pair[0]["tasks"]
