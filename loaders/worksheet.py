"""The 任务分工表 workbook: its layout, and reading one back into a PlanExtract.

`plankg export --format xlsx` writes the layout defined here; `plankg load` reads it back, so a
planner can fix a responsibility in the spreadsheet and load the fix. The exporter (api/exports)
uses the cell formatters below, so writer and reader cannot drift apart.

Reading applies the sheet as a diff: a workbook written by plankg carries the full extract of each
plan in a hidden sheet; a visible cell that still shows what the exporter wrote for that extract
changes nothing, an edited cell replaces that field, a deleted row drops its task, and a new row
adds one. A hand-made table in this layout (no hidden sheet) is read from its visible cells alone.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from graph.errors import ParseError
from graph.model import (
    Coverage,
    DepartmentExtract,
    PlanExtract,
    PlanInfo,
    TargetExtract,
    TaskExtract,
    document_id,
    normalise_text,
    plan_id,
)

TASK_SHEET = "任务分工表"
DEPT_SHEET = "部门分工"
TARGET_SHEET = "目标任务"
META_SHEET = "plankg"
#: visible columns of the task sheet, in order; then the hidden identity columns
TASK_HEADERS = ("序号", "重点任务", "具体内容", "牵头单位", "配合单位", "目标", "完成时限", "来源")
HIDDEN_HEADERS = ("plan_id", "task_id")
#: a cell holds at most 32,767 characters; the hidden extract JSON is split into chunks below that
CHUNK = 30000
ABRIDGE = 120

_SPLIT = re.compile(r"[、,，;；/|\n]+|\s{2,}")
_SOURCE = re.compile(r"《(?P<title>[^》]+)》\s*(?P<doc>.*)")
_ANNOTATION = re.compile(r"[(（][^()（）]*(牵头|配合|责任)[^()（）]*[)）]\s*$")
#: a closing sentence that only assigns responsibility: 由农牧局牵头,教科体局配合。
_RESPONSIBLE = re.compile(r"(?<=[。;；])\s*由[^。;；]{1,80}(牵头|负责|配合)[^。;；]*[。;；]?\s*$")
_COLLECTIVE = re.compile(r"^(各|有关|相关|其他)")


# -- cell formatters shared with the exporter -------------------------------------------------
def names_cell(names: Iterable[str]) -> str:
    return "、".join(names)


def source_cell(plan: PlanInfo) -> str:
    return f"《{plan.title}》{plan.doc_number or ''}".strip()


def abridge(task: TaskExtract) -> str:
    """The task's text without its number, title and responsibility note (they have their own
    columns), cut to ABRIDGE characters.

    >>> t = TaskExtract(id="(2)", number="(二)", level=2, title="提升奶牛种业水平", span=(0, 0),
    ...                 text="(二)提升奶牛种业水平。实施奶牛良种繁育工程。由农牧局牵头,教科体局配合。")
    >>> abridge(t)
    '实施奶牛良种繁育工程。'
    """
    text = task.text.strip()
    if task.number and text.startswith(task.number):
        text = text[len(task.number):].lstrip()
    if task.title and text.startswith(task.title):
        text = text[len(task.title):].lstrip("。.;；,， ")
    text = _RESPONSIBLE.sub("", _ANNOTATION.sub("", text)).strip()
    return text if len(text) <= ABRIDGE else text[: ABRIDGE - 1] + "…"


def targets_cell(targets: Iterable[TargetExtract]) -> str:
    return "\n".join(t.text for t in targets)


def deadline_cell(task: TaskExtract, targets: Iterable[TargetExtract]) -> str:
    """The task's own deadline, else the deadlines of its targets."""
    if task.deadline:
        return task.deadline
    return "、".join(dict.fromkeys(t.deadline for t in targets if t.deadline))


def heading_path(task: TaskExtract) -> str:
    """The full heading path (三、(二)3.(6)) the 序号 column shows; the id where there is none."""
    return str(getattr(task, "path", "") or task.id)


