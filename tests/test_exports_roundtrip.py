"""The 任务分工表 round trip: export a plan, fix a responsibility in the sheet, load the fix."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import networkx as nx
import openpyxl
import pytest

from api.exports import export
from graph.errors import ParseError
from graph.model import PlanExtract
from graph.stores.embedded import EmbeddedStore
from loaders.worksheet import (
    TASK_HEADERS,
    TASK_SHEET,
    extract_workbook,
    extract_xlsx,
    heading_path,
    split_names,
)
from tests.conftest import EXAMPLES, ROOT, SEED

SEED_TITLE = "阿荣旗“科技兴旗”三年行动实施方案"


@pytest.fixture
def store(tmp_path: Path, seed_extract: PlanExtract) -> EmbeddedStore:
    s = EmbeddedStore(tmp_path / "s.plankg")
    s.load(seed_extract)
    return s


def relations(g: nx.MultiDiGraph, rtype: str) -> set[tuple[str, str]]:
    return {(g.nodes[u].get("name") or u, v) for u, v, a in g.edges(data=True) if a["type"] == rtype}


def edit(data: bytes, changes: dict[str, dict[str, str]], *, delete: tuple[str, ...] = (),
         add: list[dict[str, str]] | None = None) -> bytes:
    """What a planner does in Excel: change cells of rows found by 序号, delete rows, add rows."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[TASK_SHEET]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    for row in list(ws.iter_rows(min_row=2)):
        number = row[col["序号"]].value
        for h, v in changes.get(number, {}).items():
            row[col[h]].value = v
    for r in sorted((c.row for c in ws["A"][1:] if c.value in delete), reverse=True):
        ws.delete_rows(r)
    for new in add or []:
        ws.append([new.get(h) for h in header])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def task_node(g: nx.MultiDiGraph, tid: str) -> str:
    """The graph node of the task whose id in its plan is `tid`."""
    return next(n for n, a in g.nodes(data=True) if a.get("label") == "Task" and n.endswith(f"#{tid}"))


def test_unchanged_sheet_reloads_to_the_same_graph(store: EmbeddedStore) -> None:
    before = store.to_networkx()
    ex = extract_xlsx(export(store, "xlsx"), "分工表.xlsx")
    result = store.load(ex)
    assert result.replaced
    after = store.to_networkx()
    assert set(after.nodes) == set(before.nodes)
    assert sorted(after.edges(keys=True)) == sorted(before.edges(keys=True))
    t = task_node(after, ex.tasks[1].id)
    assert after.nodes[t]["span"] == before.nodes[t]["span"]  # provenance still points at the document


def test_a_fixed_responsibility_changes_the_graph(store: EmbeddedStore, seed_extract: PlanExtract) -> None:
    task = next(t for t in seed_extract.tasks if "教科体局" in t.lead and len(t.lead) > 1)
    new_lead = [n for n in task.lead if n != "教科体局"]
    fixed = edit(export(store, "xlsx"), {heading_path(task): {"牵头单位": "、".join(new_lead),
                                                   "配合单位": "、".join([*task.support, "教科体局"])}})
    store.load(extract_xlsx(fixed, "fixed.xlsx"))
    g = store.to_networkx()
    t = task_node(g, task.id)
    leads = [g.nodes[u]["name"] for u, _, a in g.in_edges(t, data=True) if a["type"] == "LEADS"]
    supports = [g.nodes[u]["name"] for u, _, a in g.in_edges(t, data=True) if a["type"] == "SUPPORTS"]
    assert sorted(leads) == sorted(new_lead)
    assert "教科体局" in supports
    # nothing else moved
    others = [x for x in seed_extract.tasks if x.id != task.id and x.lead]
    for other in others:
        o = task_node(g, other.id)
        got = sorted(g.nodes[u]["name"] for u, _, a in g.in_edges(o, data=True) if a["type"] == "LEADS")
        assert got == sorted(other.lead)


def test_an_alias_written_in_the_sheet_resolves_to_its_department(store: EmbeddedStore,
                                                                   seed_extract: PlanExtract) -> None:
    dept = next(d for d in seed_extract.departments if any(a != d.name for a in d.aliases))
    alias = next(a for a in dept.aliases if a != dept.name)
    task = next(t for t in seed_extract.tasks if t.lead and dept.name not in t.lead)
    fixed = edit(export(store, "xlsx"), {heading_path(task): {"牵头单位": alias}})
    ex = extract_xlsx(fixed, "fixed.xlsx")
    assert ex.task(task.id).lead == [dept.name]


def test_deleted_and_added_rows(store: EmbeddedStore, seed_extract: PlanExtract) -> None:
    leaf = next(t for t in reversed(seed_extract.tasks) if t.parent and t.lead)
    fixed = edit(export(store, "xlsx"), {}, delete=(heading_path(leaf),),
                 add=[{"序号": "(新1)", "重点任务": "建设科技成果转化服务平台", "牵头单位": "教科体局",
                       "配合单位": "工信局、新设的数据局", "完成时限": "2023年底前"}])
    ex = extract_xlsx(fixed, "fixed.xlsx")
    ids = [t.id for t in ex.tasks]
    assert leaf.id not in ids
    new = ex.task("(新1)")
    assert new.lead == ["教科体局"] and new.support == ["工信局", "新设的数据局"]
    assert new.deadline == "2023年底前"
    assert "新设的数据局" in {d.name for d in ex.departments}
    store.load(ex)
    g = store.to_networkx()
    assert not any(n.endswith(f"#{leaf.id}") for n, a in g.nodes(data=True) if a.get("label") == "Task")
    assert ("新设的数据局", task_node(g, "(新1)")) in relations(g, "SUPPORTS")


