"""The catalog on the seed plan: its contract, spot facts of the seed, errors, the Python API."""

from __future__ import annotations

import itertools
import json
import re

import networkx as nx
import pytest

import queries
from graph.errors import BadParameter, NotFound, UnknownQuery
from graph.model import LABELS, RELATIONS
from queries.index import index_of

SEED_TITLE = "阿荣旗“科技兴旗”三年行动实施方案"


@pytest.fixture
def seed_store(embedded_store, seed_extract):
    embedded_store.load(seed_extract)
    return embedded_store


# -- the contract ------------------------------------------------------------------------------
def test_catalog_is_sorted_and_has_the_contract_names():
    names = [q.name for q in queries.catalog()]
    assert names == sorted(names)
    assert {"co-leads", "industry-leads", "department", "partners", "workload", "overlaps", "gaps",
            "targets", "path", "plans", "lineage", "compare", "phases", "enterprises"} <= set(names)


@pytest.mark.parametrize("spec", queries.catalog(), ids=lambda s: s.name)
def test_every_entry_is_documented_and_takes_a_plan_filter(spec):
    assert spec.question_zh and spec.question_en and spec.cypher_text
    assert "plan" in [p.name for p in spec.params]
    assert all(spec.column_help[c] for c in spec.columns)
    listing = spec.to_dict()
    assert listing["name"] == spec.name and listing["columns"] == spec.columns
    assert all(p.type in ("str", "int", "float", "bool") for p in spec.params)
    assert all(p.py_type.__name__ == p.type for p in spec.params)
    assert [p["type"] for p in listing["params"]] == [str(p.type) for p in spec.params]
    json.dumps(listing, ensure_ascii=False)



@pytest.mark.parametrize("spec", queries.catalog(), ids=lambda s: s.name)
def test_cypher_stays_in_the_portable_subset(spec):
    from queries import common

    shared = [common.PLANS_CYPHER, common.DEPARTMENTS_CYPHER, common.DEPARTMENT_BY_NAME_CYPHER,
              common.CHAINS_CYPHER]
    for text in [*spec.cypher_text, *shared]:
        assert set(re.findall(r"\(\w*:(\w+)", text)) <= set(LABELS), text
        rels = {t for group in re.findall(r"\[\w*:([\w|]+)", text) for t in group.split("|")}
        assert rels <= set(RELATIONS), text
        for banned in ("elementId", "EXISTS {", "COUNT {", "shortestPath", "apoc.", "CALL db."):
            assert banned not in text
        # values arrive as $parameters: no quoted literals other than the '-' place default
        assert re.findall(r"'[^']*'", text) in ([], ["'-'"]), text


def test_unknown_query_lists_the_valid_names():
    with pytest.raises(UnknownQuery, match=r"unknown query 'nope'; valid: co-leads, compare"):
        queries.get("nope")


def test_unknown_and_ill_typed_parameters(seed_store):
    with pytest.raises(BadParameter, match=r"no parameter 'colour'; valid: industry, plan"):
        queries.run(seed_store, "co-leads", {"colour": "red"})
    with pytest.raises(BadParameter, match=r"'min_leads' must be int, got 'many'"):
        queries.run(seed_store, "overlaps", {"min_leads": "many"})
    with pytest.raises(BadParameter, match=r"needs parameter 'name'"):
        queries.run(seed_store, "partners", {})


def test_string_values_are_coerced_and_defaults_reported(seed_store):
    result = queries.run(seed_store, "overlaps", {"min_leads": "1"})
    assert result.params == {"min_leads": 1, "plan": None}
    assert any(r["kind"] == "many-leads" and len(r["departments"]) == 2 for r in result.rows)
    body = result.to_dict()
    assert set(body) == {"query", "params", "columns", "rows"}
    assert json.loads(json.dumps(body, ensure_ascii=False)) == body  # JSON values only