def task_row(ex: PlanExtract, task: TaskExtract) -> dict[str, str]:
    """The visible cells of one task's row, keyed by TASK_HEADERS."""
    targets = [t for t in ex.targets if t.task == task.id]
    return {
        "序号": heading_path(task),
        "重点任务": task.title,
        "具体内容": abridge(task),
        "牵头单位": names_cell(task.lead),
        "配合单位": names_cell(task.support),
        "目标": targets_cell(targets),
        "完成时限": deadline_cell(task, targets),
        "来源": source_cell(ex.plan),
    }


def meta_chunks(ex: PlanExtract) -> list[str]:
    """The extract as JSON, in pieces that fit a cell (hidden sheet rows: plan id, index, piece)."""
    text = json.dumps(ex.to_json_dict(), ensure_ascii=False, separators=(",", ":"))
    return [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


# -- reading ----------------------------------------------------------------------------------
def extract_workbook(data: bytes, name: str | None = None) -> list[PlanExtract]:
    """Every plan in a 任务分工表 workbook, with the sheet's edits applied."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # zip, zlib, XML: any damage is the user's file, reported in one line
        raise ParseError(f"{name or 'workbook'}: not a readable .xlsx file ({type(e).__name__})") from e
    try:
        if TASK_SHEET not in wb.sheetnames:
            raise ParseError(
                f"{name or 'workbook'}: no sheet named {TASK_SHEET!r} (sheets: {', '.join(wb.sheetnames)})"
            )
        rows = list(_task_rows(wb[TASK_SHEET], name))
        bases = _meta_extracts(wb[META_SHEET], name) if META_SHEET in wb.sheetnames else {}
    except ParseError:
        raise
    except Exception as e:  # read-only sheets inflate lazily: damage may only show here
        raise ParseError(f"{name or 'workbook'}: not a readable .xlsx file ({type(e).__name__})") from e
    finally:
        wb.close()
    groups: dict[str, list[dict[str, str]]] = {}
    pid = None
    for row in rows:
        # a row added without 来源 belongs to the plan of the row above it
        if row.get("plan_id") or row.get("来源") or pid is None:
            pid = _row_plan(row, name)
        groups.setdefault(pid, []).append(row)
    if not groups:
        raise ParseError(f"{name or 'workbook'}: sheet {TASK_SHEET!r} has no task rows")
    out = []
    for pid, plan_rows in groups.items():
        base = bases.get(pid)
        out.append(_apply(base, plan_rows, name) if base else _from_cells(plan_rows, name))
    return out


def is_task_table(data: bytes) -> bool:
    """True for an xlsx workbook with a 任务分工表 sheet in this layout (headers in its first row);
    other workbooks are plan documents in a spreadsheet, for the text pipeline."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged workbook (zlib.error, XML errors...): the text path reports it
        return False
    try:
        if TASK_SHEET not in wb.sheetnames:
            return False
        first = next(wb[TASK_SHEET].iter_rows(max_row=1, values_only=True), ())
        return {"序号", "重点任务", "牵头单位"} <= {_cell(v) for v in first}
    except Exception:  # read-only sheets inflate lazily: damage may only show here
        return False
    finally:
        wb.close()


def extract_xlsx(data: bytes, name: str | None = None) -> PlanExtract:
    """The plan in a one-plan 任务分工表 workbook (what `plankg export --format xlsx --plan` writes)."""
    extracts = extract_workbook(data, name)
    if len(extracts) > 1:
        titles = "、".join(e.plan.title for e in extracts)
        raise ParseError(
            f"{name or 'workbook'} holds {len(extracts)} plans ({titles}); load one plan per workbook "
            "(export with --plan)"
        )
    return extracts[0]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _task_rows(ws: Any, name: str | None) -> Iterator[dict[str, str]]:
    it = ws.iter_rows(values_only=True)
    header = [_cell(v) for v in next(it, ())]
    missing = [h for h in ("序号", "重点任务", "牵头单位", "配合单位") if h not in header]
    if missing:
        raise ParseError(f"{name or 'workbook'}: sheet {TASK_SHEET!r} lacks the columns {', '.join(missing)}")
    index = {h: i for i, h in enumerate(header) if h}
    for values in it:
        row = {h: _cell(values[i]) if i < len(values) else "" for h, i in index.items()}
        if row.get("序号") or row.get("重点任务"):
            yield row


def _meta_extracts(ws: Any, name: str | None) -> dict[str, PlanExtract]:
    pieces: dict[str, dict[int, str]] = {}
    for values in ws.iter_rows(min_row=2, values_only=True):
        if len(values) >= 3 and values[0]:
            pieces.setdefault(str(values[0]), {})[int(values[1])] = str(values[2] or "")
    out = {}
    for pid, chunks in pieces.items():
        try:
            out[pid] = PlanExtract.model_validate(json.loads("".join(chunks[i] for i in sorted(chunks))))
        except ValueError as e:
            raise ParseError(f"{name or 'workbook'}: hidden sheet {META_SHEET!r} is damaged ({e})") from e
    return out


def _row_plan(row: dict[str, str], name: str | None) -> str:
    if row.get("plan_id"):
        return row["plan_id"]
    return plan_id(_source_title(row.get("来源", ""), name))


def _source_title(source: str, name: str | None) -> str:
    m = _SOURCE.match(source)
    if m:
        return m["title"].strip()
    if source:
        return source
    if name:
        return re.sub(r"\.xlsx$", "", name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    return "任务分工表"


def split_names(cell: str) -> list[str]:
    """A 牵头单位 / 配合单位 cell -> department names, in order, without repeats.

    >>> split_names("农牧局、工信局，教科体局; 农牧局")
    ['农牧局', '工信局', '教科体局']
    """
    return list(dict.fromkeys(n.strip(" 　。.") for n in _SPLIT.split(cell) if n.strip(" 　。.")))


def _apply(base: PlanExtract, rows: list[dict[str, str]], name: str | None) -> PlanExtract:
    """The base extract with every edited cell of its rows applied."""
    by_id = {t.id: t for t in base.tasks}
    by_number = {heading_path(t): t for t in base.tasks}
    canon = _canonical(base)
    depts = {d.name: d.model_copy(deep=True) for d in base.departments}
    position = {t.id: i for i, t in enumerate(base.tasks)}
    keyed: list[tuple[tuple[int, int], TaskExtract]] = []
    above = -1
    for n, row in enumerate(rows):
        number = row.get("序号", "")
        old = by_id.get(row.get("task_id", "")) or by_number.get(number) or by_id.get(number)
        if old is None:  # a row the planner added: it goes after the task above it
            task = _new_task(row, n, canon, depts)
            if any(t.id == task.id for _, t in keyed):
                raise ParseError(f"{name or 'workbook'}: 序号 {number!r} is used by two rows; number them apart")
            keyed.append(((above, n), task))
            continue
        if any(t.id == old.id for _, t in keyed):
            raise ParseError(f"{name or 'workbook'}: the task {heading_path(old)} has two rows; keep one")
        above = position[old.id]
        was = task_row(base, old)
        task = old.model_copy(deep=True)
        if row.get("重点任务", was["重点任务"]) != was["重点任务"]:
            task.title = row["重点任务"]
        for col, field in (("牵头单位", "lead"), ("配合单位", "support")):
            if row.get(col, was[col]) != was[col]:
                setattr(task, field, _resolve(split_names(row[col]), canon, depts))
        if row.get("完成时限", was["完成时限"]) != was["完成时限"]:
            task.deadline = row["完成时限"] or None
        keyed.append(((above, -1), task))
    # the plan's order, not the sheet's: sorting rows in Excel must not reorder the plan
    tasks = [t for _, t in sorted(keyed, key=lambda kt: kt[0])]
    kept = {t.id for t in tasks}
    for t in tasks:
        if t.parent and t.parent not in kept:
            t.parent = None
    used = {n for t in tasks for n in (*t.lead, *t.support)}
    plan = base.plan.model_copy(update={"source": name or base.plan.source})
    return PlanExtract(
        plan=plan,
        tasks=tasks,
        departments=[d for n, d in depts.items() if n in used],
        targets=[g for g in base.targets if g.task is None or g.task in kept],
        phases=base.phases,
        coordinating_bodies=base.coordinating_bodies,
        alias_candidates=base.alias_candidates,
        coverage=_coverage(tasks, base.coverage.tasks_without_responsibility),
    )


def _canonical(ex: PlanExtract) -> dict[str, str]:
    """Every written form of a department -> its canonical name."""
    out: dict[str, str] = {}
    for d in ex.departments:
        for alias in (*d.aliases, d.name):
            out.setdefault(alias, d.name)
    return out


def _resolve(names: list[str], canon: dict[str, str], depts: dict[str, DepartmentExtract]) -> list[str]:
    out = []
    for n in names:
        c = canon.get(n, n)
        if c not in depts:
            depts[c] = DepartmentExtract(name=c, aliases=[n], collective=bool(_COLLECTIVE.match(c)),
                                         scope="all" if c.startswith("各") else None)
        elif n not in depts[c].aliases:
            depts[c].aliases.append(n)
        out.append(c)
    return list(dict.fromkeys(out))


def _new_task(row: dict[str, str], order: int, canon: dict[str, str],
              depts: dict[str, DepartmentExtract], span: tuple[int, int] = (0, 0)) -> TaskExtract:
    number = row.get("序号") or f"新增{order + 1}"
    title = row.get("重点任务") or number
    text = title + ("。" + row["具体内容"] if row.get("具体内容") else "")
    return TaskExtract(
        id=number, number=number, path=number, level=1, title=title, text=text,
        lead=_resolve(split_names(row.get("牵头单位", "")), canon, depts),
        support=_resolve(split_names(row.get("配合单位", "")), canon, depts),
        deadline=row.get("完成时限") or None, span=span,
    )


def _coverage(tasks: list[TaskExtract], without: list[str]) -> Coverage:
    return Coverage(annotations=sum(1 for t in tasks if t.lead or t.support), tasks=len(tasks),
                    tasks_without_responsibility=without)


def _from_cells(rows: list[dict[str, str]], name: str | None) -> PlanExtract:
    """A hand-made table: the plan, its tasks and departments from the visible cells alone.

    The document is the table written out as lines (one per task), so spans point into it.
    """
    source = rows[0].get("来源", "")
    title = _source_title(source, name)
    m = _SOURCE.match(source)
    doc_number = (m["doc"].strip() or None) if m else None
    lines = [normalise_text(title)]
    spans = []
    for row in rows:
        start = sum(len(x) + 1 for x in lines)
        line = " ".join(x for x in (row.get("序号"), row.get("重点任务"), row.get("具体内容")) if x)
        resp = [f"{h}:{row[h]}" for h in ("牵头单位", "配合单位") if row.get(h)]
        if resp:
            line += "(" + ";".join(resp) + ")"
        line = normalise_text(line).replace("\n", " ")  # spans index the normalised text
        lines.append(line)
        spans.append((start, start + len(line)))
    text = "\n".join(lines)
    depts: dict[str, DepartmentExtract] = {}
    tasks: list[TaskExtract] = []
    seen: set[str] = set()
    for row, span in zip(rows, spans, strict=True):
        task = _new_task(row, len(tasks), {}, depts, span)
        if task.id in seen:
            raise ParseError(f"{name or 'workbook'}: 序号 {task.id!r} appears twice in {title}")
        seen.add(task.id)
        tasks.append(task)
    plan = PlanInfo(id=plan_id(title), title=title, doc_number=doc_number, doc_id=document_id(text),
                    source=name)
    return PlanExtract(plan=plan, tasks=tasks, departments=list(depts.values()), targets=[], phases=[],
                       coverage=_coverage(tasks, []), text=text)
