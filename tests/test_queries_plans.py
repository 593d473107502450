"""The catalog over several plans: the bundled examples (a 市 plan and two 阿荣旗 plans) together."""

from __future__ import annotations

from pathlib import Path

import pytest

import queries

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.txt"))
COUNTY = "阿荣旗“科技兴旗”三年行动实施方案"
CITY = "呼伦贝尔市“科技兴市”三年行动实施方案"


@pytest.fixture(scope="module")
def examples_store(tmp_path_factory):
    from graph.stores.embedded import EmbeddedStore
    from loaders import extract_path

    store = EmbeddedStore(tmp_path_factory.mktemp("examples") / "store.plankg")
    for path in EXAMPLES:
        store.load(extract_path(path))
    return store


def test_plans_lists_every_loaded_plan(examples_store):
    rows = queries.run(examples_store, "plans").rows
    assert len(rows) == len(EXAMPLES) >= 3
    assert [r["title"] for r in rows] == sorted(r["title"] for r in rows)
    county = next(r for r in rows if r["title"] == COUNTY)
    assert county["implements"] == [CITY] and county["tasks"] > 20


def test_lineage_county_follows_city_wording(examples_store):
    rows = queries.run(examples_store, "lineage").rows
    implements = {(r["plan"], r["higher_plan"]): r for r in rows if r["kind"] == "implements"}
    assert implements[(COUNTY, CITY)]["higher_loaded"] is True
    follows = {r["task"]: r for r in rows if r["kind"] == "follows" and r["plan"] == COUNTY}
    dairy = follows["(6) 推动乳制品关键技术转化应用"]
    assert dairy["higher_plan"] == CITY and dairy["similarity"] == 1.0
    assert dairy["higher_task"].endswith("推动乳制品关键技术转化应用")
    assert all(r["similarity"] >= 0.6 for r in follows.values())
    looser = queries.run(examples_store, "lineage", {"min_similarity": 0.3}).rows
    assert len(looser) > len(rows)


def test_compare_keeps_places_apart_and_plans_of_one_place_together(examples_store):
    rows = queries.run(examples_store, "compare", {"department": "农牧局"}).rows
    assert len(rows) == len(EXAMPLES)
    assert {r["place"] for r in rows} == {"阿荣旗", "呼伦贝尔市"}
    county = next(r for r in rows if r["plan"] == COUNTY)
    assert county["leads"] == 7 and "(6) 推动乳制品关键技术转化应用" in county["lead_tasks"]
    portfolio = queries.run(examples_store, "department", {"name": "农牧局"}).rows
    assert {(r["place"], r["plan"]) for r in portfolio} >= {("阿荣旗", COUNTY), ("呼伦贝尔市", CITY)}
    workload = queries.run(examples_store, "workload").rows
    assert {r["place"] for r in workload if r["department"] == "农牧局"} == {"阿荣旗", "呼伦贝尔市"}


def test_plan_filter_restricts_every_answer(examples_store):
    everything = queries.run(examples_store, "co-leads", {"industry": "乳业"}).rows
    county = queries.run(examples_store, "co-leads", {"industry": "乳业", "plan": COUNTY}).rows
    assert {r["place"] for r in everything} >= {"阿荣旗", "呼伦贝尔市"}
    assert county and {r["place"] for r in county} == {"阿荣旗"}
    assert len(county) < len(everything)
    phases = queries.run(examples_store, "phases", {"plan": COUNTY}).rows
    assert {r["plan"] for r in phases} == {COUNTY} and len(phases) == 3


def test_leaders_of_the_city_plan(examples_store):
    rows = queries.run(examples_store, "leaders").rows
    assert rows and {r["place"] for r in rows} == {"呼伦贝尔市"}
    assert all(r["tasks"] for r in rows)
    one = rows[0]["leader"]
    assert queries.run(examples_store, "leaders", {"name": one}).rows == [rows[0]]
