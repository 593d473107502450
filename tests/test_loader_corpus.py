"""The project's corpus: every document with a gold file extracts with lead/support F1 = 1.0.

Documents live in tests/corpus/ (one per annotation style, format and encoding) and examples/
(gold in tests/data/examples/); gold files use the format of tests/data/seed.gold.json. Scores
come from loaders.evaluate, the same code `plankg eval` runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import extract_path
from loaders.evaluate import evaluate, load_gold

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent


def _pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for gold in sorted((ROOT / "corpus").glob("*.gold.json")):
        stem = gold.name.removesuffix(".gold.json")
        docs = [p for p in gold.parent.glob(stem + ".*") if not p.name.endswith(".json")]
        pairs.extend((d, gold) for d in docs)
    for gold in sorted((ROOT / "data" / "examples").glob("*.gold.json")):
        stem = gold.name.removesuffix(".gold.json")
        pairs.extend((d, gold) for d in (REPO / "examples").glob(stem + ".*"))
    pairs.append((ROOT / "data" / "seed.txt", ROOT / "data" / "seed.gold.json"))
    return pairs


PAIRS = _pairs()


def test_the_corpus_covers_every_style():
    names = " ".join(d.name for d, _ in PAIRS)
    for style in ("table", "sentences", "lingdao", "lines", "zeren_only", "first_lead", "every_task",
                  "circled", "ascii", "fullwidth", "portal", "xiatong"):
        assert style in names, style
    assert len(PAIRS) >= 15


@pytest.mark.parametrize(("doc", "gold"), PAIRS, ids=[d.name for d, _ in PAIRS])
def test_lead_and_support_f1_is_one(doc, gold):
    ex = extract_path(doc)
    s = evaluate(ex, load_gold(gold))
    assert s.lead.f1 == 1.0 and s.support.f1 == 1.0, "\n".join(s.differences)
    assert not s.unmatched_tasks or all(
        not t.get("lead") and not t.get("support")
        for t in load_gold(gold)["tasks"] if f"{t['id']} {t.get('title', '')}" in s.unmatched_tasks
    )


@pytest.mark.parametrize(("doc", "gold"), PAIRS, ids=[d.name for d, _ in PAIRS])
def test_targets_match_gold(doc, gold):
    s = evaluate(extract_path(doc), load_gold(gold))
    assert s.targets.f1 == 1.0, "\n".join(x for x in s.differences if x.startswith("target"))
    assert s.target_fields.f1 == 1.0, "\n".join(x for x in s.differences if x.startswith("target"))


@pytest.mark.parametrize(("doc", "gold"), PAIRS, ids=[d.name for d, _ in PAIRS])
def test_plan_header_and_phases_match_gold(doc, gold):
    ex = extract_path(doc)
    g = load_gold(gold)
    for key in ("title", "issuer", "doc_number", "issued_date", "implements"):
        if key in g["plan"]:
            assert getattr(ex.plan, key) == g["plan"][key], key
    if "period" in g["plan"]:
        assert list(ex.plan.period) == g["plan"]["period"]
    if "phases" in g:
        assert [(p.name, p.start, p.end) for p in ex.phases] == [
            (p["name"], p.get("start"), p.get("end")) for p in g["phases"]
        ]
    if "coordinating_bodies" in g:
        assert ex.coordinating_bodies == g["coordinating_bodies"]


@pytest.mark.parametrize(("doc", "gold"), PAIRS, ids=[d.name for d, _ in PAIRS])
def test_persons_are_recorded_never_as_departments(doc, gold):
    ex = extract_path(doc)
    g = load_gold(gold)
    depts = {a for d in ex.departments for a in d.aliases}
    from loaders.evaluate import match_tasks

    matched = match_tasks(ex, g["tasks"])
    for i, gt in enumerate(g["tasks"]):
        if "persons" in gt:
            assert matched[i].persons == gt["persons"]
            assert not set(gt["persons"]) & depts
