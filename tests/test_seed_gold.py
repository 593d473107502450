"""The seed plan's extraction equals its hand-made gold (issue #2)."""

from __future__ import annotations

import pytest

from graph.model import PlanExtract


def _canon(ex: PlanExtract) -> dict[str, str]:
    out = {}
    for d in ex.departments:
        out[d.name] = d.name
        for a in d.aliases:
            out[a] = d.name
    return out


def _by_number(ex: PlanExtract) -> dict[str, object]:
    tasks = {}
    for t in ex.tasks:
        assert t.number not in tasks or t.number.startswith("("), f"duplicate task number {t.number}"
        tasks.setdefault(t.number, t)
    return tasks


def test_every_gold_task_has_exactly_the_gold_lead_and_support(seed_extract, seed_gold):
    canon = _canon(seed_extract)
    tasks = _by_number(seed_extract)
    for g in seed_gold["tasks"]:
        t = tasks[g["id"]]
        assert t.title == g["title"], g["id"]
        assert t.lead == [canon[n] for n in g["lead"]], g["id"]
        assert t.support == [canon[n] for n in g["support"]], g["id"]


def test_every_gold_department_form_is_an_alias(seed_extract, seed_gold):
    aliases = {a for d in seed_extract.departments for a in d.aliases}
    for g in seed_gold["tasks"]:
        for n in g["lead"] + g["support"]:
            assert n in aliases


def test_targets_equal_gold(seed_extract, seed_gold):
    got = list(seed_extract.targets)
    assert len(got) == len(seed_gold["targets"])
    numbers = {t.id: t.number for t in seed_extract.tasks}
    for g in seed_gold["targets"]:
        match = [t for t in got if g["text"] in t.text and t.value == g["value"]]
        assert len(match) == 1, g["text"]
        t = match[0]
        assert numbers[t.task] == g["task"]
        assert t.unit == g["unit"]
        assert t.value_max == g.get("value_max")
        assert t.deadline == g["deadline"]
        assert t.cadence == g["cadence"]
        if "comparator" in g:
            assert t.comparator == g["comparator"]


def test_phases_equal_gold(seed_extract, seed_gold):
    assert [(p.name, p.start, p.end) for p in seed_extract.phases] == [
        (p["name"], p["start"], p["end"]) for p in seed_gold["phases"]
    ]


def test_plan_header(seed_extract, seed_gold):
    p = seed_extract.plan
    g = seed_gold["plan"]
    assert p.title == g["title"]
    assert p.issuer == g["issuer"]
    assert p.doc_number == g["doc_number"]
    assert p.issued_date == g["issued_date"]
    assert list(p.period) == g["period"]
    assert p.implements == g["implements"]
    assert (p.place, p.level) == ("阿荣旗", "旗")


def test_coordinating_body_partners_enterprises(seed_extract, seed_gold):
    assert seed_extract.coordinating_bodies == seed_gold["coordinating_bodies"]
    tasks = _by_number(seed_extract)
    assert tasks["(16)"].partners == ["中科院", "农科院", "社科院"]
    assert tasks["(1)"].enterprises == ["齐鲁制药", "伊利乳业"]
    assert tasks["(6)"].enterprises == ["伊利乳业"]
    assert tasks["(7)"].enterprises == ["呼伦贝尔肉业集团"]


def test_collective_parties_and_their_scope(seed_extract):
    depts = {d.name: d for d in seed_extract.departments}
    assert (depts["有关乡镇人民政府"].collective, depts["有关乡镇人民政府"].scope) == (True, "some")
    assert (depts["各乡镇人民政府"].collective, depts["各乡镇人民政府"].scope) == (True, "all")
    assert depts["各相关部门"].collective
    assert not depts["档案史志馆"].collective
    tasks = _by_number(seed_extract)
    assert tasks["(5)"].support == ["档案史志馆", "各相关部门"]


def test_look_alike_names_are_candidates_not_merged(seed_extract):
    pairs = [c.names for c in seed_extract.alias_candidates]
    assert ("政务局", "政务服务局") in pairs
    names = {d.name for d in seed_extract.departments}
    assert {"政务局", "政务服务局"} <= names


@pytest.mark.parametrize(("number", "chain"), [("(6)", "乳业"), ("(7)", "肉业"), ("(14)", "科技金融")])
def test_chains(seed_extract, number, chain):
    assert chain in _by_number(seed_extract)[number].chains


def test_coverage_counts_every_annotation(seed_extract):
    assert seed_extract.coverage.annotations == 18
    assert seed_extract.coverage.tasks_without_responsibility == []


def test_task_ids_are_the_cited_numbers_with_heading_paths_beside(seed_extract):
    ids = [t.id for t in seed_extract.tasks]
    assert len(ids) == len(set(ids))
    t = _by_number(seed_extract)["(4)"]
    assert t.id == "(4)" and t.path == "三、(二)2.(4)"
    assert t.parent == "2."
    text = seed_extract.text
    assert text[t.span[0]: t.span[1]].startswith("(4)实施数字经济")
