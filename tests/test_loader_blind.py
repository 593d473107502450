"""The blind corpus (tests/blind/, written without reading the loader) now reads perfectly:
lead/support F1 = 1.0 and every gold task found, on every document."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import extract_path
from loaders.evaluate import evaluate, load_gold

BLIND = Path(__file__).resolve().parent / "blind"
GOLDS = sorted(BLIND.glob("*.gold.json"))


def _doc(gold: Path) -> Path:
    stem = gold.name.removesuffix(".gold.json")
    [doc] = [p for p in BLIND.glob(stem + ".*") if not p.name.endswith(".json")]
    return doc


@pytest.mark.parametrize("gold", GOLDS, ids=[g.name.removesuffix(".gold.json") for g in GOLDS])
def test_blind_document(gold):
    s = evaluate(extract_path(_doc(gold)), load_gold(gold))
    assert s.lead.f1 == 1.0 and s.support.f1 == 1.0, "\n".join(s.differences)
    assert s.unmatched_tasks == []
    assert s.targets.f1 == 1.0, "\n".join(d for d in s.differences if d.startswith("target"))