@pytest.mark.parametrize("spec", queries.catalog(), ids=lambda s: s.name)
def test_rows_have_exactly_the_declared_columns(seed_store, spec):
    result = queries.run(seed_store, spec.name, spec.example)
    assert result.columns == spec.columns
    assert all(list(r) == spec.columns for r in result.rows)
    if spec.name not in {"lineage", "path", "leaders"}:  # the seed names no leaders
        assert result.rows, f"{spec.name} answers nothing on the seed"


# -- spot facts of the seed --------------------------------------------------------------------
def test_co_leads_dairy_pairs_the_farming_and_science_bureaus(seed_store):
    rows = queries.run(seed_store, "co-leads", {"industry": "乳业"}).rows
    assert {r["industry"] for r in rows} == {"乳业"}
    pair = [r for r in rows if (r["lead_a"], r["lead_b"]) == ("农牧局", "教科体局")]
    assert len(pair) == 1
    assert "(6) 推动乳制品关键技术转化应用" in pair[0]["tasks"]
    assert pair[0]["task_count"] == len(pair[0]["tasks"])


def test_co_leads_without_a_chain_still_pair(seed_store):
    rows = queries.run(seed_store, "co-leads").rows
    talent = [r for r in rows if r["tasks"] == ["(16) 实施高层次人才引进计划"]]
    assert [(r["industry"], r["lead_a"], r["lead_b"]) for r in talent] == [(None, "人社局", "组织部")]
    assert rows[-1]["industry"] is None and rows[0]["industry"] is not None


def test_science_bureau_leads_the_most_tasks(seed_store):
    rows = queries.run(seed_store, "workload").rows
    assert rows[0]["department"] == "教科体局"
    assert rows[0]["leads"] > rows[1]["leads"]
    assert all(r["centrality"] == round(r["co_leads"] / (len(rows) - 1), 4) for r in rows)
    assert {r["department"] for r in rows if r["co_leads"] == 0} >= {"有关乡镇人民政府", "发改委"}


def test_finance_office_leads_the_two_finance_tasks(seed_store):
    rows = queries.run(seed_store, "department", {"name": "金融办"}).rows
    led = [r["task"] for r in rows if r["role"] == "lead"]
    assert led == ["(14) 加大科技金融扶持力度", "(15) 建立投融资金融服务机制"]
    assert [r["task"] for r in rows if r["role"] == "support"] == ["(13) 实施知识产权保护和运用工程"]
    assert rows[0]["targets"] == ["到2023年入库项目数达到3个"]
    assert [r["with"] for r in rows] == [[], ["工信局"], ["市场监管局"]]


def test_department_accepts_an_alias(seed_store):
    rows = queries.run(seed_store, "department", {"name": "旗委组织部"}).rows
    assert {r["department"] for r in rows} == {"组织部"}
    assert [r["task"] for r in rows] == ["(16) 实施高层次人才引进计划"]


def test_farming_bureaus_first_partner_is_the_science_bureau(seed_store):
    rows = queries.run(seed_store, "partners", {"name": "农牧局"}).rows
    first = rows[0]
    assert first["partner"] == "教科体局"
    assert first["shared_tasks"] == len(first["tasks"]) == sum(
        first[k] for k in ("both_lead", "we_lead_they_support", "we_support_they_lead", "both_support"))
    assert "农牧局" not in {r["partner"] for r in rows}


def test_modern_farming_task_has_three_leads(seed_store):
    rows = queries.run(seed_store, "overlaps").rows
    many = {r["tasks"][0]: r["departments"] for r in rows if r["kind"] == "many-leads"}
    assert many["(1) 实施现代农牧业关键技术集成攻关"] == ["农牧局", "工信局", "教科体局"]
    assert all(len(d) > 2 for d in many.values())
    assert queries.run(seed_store, "overlaps", {"min_leads": 3}).rows == [
        r for r in queries.run(seed_store, "overlaps", {"min_leads": 3}).rows if r["kind"] != "many-leads"]


