"""The command-line contract, driven as a user drives it: real processes, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, SEED


def plankg(*args: str, store: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if store is not None:
        env["PLANKG_STORE"] = str(store)
    return subprocess.run(
        [sys.executable, "-m", "api", *args], capture_output=True, text=True, env=env, cwd=cwd,
        timeout=120,
    )


def flat(value: object) -> set[str]:
    """Every string inside a row, however the row nests them."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return set().union(*(flat(v) for v in value)) if value else set()
    return set()


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "s.plankg"
    r = plankg("load", str(SEED), store=store)
    assert r.returncode == 0, r.stderr
    return store


def test_extract_json_is_the_plan_extract_contract() -> None:
    r = plankg("extract", str(SEED), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) >= {"plan", "tasks", "departments", "targets", "phases"}
    assert doc["plan"]["doc_number"] == "阿政办发〔2021〕32号"
    task = next(t for t in doc["tasks"] if t["number"] == "(6)")
    assert {"id", "number", "parent", "title", "lead", "support", "industries", "enterprises", "span"} <= set(task)


def test_extract_several_paths_prints_a_list() -> None:
    r = plankg("extract", str(SEED), str(SEED), "--json")
    assert r.returncode == 0, r.stderr
    docs = json.loads(r.stdout)
    assert isinstance(docs, list) and len(docs) == 2


def test_ask_co_leads_dairy_pairs_nongmu_and_jiaoketi(loaded_store: Path) -> None:
    r = plankg("ask", "co-leads", "-p", "industry=乳业", "--json", store=loaded_store)
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert body["query"] == "co-leads" and body["params"]["industry"] == "乳业"
    assert set(body) == {"query", "params", "columns", "rows"}
    pairs = [row for row in body["rows"] if {"农牧局", "教科体局"} <= flat(row)]
    assert pairs, body["rows"]
    assert any("推动乳制品关键技术转化应用" in json.dumps(row, ensure_ascii=False) for row in pairs)


def test_loading_twice_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "s.plankg"
    assert plankg("load", str(SEED), store=store).returncode == 0
    first = store.read_bytes()
    r = plankg("load", str(SEED), store=store)
    assert r.returncode == 0 and "replaced" in r.stdout
    from graph.stores.embedded import EmbeddedStore

    g1 = EmbeddedStore(tmp_path / "copy.plankg")
    (tmp_path / "copy.plankg").write_bytes(first)
    a, b = g1.graph(), EmbeddedStore(store).graph()
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))


def test_report_prints_chains_workload_and_targets(loaded_store: Path) -> None:
    r = plankg("report", store=loaded_store)
    assert r.returncode == 0, r.stderr
    for needle in ("乳业", "教科体局", "农牧局", "2023"):
        assert needle in r.stdout


def test_queries_lists_the_catalog_as_a_table() -> None:
    r = plankg("queries")
    assert r.returncode == 0, r.stderr
    assert "co-leads" in r.stdout and "哪些部门" in r.stdout and "industry: str" in r.stdout


def test_queries_lists_the_catalog_as_json() -> None:
    r = plankg("queries", "--json")
    assert r.returncode == 0, r.stderr
    names = {q["name"] for q in json.loads(r.stdout)}
    assert {"co-leads", "industry-leads", "department", "partners"} <= names


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("ask", "no-such-query"), 2, "co-leads"),
        (("ask", "co-leads", "-p", "colour=red"), 2, "industry"),
        (("ask", "co-leads", "-p", "industry"), 2, "key=value"),
        (("load", "/nonexistent/plan.txt"), 1, "plan.txt"),
        (("extract", "--json", "/nonexistent/plan.txt"), 1, "plan.txt"),
        (("ask", "co-leads", "--store", "redis://localhost"), 1, "unsupported store URI"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(tmp_path: Path, args: tuple[str, ...], code: int, needle: str) -> None:
    r = plankg(*args, store=tmp_path / "s.plankg")
    assert r.returncode == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    assert needle in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 4  # click usage errors carry a short usage header


def test_unreadable_bytes_load_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    store = tmp_path / "s.plankg"
    r = plankg("load", str(SEED), str(bad), store=store)
    assert r.returncode == 1 and "broken.docx" in r.stderr and "Traceback" not in r.stderr
    assert not store.exists(), "a failed load must not leave a graph behind"


def test_drop_and_reset(tmp_path: Path) -> None:
    store = tmp_path / "s.plankg"
    assert plankg("load", *map(str, sorted(EXAMPLES.glob("*.txt"))), store=store).returncode == 0
    r = plankg("drop", "阿荣旗“科技兴旗”三年行动实施方案", store=store)
    assert r.returncode == 0, r.stderr
    titles = json.dumps(json.loads(plankg("ask", "plans", "--json", store=store).stdout), ensure_ascii=False)
    assert "科技兴旗" not in titles
    assert plankg("drop", "no such plan", store=store).returncode == 1
    assert plankg("reset", "--yes", store=store).returncode == 0
    rows = json.loads(plankg("ask", "plans", "--json", store=store).stdout)["rows"]
    assert rows == []
