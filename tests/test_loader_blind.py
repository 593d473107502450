"""The blind corpus (tests/blind/, round3/ to round5/, written without reading the loader) now
reads perfectly: every gold task found and no extra one, lead/support F1 = 1.0, target F1 = 1.0
and the matched targets' deadline/cadence/comparator/value_max agree, on every document.

Round 3 (tests/blind/round3/) joined once all six of its documents reached that, round 4 and
round 5 (five documents each) likewise; a document of a
later round that is not perfect yet belongs in a separate test asserting the minimum scores it
reaches, never a skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import extract_path
from loaders.evaluate import evaluate, load_gold

BLIND = Path(__file__).resolve().parent / "blind"
ROUNDS = ("round3", "round4", "round5")
GOLDS = sorted(BLIND.glob("*.gold.json")) + [g for r in ROUNDS for g in sorted((BLIND / r).glob("*.gold.json"))]


def _doc(gold: Path) -> Path:
    stem = gold.name.removesuffix(".gold.json")
    [doc] = [p for p in gold.parent.glob(stem + ".*") if not p.name.endswith(".json")]
    return doc


def _id(gold: Path) -> str:
    stem = gold.name.removesuffix(".gold.json")
    return stem if gold.parent == BLIND else f"{gold.parent.name}/{stem}"


def test_rounds_3_to_5_are_covered() -> None:
    assert len([g for g in GOLDS if g.parent.name == "round3"]) == 6
    assert len([g for g in GOLDS if g.parent.name == "round4"]) == 5
    assert len([g for g in GOLDS if g.parent.name == "round5"]) == 5


@pytest.mark.parametrize("gold", GOLDS, ids=[_id(g) for g in GOLDS])
def test_blind_document(gold):
    g = load_gold(gold)
    ex = extract_path(_doc(gold))
    s = evaluate(ex, g)
    assert s.lead.f1 == 1.0 and s.support.f1 == 1.0, "\n".join(s.differences)
    assert s.unmatched_tasks == []
    assert len(ex.tasks) == len(g["tasks"]), [t.id for t in ex.tasks]
    assert s.targets.f1 == 1.0, "\n".join(d for d in s.differences if d.startswith("target"))
    assert s.target_fields.f1 == 1.0, "\n".join(d for d in s.differences if d.startswith("target"))


LATER = [g for g in GOLDS if g.parent.name in ROUNDS]
_PLAN_FIELDS = ("title", "period", "issuer", "doc_number", "issued_date", "implements")


@pytest.mark.parametrize("gold", LATER, ids=[_id(g) for g in LATER])
def test_later_rounds_header_phases_bodies_and_task_details(gold):
    """Beyond the scores: the header, phases, coordinating bodies and each task's parent, deadline,
    persons and partners agree with the golds of rounds 3 to 5 (enterprises and industries do not yet: brand
    names such as 宁德时代 and most industry terms are not in the shipped lexicons)."""
    g = load_gold(gold)
    ex = extract_path(_doc(gold))
    plan = ex.plan.model_dump()
    for f in _PLAN_FIELDS:
        if f in g["plan"]:
            got = list(plan[f]) if isinstance(plan[f], tuple) else plan[f]
            assert got == g["plan"][f], f
    assert [(p.name, p.start, p.end) for p in ex.phases] == [(p["name"], p["start"], p["end"]) for p in g["phases"]]
    assert sorted(ex.coordinating_bodies) == sorted(g["coordinating_bodies"])
    by_title = {t.title: t for t in ex.tasks}
    titles = {t.id: t.title for t in ex.tasks}
    gold_titles = {t["id"]: t["title"] for t in g["tasks"]}
    for gt in g["tasks"]:
        t = by_title[gt["title"]]
        # the parent compared by title, as the evaluator matches tasks (ids may be written differently)
        assert titles.get(t.parent or "") == gold_titles.get(gt.get("parent") or ""), gt["id"]
        for f in ("deadline", "persons", "partners"):
            if f in gt:
                assert getattr(t, f) == gt[f], (gt["id"], f)
