"""Entity lookups (queries/lookups/) on the seed plan: right answers, same rows on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graph.errors import BadParameter, NotFound
from graph.model import PlanExtract, normalise_text
from graph.stores.base import Store
from graph.stores.embedded import EmbeddedStore
from queries import lookups
from tests.conftest import EXAMPLES, SEED
from tests.support.stores import bolt_with, embedded_with


def _extracts() -> list[PlanExtract]:
    from loaders import extract_path

    return [extract_path(SEED), *(extract_path(p) for p in sorted(EXAMPLES.glob("*.txt")))]


@pytest.fixture(scope="module")
def extracts() -> list[PlanExtract]:
    return _extracts()


@pytest.fixture(scope="module")
def nx_store(tmp_path_factory: pytest.TempPathFactory, extracts: list[PlanExtract]) -> EmbeddedStore:
    return embedded_with(tmp_path_factory.mktemp("lookups") / "s.plankg", extracts)


@pytest.fixture(scope="module")
def bolt_loaded(request: pytest.FixtureRequest, extracts: list[PlanExtract]) -> Iterator[Store]:
    with bolt_with(request.getfixturevalue("bolt_uri"), extracts) as store:
        yield store


@pytest.fixture(scope="module", params=["embedded", pytest.param("bolt", marks=pytest.mark.bolt)])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue("nx_store" if request.param == "embedded" else "bolt_loaded")


def seed(extracts: list[PlanExtract]) -> PlanExtract:
    return extracts[0]


def test_department_leads_and_supports_are_the_extracts(store: Store, extracts: list[PlanExtract]) -> None:
    ex = seed(extracts)
    for d in ex.departments:
        row = lookups.department(store=store, name=d.name, place=ex.plan.place)
        led = {r["path"] for r in row["leads"] if r["plan"] == ex.plan.id}
        supported = {r["path"] for r in row["supports"] if r["plan"] == ex.plan.id}
        assert led == {t.path for t in ex.tasks if d.name in t.lead}, d.name
        assert supported == {t.path for t in ex.tasks if d.name in t.support}, d.name
        assert set(d.aliases) <= set(row["aliases"])


def test_department_found_by_alias_and_id(store: Store, extracts: list[PlanExtract]) -> None:
    ex = seed(extracts)
    dept = next(d for d in ex.departments if set(d.aliases) - {d.name})
    alias = sorted(set(dept.aliases) - {dept.name})[0]
    by_alias = lookups.department(store=store, name=alias, place=ex.plan.place)
    assert by_alias["name"] == dept.name
    assert lookups.department(store=store, name=by_alias["id"]) == by_alias


def test_seed_facts(store: Store) -> None:
    """Facts read off the seed plan by a person (tests/data/seed.gold.json)."""
    row = lookups.department(store=store, name="农牧局", place="阿荣旗")
    numbers = {r["number"] for r in row["leads"] if r["plan_title"] == "阿荣旗“科技兴旗”三年行动实施方案"}
    assert {"(1)", "(2)", "(3)", "(6)", "(7)", "(8)"} <= numbers
    assert "dept:阿荣旗/教科体局" in {c["id"] for c in row["co_leads"]}
    dairy = lookups.industry(store=store, name="乳业")
    assert "伊利乳业" in {e["name"] for e in dairy["enterprises"]}
    assert "农牧局" in {d["name"] for d in dairy["leads"]}


def test_search_matches_name_or_alias_case_insensitively(store: Store) -> None:
    page = lookups.departments(store=store, q="农牧", limit=500, offset=0)
    assert page.count == len(page.data) > 0
    for row in page.data:
        assert any("农牧" in s for s in [row["name"], *row["aliases"]])
    assert lookups.departments(store=store, q="no such bureau ✗", limit=5, offset=0).count == 0


@pytest.mark.parametrize("fn", [lookups.departments, lookups.industries, lookups.plans])
def test_pages_partition_the_sorted_list(store: Store, fn: Any) -> None:
    whole = fn(store=store, limit=10_000, offset=0)
    assert whole.count == len(whole.data) > 0
    names = [(r.get("name") or r.get("title") or "", r["id"]) for r in whole.data]
    assert names == sorted(names)
    pages = [fn(store=store, limit=3, offset=o) for o in range(0, whole.count + 3, 3)]
    assert [r for p in pages for r in p.data] == whole.data
    assert {p.count for p in pages} == {whole.count}


def test_task_provenance_points_into_the_document(store: Store, extracts: list[PlanExtract]) -> None:
    ex = seed(extracts)
    text = normalise_text(SEED.read_text(encoding="utf-8"))
    for t in ex.tasks:
        row = lookups.task(store=store, id=f"{ex.plan.id}#{t.id}")
        prov = row["provenance"]
        assert prov["document"] == ex.plan.doc_id
        assert prov["path"] == t.path and prov["span"] == list(t.span)
        assert prov["sentence"] and prov["sentence"] in text[t.span[0] : t.span[1]]
        assert [d["name"] for d in row["lead"]] == t.lead
        assert [d["name"] for d in row["support"]] == t.support


def test_plan_detail_by_id_and_title(store: Store, extracts: list[PlanExtract]) -> None:
    ex = seed(extracts)
    row = lookups.plan(store=store, id=ex.plan.id)
    assert lookups.plan(store=store, id=ex.plan.title) == row
    assert row["loaded"] and row["doc_number"] == "阿政办发〔2021〕32号"
    assert [t["path"] for t in row["tasks"]] == [t.path for t in ex.tasks]
    assert [i["title"] for i in row["implements"]] == ex.plan.implements
    implemented = lookups.plan(store=store, id=row["implements"][0]["id"])
    assert ex.plan.id in {p["id"] for p in implemented["implemented_by"]}


def test_unknown_entities_are_not_found(store: Store) -> None:
    for call in (lambda: lookups.department(store=store, name="不存在局"),
                 lambda: lookups.industry(store=store, name="不存在业"),
                 lambda: lookups.task(store=store, id="plan:0#1."),
                 lambda: lookups.plan(store=store, id="不存在方案")):
        with pytest.raises(NotFound):
            call()


def test_a_name_shared_by_two_places_is_ambiguous(store: Store) -> None:
    places = {}
    for row in lookups.departments(store=store, limit=10_000, offset=0).data:
        places.setdefault(row["name"], set()).add(row["place"])
    name, where = next((n, p) for n, p in sorted(places.items()) if len(p) > 1)
    with pytest.raises(BadParameter) as e:
        lookups.department(store=store, name=name)
    assert all(f"dept:{p}/" in str(e.value) for p in where)
    place = sorted(where)[0]
    assert lookups.department(store=store, name=name, place=place)["place"] == place


@pytest.mark.bolt
def test_both_stores_give_identical_rows(nx_store: Store, bolt_loaded: Store, extracts: list[PlanExtract]) -> None:
    ex = seed(extracts)
    for fn in (lookups.departments, lookups.industries, lookups.plans):
        assert fn(store=nx_store, limit=10_000, offset=0) == fn(store=bolt_loaded, limit=10_000, offset=0)
        for q, limit, offset in (("农", 5, 0), ("局", 3, 2), ("方案", 2, 1), ("ZZZ", 5, 0)):
            assert fn(store=nx_store, q=q, limit=limit, offset=offset) == \
                fn(store=bolt_loaded, q=q, limit=limit, offset=offset), (fn.__name__, q)
    for place in ("阿荣旗", "呼伦贝尔市"):
        assert lookups.departments(store=nx_store, place=place, limit=500, offset=0) == \
            lookups.departments(store=bolt_loaded, place=place, limit=500, offset=0)
    for d in lookups.departments(store=nx_store, limit=10_000, offset=0).data:
        assert lookups.department(store=nx_store, name=d["id"]) == lookups.department(store=bolt_loaded, name=d["id"])
    for i in lookups.industries(store=nx_store, limit=10_000, offset=0).data:
        assert lookups.industry(store=nx_store, name=i["name"]) == lookups.industry(store=bolt_loaded, name=i["name"])
    for t in ex.tasks:
        tid = f"{ex.plan.id}#{t.id}"
        assert lookups.task(store=nx_store, id=tid) == lookups.task(store=bolt_loaded, id=tid)
    for p in lookups.plans(store=nx_store, limit=100, offset=0).data:
        assert lookups.plan(store=nx_store, id=p["id"]) == lookups.plan(store=bolt_loaded, id=p["id"])
