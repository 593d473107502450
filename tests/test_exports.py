"""Exports of a loaded store: the 任务分工表 (xlsx, csv), GraphML and node-link JSON, on both stores."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import networkx as nx
import openpyxl
import pytest

from api.exports import FORMATS, export, export_graph
from graph.errors import BadParameter, NotFound
from graph.model import PlanExtract
from graph.stores.base import Store
from graph.stores.embedded import EmbeddedStore
from loaders.worksheet import (
    DEPT_SHEET,
    META_SHEET,
    TARGET_SHEET,
    TASK_HEADERS,
    TASK_SHEET,
    heading_path,
)
from tests.conftest import EXAMPLES, SEED
from tests.support.stores import bolt_with, embedded_with

SEED_TITLE = "阿荣旗“科技兴旗”三年行动实施方案"
SEED_DOC = "阿政办发〔2021〕32号"


def _extracts() -> list[PlanExtract]:
    from loaders import extract_path

    return [extract_path(p) for p in (SEED, EXAMPLES / "hulunbuir_keji_xingshi_2021.txt")]


@pytest.fixture(scope="module")
def extracts() -> list[PlanExtract]:
    return _extracts()


@pytest.fixture(scope="module")
def nx_store(tmp_path_factory: pytest.TempPathFactory, extracts: list[PlanExtract]) -> EmbeddedStore:
    return embedded_with(tmp_path_factory.mktemp("exports") / "s.plankg", extracts)


@pytest.fixture(scope="module")
def bolt_store(request: pytest.FixtureRequest, extracts: list[PlanExtract]) -> Iterator[Store]:
    with bolt_with(request.getfixturevalue("bolt_uri"), extracts) as store:
        yield store


@pytest.fixture(scope="module", params=["embedded", pytest.param("bolt", marks=pytest.mark.bolt)])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue("nx_store" if request.param == "embedded" else "bolt_store")


def seed(extracts: list[PlanExtract]) -> PlanExtract:
    return extracts[0]


def task_sheet(data: bytes) -> list[dict[str, str]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[TASK_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


# -- xlsx -------------------------------------------------------------------------------------
def test_xlsx_is_a_task_division_table(store: Store, extracts: list[PlanExtract]) -> None:
    data = export(store, "xlsx", plan=SEED_TITLE)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [TASK_SHEET, DEPT_SHEET, TARGET_SHEET, META_SHEET]
    assert wb[META_SHEET].sheet_state == "hidden"
    ws = wb[TASK_SHEET]
    assert [c.value for c in ws[1]][: len(TASK_HEADERS)] == list(TASK_HEADERS)
    assert all(c.font.bold for c in ws[1][: len(TASK_HEADERS)])
    assert ws.freeze_panes == "C2"
    widths = {h: ws.column_dimensions[chr(ord("A") + i)].width for i, h in enumerate(TASK_HEADERS)}
    assert widths["具体内容"] > widths["序号"]
    assert ws["C2"].alignment.wrap_text

    rows = task_sheet(data)
    ex = seed(extracts)
    assert [r["序号"] for r in rows] == [heading_path(t) for t in ex.tasks]
    first_lead = next(t for t in ex.tasks if t.lead)
    row = next(r for r in rows if r["序号"] == heading_path(first_lead))
    assert row["牵头单位"] == "、".join(first_lead.lead)
    assert row["重点任务"] == first_lead.title
    assert SEED_TITLE in row["来源"] and SEED_DOC in row["来源"]
    # the 农牧局 / 工信局 / 教科体局 task of the seed plan, as the gold has it
    leads = {r["牵头单位"] for r in rows}
    assert "农牧局、工信局、教科体局" in leads


def test_xlsx_department_and_target_sheets(store: Store, extracts: list[PlanExtract]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(export(store, "xlsx", plan=SEED_TITLE)))
    depts = list(wb[DEPT_SHEET].iter_rows(values_only=True))
    header = depts[0]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in depts[1:]}
    ex = seed(extracts)
    leads = sum(1 for t in ex.tasks if "农牧局" in t.lead)
    assert by_name["农牧局"]["牵头任务数"] == leads
    assert by_name["教科体局"]["牵头任务数"] >= 1
    targets = list(wb[TARGET_SHEET].iter_rows(values_only=True))
    assert len(targets) - 1 == len(ex.targets)
    if ex.targets:
        texts = {r[2] for r in targets[1:]}
        assert ex.targets[0].text in texts


def test_all_plans_by_default_and_one_with_plan(store: Store, extracts: list[PlanExtract]) -> None:
    everything = task_sheet(export(store, "xlsx"))
    assert len(everything) == sum(len(e.tasks) for e in extracts)
    sources = {r["来源"] for r in everything}
    assert len(sources) == len(extracts)
    one = task_sheet(export(store, "xlsx", plan=extracts[1].plan.title))
    assert len(one) == len(extracts[1].tasks)


# -- csv --------------------------------------------------------------------------------------
def test_csv_has_a_bom_and_the_task_rows(store: Store, extracts: list[PlanExtract]) -> None:
    data = export(store, "csv", plan=SEED_TITLE)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(TASK_HEADERS)
    assert [r["序号"] for r in rows] == [heading_path(t) for t in seed(extracts).tasks]


# -- graph formats ----------------------------------------------------------------------------
def _sig(g: nx.MultiDiGraph) -> tuple[set[str], list[tuple[str, str, str]]]:
    return set(g.nodes), sorted((u, v, str(a.get("type"))) for u, v, a in g.edges(data=True))


def test_graphml_reads_back_with_attributes(store: Store) -> None:
    g = store.to_networkx()
    back = nx.read_graphml(io.BytesIO(export(store, "graphml")), force_multigraph=True)
    assert _sig(back) == _sig(g)
    dept = next(n for n, a in g.nodes(data=True) if a.get("label") == "Department" and a.get("name") == "农牧局")
    assert back.nodes[dept]["label"] == "Department"
    assert json.loads(back.nodes[dept]["aliases"]) == sorted(g.nodes[dept]["aliases"])
    task = next(n for n, a in g.nodes(data=True) if a.get("label") == "Task")
    assert json.loads(back.nodes[task]["span"]) == list(g.nodes[task]["span"])
    assert back.nodes[task]["title"] == g.nodes[task]["title"]


def test_graphml_of_one_plan_holds_only_its_facts(store: Store, extracts: list[PlanExtract]) -> None:
    back = nx.read_graphml(io.BytesIO(export(store, "graphml", plan=SEED_TITLE)), force_multigraph=True)
    pid = seed(extracts).plan.id
    plans = {a.get("plan") for _, _, a in back.edges(data=True)}
    assert plans == {pid}
    tasks = [n for n, a in back.nodes(data=True) if a.get("label") == "Task"]
    assert len(tasks) == len(seed(extracts).tasks)


def test_json_is_node_link(store: Store) -> None:
    data = json.loads(export(store, "json"))
    back = nx.node_link_graph(data, edges="edges")
    assert _sig(back) == _sig(store.to_networkx())


@pytest.mark.bolt
def test_both_stores_export_the_same_table(nx_store: EmbeddedStore, bolt_store: Store) -> None:
    assert export(bolt_store, "csv") == export(nx_store, "csv")
    assert task_sheet(export(bolt_store, "xlsx")) == task_sheet(export(nx_store, "xlsx"))


# -- errors -----------------------------------------------------------------------------------
def test_unknown_format_and_plan_are_one_line_errors(nx_store: EmbeddedStore) -> None:
    with pytest.raises(BadParameter, match="xlsx, csv, graphml, json"):
        export(nx_store, "pdf")
    with pytest.raises(NotFound):
        export_graph(nx_store.to_networkx(), "xlsx", ["plan:nope"])
    assert FORMATS == ("xlsx", "csv", "graphml", "json")


def test_empty_store_exports_headers_only(tmp_path) -> None:
    empty = EmbeddedStore(tmp_path / "empty.plankg")
    assert task_sheet(export(empty, "xlsx")) == []
    assert export(empty, "csv").decode("utf-8-sig").strip() == ",".join(TASK_HEADERS)


# -- over HTTP (the explorer's download links) ------------------------------------------------
def test_http_download(nx_store: EmbeddedStore) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    with TestClient(create_app(Settings(store_uri=nx_store.uri))) as client:
        r = client.get("/exports/xlsx", params={"plan": SEED_TITLE})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "filename*=UTF-8''" in r.headers["content-disposition"]
        assert task_sheet(r.content) == task_sheet(export(nx_store, "xlsx", plan=SEED_TITLE))
        r = client.get("/exports/csv")
        assert r.content.startswith(b"\xef\xbb\xbf")
        bad = client.get("/exports/pdf")
        assert bad.status_code == 422 and "xlsx, csv, graphml, json" in bad.json()["message"]
        assert client.get("/exports/json", params={"plan": "没有这个方案"}).status_code == 404
