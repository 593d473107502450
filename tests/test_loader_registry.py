"""The department registry and the industry taxonomy are data a user extends."""

from __future__ import annotations

import pytest

from graph.errors import ParseError
from loaders import extract_text
from loaders.departments import ENV_VAR, load_registry
from loaders.lexicon import ENTITIES_ENV, INDUSTRIES_ENV, taxonomy

TEXT = (
    "某旗人民政府办公室关于印发《某旗草业发展方案》的通知\n2023年3月1日\n某旗草业发展方案\n二、重点任务\n"
    "(一)发展苜蓿种植。推广燕麦草和苜蓿,支持草都草业有限公司扩能。(牵头单位:旗农牧和科技局;配合单位:旗发改委)\n"
)


def test_shipped_registry_maps_full_names_and_abbreviations():
    reg = load_registry()
    for written in ("发展和改革委员会", "发展改革委", "发改委", "发展改革局"):
        assert reg.lookup(written).name == "发改委"
    assert reg.lookup("各乡镇").collective and reg.lookup("各乡镇").scope == "all"
    assert reg.lookup("有关乡镇").scope == "some"


def test_user_registry_file_by_environment_variable(tmp_path, monkeypatch):
    before = extract_text(TEXT)
    assert before.tasks[0].lead == ["农牧和科技局"]
    extra = tmp_path / "mine.yaml"
    extra.write_text("departments:\n  农牧局: [农牧和科技局]\ncollective:\n  各嘎查村: {scope: all, aliases: [各嘎查]}\n",
                     encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(extra))
    after = extract_text(TEXT)
    assert after.tasks[0].lead == ["农牧局"]
    [d] = [d for d in after.departments if d.name == "农牧局"]
    assert d.aliases == ["旗农牧和科技局"]
    assert load_registry().lookup("各嘎查").collective


def test_user_registry_passed_explicitly(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("departments:\n  农牧局: [农牧和科技局]\n", encoding="utf-8")
    ex = extract_text(TEXT, registry=load_registry([extra]))
    assert ex.tasks[0].lead == ["农牧局"]


def test_broken_registry_file_is_a_parse_error(tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("departments: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(bad))
    with pytest.raises(ParseError, match=r"bad\.yaml"):
        extract_text(TEXT)


def test_taxonomy_terms_map_to_chains():
    tax = taxonomy()
    assert {tax.terms[t] for t in ("奶牛", "乳制品", "液态奶", "乳业", "奶业")} == {"乳业"}
    assert {tax.terms[t] for t in ("肉牛", "肉羊", "生猪", "冷鲜肉")} == {"肉业"}
    assert {tax.terms[t] for t in ("大豆", "玉米", "水稻", "小麦")} == {"粮食"}
    assert {tax.terms[t] for t in ("黑木耳", "食用菌", "柞蚕")} == {"林下经济"}
    assert {tax.terms[t] for t in ("大数据", "云计算", "电子商务")} == {"数字经济"}
    assert tax.terms["科技金融"] == "科技金融"
    assert tax.terms["蒙中医药"] == tax.terms["中草药"] == "中草药"


def test_user_taxonomy_and_entities(tmp_path, monkeypatch):
    ind = tmp_path / "ind.yaml"
    ind.write_text("chains:\n  饲草产业: [苜蓿, 燕麦草]\n", encoding="utf-8")
    ent = tmp_path / "ent.yaml"
    ent.write_text("enterprises:\n  草都草业: [草都草业有限公司]\n", encoding="utf-8")
    monkeypatch.setenv(INDUSTRIES_ENV, str(ind))
    monkeypatch.setenv(ENTITIES_ENV, str(ent))
    [t] = extract_text(TEXT).tasks
    assert "饲草产业" in t.chains
    assert t.industries[:2] == ["苜蓿", "燕麦草"]
    assert t.enterprises == ["草都草业"]


def test_chains_of_the_seed_tasks(seed_extract):
    by = {t.number: t for t in seed_extract.tasks}
    assert "乳业" in by["(6)"].chains and "乳业" in by["(6)"].industries
    assert "肉业" in by["(7)"].chains and {"肉牛", "肉羊", "生猪", "冷鲜肉"} <= set(by["(7)"].industries)
    assert {"林下经济", "中草药"} <= set(by["(8)"].chains)
    assert "数字经济" in by["(4)"].chains
