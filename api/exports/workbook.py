"""The 任务分工表 as an xlsx workbook (openpyxl) and as CSV.

Sheets: 任务分工表 (one row per task), 部门分工 (per department its tasks as lead and as support),
目标任务 (the targets), and a hidden sheet holding each plan's extract so that `plankg load` can
read the workbook back and apply what a planner changed (loaders/worksheet.py).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from graph.model import PlanExtract
from loaders.worksheet import (
    DEPT_SHEET,
    HIDDEN_HEADERS,
    META_SHEET,
    TARGET_SHEET,
    TASK_HEADERS,
    TASK_SHEET,
    heading_path,
    meta_chunks,
    names_cell,
    source_cell,
    task_row,
)

DEPT_HEADERS = ("部门", "地区", "别名", "牵头任务数", "牵头任务", "配合任务数", "配合任务")
TARGET_HEADERS = ("序号", "重点任务", "目标", "数值", "单位", "完成时限", "周期", "牵头单位", "来源")
#: widest a column grows before its text wraps, in Latin character widths
MAX_WIDTH = {"具体内容": 60, "目标": 40, "牵头任务": 50, "配合任务": 50, "重点任务": 34}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def text_width(value: Any) -> int:
    """Display width: CJK characters take two columns."""
    longest = max((line for line in str(value or "").split("\n")), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def task_rows(extracts: Sequence[PlanExtract]) -> list[dict[str, str]]:
    return [task_row(ex, t) for ex in extracts for t in ex.tasks]


def department_rows(extracts: Sequence[PlanExtract]) -> list[dict[str, Any]]:
    """Per department (of a place: same-named bodies of two places stay apart) its tasks."""
    roles: dict[tuple[str, str], dict[str, list[str]]] = {}
    aliases: dict[tuple[str, str], set[str]] = {}
    many = len(extracts) > 1
    for ex in extracts:
        place = ex.plan.place or ""
        for d in ex.departments:
            aliases.setdefault((place, d.name), set()).update(a for a in d.aliases if a != d.name)
        for t in ex.tasks:
            label = f"{heading_path(t)} {t.title}" + (f"（{ex.plan.title}）" if many else "")
            for role, names in (("lead", t.lead), ("support", t.support)):
                for n in names:
                    roles.setdefault((place, n), {"lead": [], "support": []})[role].append(label)
    rows = []
    for key in sorted(roles, key=lambda k: (-len(roles[k]["lead"]), -len(roles[k]["support"]), k[1], k[0])):
        r = roles[key]
        rows.append({"部门": key[1], "地区": key[0], "别名": names_cell(sorted(aliases.get(key, ()))),
                     "牵头任务数": len(r["lead"]), "牵头任务": "\n".join(r["lead"]),
                     "配合任务数": len(r["support"]), "配合任务": "\n".join(r["support"])})
    return rows


def _value(low: float | None, high: float | None) -> float | str | None:
    if high is None or low is None:
        return low if high is None else high
    return f"{low:g}–{high:g}"


def target_rows(extracts: Sequence[PlanExtract]) -> list[dict[str, Any]]:
    rows = []
    for ex in extracts:
        tasks = {t.id: t for t in ex.tasks}
        for g in ex.targets:
            task = tasks.get(g.task or "")
            rows.append({"序号": heading_path(task) if task else "", "重点任务": task.title if task else "",
                         "目标": g.text,
                         "数值": _value(g.value, g.value_max), "单位": g.unit or "", "完成时限": g.deadline or "",
                         "周期": g.cadence or "", "牵头单位": names_cell(task.lead) if task else "",
                         "来源": source_cell(ex.plan)})
    return rows


def _sheet(ws: Worksheet, headers: Sequence[str], rows: list[dict[str, Any]], freeze: str) -> None:
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    proto = None
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            # openpyxl writes a string starting with "=" as a formula: plan text is never one
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            # one wrap style, shared: setting `alignment` per cell costs a style lookup each time
            if proto is None:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                proto = cell._style
            else:
                cell._style = copy(proto)
    for col, header in enumerate(headers, start=1):
        widest = max([text_width(header), *(text_width(r.get(header)) for r in rows)])
        ws.column_dimensions[get_column_letter(col)].width = min(widest + 2, MAX_WIDTH.get(header, 30))
    ws.freeze_panes = freeze
    ws.auto_filter.ref = ws.dimensions


def workbook_bytes(extracts: Sequence[PlanExtract]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TASK_SHEET
    rows = task_rows(extracts)
    ids = [{"plan_id": ex.plan.id, "task_id": t.id} for ex in extracts for t in ex.tasks]
    _sheet(ws, TASK_HEADERS, rows, freeze="C2")
    for i, row_ids in enumerate(ids, start=2):
        for j, h in enumerate(HIDDEN_HEADERS, start=len(TASK_HEADERS) + 1):
            ws.cell(row=i, column=j, value=row_ids[h])
    for j, h in enumerate(HIDDEN_HEADERS, start=len(TASK_HEADERS) + 1):
        ws.cell(row=1, column=j, value=h)
        ws.column_dimensions[get_column_letter(j)].hidden = True
    ws.auto_filter.ref = f"A1:{get_column_letter(len(TASK_HEADERS))}{len(rows) + 1}"
    _sheet(wb.create_sheet(DEPT_SHEET), DEPT_HEADERS, department_rows(extracts), freeze="B2")
    _sheet(wb.create_sheet(TARGET_SHEET), TARGET_HEADERS, target_rows(extracts), freeze="C2")
    meta = wb.create_sheet(META_SHEET)
    meta.append(["plan_id", "chunk", "extract_json"])
    for ex in extracts:
        for i, chunk in enumerate(meta_chunks(ex)):
            meta.append([ex.plan.id, i, chunk])
    meta.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_safe(value: str) -> str:
    """Spreadsheets run a CSV cell starting with = + - @ as a formula; a leading apostrophe
    keeps it text (OWASP's advice against CSV injection). Plan text almost never starts so."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_bytes(extracts: Sequence[PlanExtract]) -> bytes:
    """The task sheet as CSV, UTF-8 with a BOM so that Excel opens it in the right encoding."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(TASK_HEADERS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _csv_safe(v) for k, v in row.items()} for row in task_rows(extracts))
    return buf.getvalue().encode("utf-8-sig")