def test_a_hand_made_table_in_this_layout_loads(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TASK_SHEET
    ws.append(list(TASK_HEADERS))
    ws.append(["1", "推进奶牛标准化养殖", "新建标准化牧场2个", "农牧局、财政局", "各乡镇人民政府", "", "2022年",
               "《某旗奶业振兴工作方案》某政办发〔2022〕1号"])
    ws.append(["2", "培育乳品加工企业", "", "工信局", "农牧局", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    ex = extract_xlsx(buf.getvalue(), "手工分工表.xlsx")
    assert ex.plan.title == "某旗奶业振兴工作方案"
    assert ex.plan.doc_number == "某政办发〔2022〕1号"
    assert [t.lead for t in ex.tasks] == [["农牧局", "财政局"], ["工信局"]]
    assert {d.name: d.collective for d in ex.departments}["各乡镇人民政府"] is True
    t = ex.tasks[0]
    assert ex.text[t.span[0]:t.span[1]].startswith("1 推进奶牛标准化养殖")
    s = EmbeddedStore(tmp_path / "hand.plankg")
    s.load(ex)
    assert relations(s.to_networkx(), "LEADS")


def test_unreadable_workbooks_are_parse_errors(tmp_path: Path, store: EmbeddedStore) -> None:
    with pytest.raises(ParseError, match=r"not a readable \.xlsx"):
        extract_xlsx(b"plain text, not a zip", "x.xlsx")
    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ParseError, match="no sheet named"):
        extract_xlsx(buf.getvalue(), "empty.xlsx")


def test_a_workbook_of_several_plans(tmp_path: Path, store: EmbeddedStore) -> None:
    from loaders import extract_path

    store.load(extract_path(EXAMPLES / "hulunbuir_keji_xingshi_2021.txt"))
    data = export(store, "xlsx")
    assert len(extract_workbook(data, "all.xlsx")) == 2
    with pytest.raises(ParseError, match="holds 2 plans"):
        extract_xlsx(data, "all.xlsx")


def test_split_names() -> None:
    assert split_names("农牧局、工信局，教科体局;农牧局") == ["农牧局", "工信局", "教科体局"]
    assert split_names("") == []


def test_cli_export_then_load_the_fix(tmp_path: Path) -> None:
    """`plankg export` and `plankg load` as a planner runs them."""
    env_store = str(tmp_path / "cli.plankg")

    def plankg(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "api", *args, "--store", env_store],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    assert plankg("load", str(SEED)).returncode == 0
    out = tmp_path / "分工表.xlsx"
    r = plankg("export", "--format", "xlsx", "-o", str(out), "--plan", SEED_TITLE)
    assert r.returncode == 0, r.stderr
    rows = list(openpyxl.load_workbook(out)[TASK_SHEET].iter_rows(min_row=2, values_only=True))
    number = next(r[0] for r in rows if r[3])
    out.write_bytes(edit(out.read_bytes(), {number: {"牵头单位": "档案局"}}))
    r = plankg("load", str(out))
    assert r.returncode == 0, r.stderr
    assert "replaced" in r.stdout
    r = plankg("export", "--format", "csv", "-o", "-")
    assert r.returncode == 0
    line = next(x for x in r.stdout.splitlines() if x.startswith(f"{number},"))
    assert ",档案局," in line

    bad = plankg("export", "--format", "pdf")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "xlsx, csv, graphml, json" in bad.stderr
    missing = plankg("export", "--format", "xlsx", "--plan", "没有这个方案")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, seed_extract: PlanExtract) -> None:
    task = next(t for t in seed_extract.tasks if t.lead)
    odd = seed_extract.model_copy(deep=True)
    odd.task(task.id).title = "=HYPERLINK(\"http://x\",\"点击\")"
    s = EmbeddedStore(tmp_path / "odd.plankg")
    s.load(odd)
    data = export(s, "xlsx")
    cell = next(c for c in openpyxl.load_workbook(io.BytesIO(data))[TASK_SHEET]["B"] if c.value == odd.task(task.id).title)
    assert cell.data_type == "s"
    assert extract_xlsx(data, "odd.xlsx").task(task.id).title == odd.task(task.id).title
    assert "'=HYPERLINK" in export(s, "csv").decode("utf-8-sig")


def test_sorting_the_sheet_keeps_the_plan_order(store: EmbeddedStore, seed_extract: PlanExtract) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(export(store, "xlsx")))
    ws = wb[TASK_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    ws.delete_rows(2, len(rows))
    for r in sorted(rows, key=lambda r: str(r[3] or "")):  # what Excel's sort by 牵头单位 does
        ws.append(r)
    ws.append(["(新2)", "新增的任务", None, "农牧局", None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    ex = extract_xlsx(buf.getvalue(), "sorted.xlsx")
    assert [t.id for t in ex.tasks if t.id != "(新2)"] == [t.id for t in seed_extract.tasks]


def test_a_task_on_two_rows_is_refused(store: EmbeddedStore, seed_extract: PlanExtract) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(export(store, "xlsx")))
    ws = wb[TASK_SHEET]
    ws.append([c.value for c in ws[3]])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ParseError, match="two rows"):
        extract_xlsx(buf.getvalue(), "dup.xlsx")


def test_a_damaged_task_sheet_is_a_parse_error(store: EmbeddedStore) -> None:
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(export(store, "xlsx")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut mid-element: the XML no longer parses
            out.writestr(item, data)
    with pytest.raises(ParseError, match="not a readable"):
        extract_xlsx(buf.getvalue(), "damaged.xlsx")
