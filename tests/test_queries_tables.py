"""The per-version tables answer as the full scans they replace.

targets, gaps and overlaps answer a first call from candidate tables built with the index (plan by
plan, queries.index.PLAN_TABLE_BUILDERS) and build their answers column-major; lineage breaks ties
only when another title is within reach. Each is checked here against the plain computation over
every task of a store holding many plans (the loader's corpus, the examples and 60 plans of the
benchmark corpus generator).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import queries
from graph.stores.embedded import EmbeddedStore
from queries.commitments import _target_rows
from queries.common import ix_departments, resolve_department
from queries.diagnostics import _gap_rows, _lead_and_support, _overlap_columns, _overlap_rows, _sibling_groups
from queries.index import index_of
from queries.plans import _Higher, similarity
from queries.spec import rows_of

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*(p for p in (ROOT / "tests" / "corpus").iterdir() if p.suffix in {".txt", ".html"}),
                *(ROOT / "examples").glob("*.txt")])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from benchmarks.corpus import iter_plans
    from loaders import extract_path, extract_text

    s = EmbeddedStore(tmp_path_factory.mktemp("tables") / "store.plankg")
    s.load_many([*(extract_path(p) for p in FILES),
                 *(extract_text(text, source=f"gen{i}.txt") for i, (text, _) in enumerate(iter_plans(plans=60)))])
    return s


@pytest.fixture(scope="module")
def ix(store):
    return index_of(store.graph())


def test_the_store_holds_what_the_tables_skip(ix):
    # the checks below mean something only if the scans have rows to leave out
    assert len(ix.plan_list) > 10
    assert len(ix.tables["gaps"][0]) < len([t for t in ix.rows if t.children == 0])
    assert 0 < len(ix.tables["overlaps"][0]) < len(ix.rows)


@pytest.mark.parametrize("params", [{}, {"due": "2023"}, {"due": "2022-06"}, {"industry": "乳业"},
                                    {"owner": "农牧局"}, {"owner": "农牧局", "due": "2025", "industry": "乳业"}])
def test_targets_as_the_full_scan(store, ix, params):
    bound = queries.get("targets").bind(params)
    names = None
    if bound["owner"] is not None:
        names = {ix.dept_name[d] for d in resolve_department(ix_departments(ix), bound["owner"])}
    want = _target_rows(ix.target_rows, dict(ix.plan_list), bound, owner_names=names, chain=bound["industry"])
    assert want, params
    assert queries.run(store, "targets", params).rows == want


def test_gaps_as_the_full_scan(store, ix):
    want = _gap_rows(ix.rows, ix.rows_of_chain, ix.target_rows, dict(ix.plan_list))
    assert {r["kind"] for r in want} >= {"leaf-without-lead", "target-without-owner",
                                         "chain-without-lead"}
    assert queries.run(store, "gaps").rows == want


@pytest.mark.parametrize("min_leads", [0, 1, 2, 3])
def test_overlaps_as_the_full_scan(store, ix, min_leads):
    mixed = _lead_and_support(ix.chained, ix.dept_name)
    rows = _overlap_rows(ix.rows, ix.row, mixed, _sibling_groups(ix.rows), titles=dict(ix.plan_list),
                         min_leads=min_leads)
    want = rows_of(queries.get("overlaps").columns, _overlap_columns(rows))
    assert {r["kind"] for r in want} == {"many-leads", "lead-and-support", "same-leads"} or min_leads == 3
    assert queries.run(store, "overlaps", {"min_leads": min_leads}).rows == want


def test_lineage_best_match_as_brute_force(ix):
    """_Higher.most_similar is max((similarity, -order, label)) over the higher plan's titles,
    ties included: the higher plan repeats some titles at other positions."""
    plans = [p for p, _ in ix.plan_list]
    checked = ties = 0
    for hid in plans[:6]:
        higher = [(t.order, t.label, t.title or "") for t in ix.rows_of_plan[hid]]
        higher += [(o + 1000, f"{lab} (again)", text) for o, lab, text in higher[:5]]
        h = _Higher(sorted(higher))
        for pid in plans:
            for t in ix.rows_of_plan[pid][:20]:
                text = t.title or ""
                best = max((similarity(text, ht), -o, lab) for o, lab, ht in higher)
                assert h.most_similar(text) == (best[0], best[2]), (text, hid)
                checked += 1
                ties += sum(similarity(text, ht) == best[0] for _, _, ht in higher) > 1
    assert checked > 1000 and ties > 10
