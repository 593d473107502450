"""`plankg eval` and `plankg aliases`, driven in-process (typer.testing.CliRunner)."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from api.cli import app, main
from tests.conftest import SEED, SEED_GOLD

runner = CliRunner()


def test_eval_json_scores_the_seed_perfectly():
    r = runner.invoke(app, ["eval", str(SEED), str(SEED_GOLD), "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["lead"]["f1"] == 1.0 and report["support"]["f1"] == 1.0
    assert report["triples"]["tp"] == 102
    assert report["targets"]["f1"] == 1.0
    assert report["differences"] == []


def test_eval_lists_every_difference(tmp_path):
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    task = next(t for t in gold["tasks"] if t["id"] == "(6)")
    task["lead"] = ["农牧局"]  # drop 教科体局
    task["support"].append("财政局")  # a support the text does not name
    gold["targets"] = gold["targets"][1:]
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(app, ["eval", str(SEED), str(path), "--json"])
    report = json.loads(r.stdout)
    assert report["lead"]["fp"] == 1 and report["support"]["fn"] == 1
    assert report["targets"]["fp"] == 1
    diffs = report["differences"]
    assert "(6) 推动乳制品关键技术转化应用: extra lead 教科体局" in diffs
    assert "(6) 推动乳制品关键技术转化应用: missing support 财政局" in diffs
    assert any(d.startswith("target extra:") and "1项" in d for d in diffs)
    r = runner.invoke(app, ["eval", str(SEED), str(path), "--fail-under", "1.0"])
    assert r.exit_code == 1
    assert "extra lead 教科体局" in r.stdout
    assert runner.invoke(app, ["eval", str(SEED), str(path), "--fail-under", "0.9"]).exit_code == 0


def test_aliases_reports_candidates_with_evidence_and_never_merges():
    r = runner.invoke(app, ["aliases", str(SEED), "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    [cand] = [c for c in report["candidates"] if c["names"] == ["政务局", "政务服务局"]]
    assert "(4)" in cand["evidence"] and "(5)" in cand["evidence"]
    # nothing the seed wrote needed more than its place prefix stripped (旗委组织部 -> 组织部)
    assert report["merged"] == []
    names = {d["name"] for d in json.loads(runner.invoke(app, ["extract", str(SEED), "--json"]).stdout)["departments"]}
    assert {"政务局", "政务服务局"} <= names


def test_aliases_shows_what_the_registry_merged():
    from tests.conftest import EXAMPLES

    report = json.loads(runner.invoke(app, ["aliases", str(EXAMPLES / "hulunbuir_keji_xingshi_2021.txt"),
                                            "--json"]).stdout)
    merged = {m["name"]: m["aliases"] for m in report["merged"]}
    assert merged["工信局"] == ["市工业和信息化局"]
    assert merged["人社局"] == ["市人力资源和社会保障局"]


def test_aliases_across_plans_of_one_place(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("某县人民政府办公室关于印发《某县甲方案》的通知\n某县甲方案\n一、重点任务\n"
                 "(一)建设平台。(牵头单位:县商务局;配合单位:县财政局)\n", encoding="utf-8")
    b.write_text("某县人民政府办公室关于印发《某县乙方案》的通知\n某县乙方案\n一、重点任务\n"
                 "(一)开放数据。(牵头单位:县商务和投资促进局;配合单位:县财政局)\n", encoding="utf-8")
    report = json.loads(runner.invoke(app, ["aliases", str(a), str(b), "--json"]).stdout)
    [cand] = report["candidates"]
    assert cand["names"] == ["商务局", "商务和投资促进局"]
    assert "某县甲方案" in cand["evidence"] and "某县乙方案" in cand["evidence"]


def test_aliases_table_output():
    r = runner.invoke(app, ["aliases", str(SEED)])
    assert r.exit_code == 0
    assert "alias candidates" in r.stdout and "政务局" in r.stdout and "(4)" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "missing.txt", str(SEED_GOLD)], "missing.txt: no such file"),
        (["eval", str(SEED), "missing.gold.json"], "missing.gold.json: no such gold file"),
        (["eval", str(SEED), str(SEED)], "not a readable gold JSON file"),
        (["aliases", "missing.txt"], "missing.txt: no such file"),
    ],
)
def test_bad_input_is_one_line_on_stderr(monkeypatch, capsys, args, message):
    monkeypatch.setattr(sys, "argv", ["plankg", *args])
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 1
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