def test_gaps_find_the_ownerless_action_2_target(seed_store):
    rows = queries.run(seed_store, "gaps").rows
    owners = [r for r in rows if r["kind"] == "target-without-owner"]
    assert "争取每年转移转化重大科技成果1项" in {r["subject"] for r in owners}
    # action 5 has its own annotation, so its targets are owned
    assert "高新技术企业数达到3家" not in {r["subject"] for r in owners}
    # recurring targets are time-bound by their cadence
    assert "争取每年转移转化重大科技成果1项" not in {
        r["subject"] for r in rows if r["kind"] == "target-without-deadline"}


def test_targets_with_owners_and_filters(seed_store):
    rows = queries.run(seed_store, "targets").rows
    assert len(rows) == 10
    by_text = {r["target"]: r for r in rows}
    assert by_text["到2023年入库项目数达到3个"]["owners"] == ["金融办"]
    assert by_text["重点产业领域引进科技领军人才1—3名"]["value_max"] == 3.0
    mine = queries.run(seed_store, "targets", {"owner": "教科体局"}).rows
    assert mine and all("教科体局" in r["owners"] for r in mine)
    assert queries.run(seed_store, "targets", {"due": "2022"}).rows == [
        r for r in rows if r["cadence"] and r["deadline"] is None]


def test_path_links_two_departments_through_shared_tasks(seed_store):
    rows = queries.run(seed_store, "path", {"from": "金融办", "to": "林草局"}).rows
    assert rows[0]["from_department"] == "金融办" and rows[-1]["to_department"] == "林草局"
    assert [r["step"] for r in rows] == list(range(1, len(rows) + 1))
    for a, b in itertools.pairwise(rows):
        assert a["to_department"] == b["from_department"]
    with pytest.raises(BadParameter, match="same department"):
        queries.run(seed_store, "path", {"from": "农牧局", "to": "农牧局"})


def test_institutes_the_talent_task_works_with(seed_store):
    rows = queries.run(seed_store, "institutes").rows
    assert [r["institute"] for r in rows] == sorted(["中科院", "农科院", "社科院"])
    assert all(r["tasks"] == ["(16) 实施高层次人才引进计划"] for r in rows)
    assert rows[0]["leads"] == ["人社局", "组织部"]


def test_plans_and_phases(seed_store):
    (plan,) = queries.run(seed_store, "plans").rows
    assert plan["title"] == SEED_TITLE and plan["doc_number"] == "阿政办发〔2021〕32号"
    assert plan["implements"] == ["呼伦贝尔市“科技兴市”三年行动实施方案"]
    phases = queries.run(seed_store, "phases", {"on": "2022-06"}).rows
    assert [p["phase"] for p in phases] == ["组织实施阶段"]


def test_plan_filter_by_title_fragment_id_and_unknown(seed_store):
    pid = queries.resolve_plan(seed_store, "科技兴旗")
    assert pid.startswith("plan:")
    by_id = queries.run(seed_store, "workload", {"plan": pid}).rows
    assert by_id == queries.run(seed_store, "workload", {"plan": SEED_TITLE}).rows
    with pytest.raises(NotFound, match=r"plan '不存在' is not a loaded plan; loaded: 阿荣旗"):
        queries.run(seed_store, "workload", {"plan": "不存在"})


def test_unknown_names_are_not_found_with_choices(seed_store):
    with pytest.raises(NotFound, match=r"unknown department '外交部'; known: "):
        queries.run(seed_store, "partners", {"name": "外交部"})
    with pytest.raises(NotFound, match=r"unknown industry chain '航天'; known: .*乳业"):
        queries.run(seed_store, "co-leads", {"industry": "航天"})


# -- the Python API ----------------------------------------------------------------------------
def test_ask_and_ask_frame(seed_store):
    rows = queries.ask("path", store=seed_store, from_="金融办", to="林草局")
    assert rows and rows[0]["from_department"] == "金融办"
    frame = queries.ask_frame("workload", store=seed_store)
    assert list(frame.columns) == queries.get("workload").columns
    assert frame.iloc[0]["department"] == "教科体局"


