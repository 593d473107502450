"""Every catalog entry gives identical answers on the embedded store and on the Bolt store.

One parametrised test: each entry (with its example parameters, a `plan` filter and the variants
below) over the seed alone and over all bundled example plans loaded together. "Identical" covers
errors too: the same exception type and message on both stores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import queries
from graph.errors import PlankgError
from graph.stores.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
DATASETS = {
    "seed": [ROOT / "tests" / "data" / "seed.txt"],
    "examples": sorted((ROOT / "examples").glob("*.txt")),
    # the loader's corpus: many places and annotation styles in one store
    "corpus": sorted(p for p in (ROOT / "tests" / "corpus").iterdir() if p.suffix in {".txt", ".html"}),
}
SEED_PLAN = "科技兴旗"  # a title fragment: exercises the plan filter's resolution on both stores

VARIANTS: dict[str, list[dict[str, Any]]] = {
    "co-leads": [{"industry": "乳业"}, {"industry": "不存在的链"}],
    "department": [{"name": "教科体局"}, {"name": "旗委组织部"}, {"name": "外交部"}, {"name": "@top"}],
    "partners": [{"name": "教科体局"}, {"name": "有关乡镇人民政府"}, {"name": "@top"}],
    "overlaps": [{"min_leads": 1}, {"min_leads": "3"}],
    "targets": [{"owner": "教科体局"}, {"due": "2023"}, {"due": "2022-12"}, {"industry": "科技金融"},
                {"owner": "@top"}],
    "path": [{"from": "组织部", "to": "金融办"}, {"from": "档案史志馆", "to": "农牧局"},
             {"from": "@top", "to": "@last"}],
    "lineage": [{"min_similarity": 0.3}],
    "compare": [{"department": "农牧局"}, {"department": "@top"}],
    "phases": [{"on": "2023"}],
    "enterprises": [{"industry": "乳业"}],
    "leaders": [{"name": "刘建平"}, {"name": "无名氏"}],
    "institutes": [{"industry": "乳业"}],
}


def _cases() -> list[Any]:
    cases = []
    for spec in queries.catalog():
        base = dict(spec.example)
        for params in [base, {**base, "plan": SEED_PLAN}, *VARIANTS.get(spec.name, [])]:
            label = ",".join(f"{k}={v}" for k, v in params.items()) or "-"
            cases.append(pytest.param(spec.name, params, id=f"{spec.name}[{label}]"))
    return cases


@pytest.fixture(scope="module", params=list(DATASETS))
def stores(request, tmp_path_factory, _bolt_session_store):
    from loaders import extract_path

    extracts = [extract_path(p) for p in DATASETS[request.param]]
    embedded = EmbeddedStore(tmp_path_factory.mktemp(request.param) / "store.plankg")
    bolt = _bolt_session_store
    bolt.reset()
    for ex in extracts:
        embedded.load(ex)
        bolt.load(ex)
    yield embedded, bolt
    bolt.reset()


def _placeholders(embedded: EmbeddedStore) -> dict[str, str]:
    """@top / @last: the department leading most tasks in this dataset and the one of its place
    leading fewest, so the department questions have a subject in every dataset."""
    rows = [r for r in queries.run(embedded, "workload").rows if not r["collective"]]
    same_place = [r for r in rows if r["place"] == rows[0]["place"]]
    return {"@top": rows[0]["department"], "@last": same_place[-1]["department"]}


def _answer(store: Any, name: str, params: dict[str, Any]) -> Any:
    try:
        return queries.run(store, name, params).to_dict()
    except PlankgError as e:
        return (type(e).__name__, str(e))


@pytest.mark.bolt
@pytest.mark.parametrize(("name", "params"), _cases())
def test_both_stores_answer_identically(stores, name, params):
    embedded, bolt = stores
    names = _placeholders(embedded)
    params = {k: names.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    expected = _answer(embedded, name, params)
    assert _answer(bolt, name, params) == expected
    if isinstance(expected, dict):  # plain JSON values only: no tuples, sets or numpy types
        assert json.loads(json.dumps(expected, ensure_ascii=False)) == expected