def test_ask_uses_the_default_store(monkeypatch, tmp_path, seed_extract):
    from graph.stores.embedded import EmbeddedStore

    EmbeddedStore(tmp_path / "default.plankg").load(seed_extract)
    monkeypatch.setenv("PLANKG_STORE", str(tmp_path / "default.plankg"))
    assert queries.ask("plans")[0]["title"] == SEED_TITLE


def test_coresponsibility_graph(seed_store):
    g = queries.coresponsibility_graph(seed_store)
    assert isinstance(g, nx.Graph)
    edge = g.edges["dept:阿荣旗/农牧局", "dept:阿荣旗/教科体局"]
    assert "(6) 推动乳制品关键技术转化应用" in edge["tasks"]
    assert edge["weight"] == len(edge["tasks"])
    assert g.nodes["dept:阿荣旗/金融办"]["leads"] == 2


def test_index_is_reused_until_the_store_changes(seed_store, seed_extract):
    first = index_of(seed_store.graph())
    assert index_of(seed_store.graph()) is first
    seed_store.load(seed_extract)
    assert index_of(seed_store.graph()) is not first


def test_prepare_builds_the_index_before_any_query(seed_store):
    """What the API server calls at startup, before gc.freeze(): the index and the per-version
    tables exist before the first question."""
    from queries.index import _CACHE

    graph = seed_store.graph()
    assert graph not in _CACHE
    queries.prepare(seed_store)
    assert graph in _CACHE
    assert "乳业" in _CACHE[graph].tables["co-leads"]


def test_index_rows_carry_owners_and_lead_pairs(embedded_store, seed_extract):
    """A sub-task without leads answers through its nearest led ancestor; each pair of a task's
    leads is kept once, names in order."""
    ex = seed_extract.model_copy(deep=True)
    by_id = {t.id: t for t in ex.tasks}
    subs = [t for t in ex.tasks if t.parent and by_id[t.parent].lead]
    for t in subs:
        t.lead = []
    embedded_store.load(ex)
    ix = index_of(embedded_store.graph())
    unled = [t for t in ix.rows if not t.leads and t.owners]
    assert len(unled) == len(subs) > 0
    for t in unled:
        assert t.parent is not None and t.owners == ix.row[t.parent].leads
    six = next(t for t in ix.rows if t.number == "(6)")
    assert len(six.lead_pairs) == len(six.leads) * (len(six.leads) - 1) // 2 >= 1
    assert all(a <= b for _, a, b in six.lead_pairs)


def test_path_is_the_first_shortest_path_by_ids(seed_store):
    """The search that stops at the first layer reaching a source finds networkx's first
    shortest path, on the department-task graph of the seed."""
    from queries.network import _add_role, _first_shortest_path

    ix = index_of(seed_store.graph())
    g = nx.Graph()
    for t in ix.rows:
        for role, ds in (("lead", t.lead_ids), ("support", t.support_ids)):
            for d in ds:
                _add_role(g, d, t.id, role, t.label)
    depts = sorted(n for n in g if n.startswith("dept:"))
    checked = 0
    for s in depts[::3]:
        for t in depts[1::4]:
            if s == t or not nx.has_path(g, s, t):
                continue
            assert _first_shortest_path(lambda n: g.adj[n], [s], {t}) == min(nx.all_shortest_paths(g, s, t))
            checked += 1
    assert checked > 20


def test_tasks_lists_the_plan_as_the_extract_reads_it(seed_store, seed_extract):
    rows = queries.run(seed_store, "tasks", {"plan": "科技兴旗"}).rows
    assert [(r["number"], r["lead"], r["support"]) for r in rows] == [
        (t.number, t.lead, t.support) for t in seed_extract.tasks]
    six = next(r for r in rows if r["number"] == "(6)")
    assert six["parent"] == "3." and six["path"] == "三、(二)3.(6)" and "乳业" in six["chains"]
