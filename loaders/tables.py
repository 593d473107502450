"""任务分工表 written as text: every table the document readers produce ends up here.

HTML and docx tables arrive as tab-separated rows (loaders.io); text documents hold them as tab- or
`|`-separated rows, as space-separated rows whose unit names lost their separators (PDF copies:
市行政审批局市司法局), or one cell per line. A header row names the columns (序号 / 重点任务 / 具体
措施 / 牵头单位 / 责任单位 / 配合单位 / 责任领导 / 完成时限); each following numbered row is a task.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Final

from loaders.departments import Registry, looks_like_department, split_names
from loaders.roles import _LEAD_MARK, TRIGGER_RE, Roles, parse_keyed, parse_sentence, person_names
from loaders.structure import Line

_COL_KINDS: Final = (
    ("number", re.compile(r"^(?:序号|编号|序|No\.?|任务编号|任务序号)$", re.I)),
    ("person", re.compile(r"(?:责任|牵头|分管|包联|联系)[省市县区旗]?领导|责任人")),
    ("lead", re.compile(r"牵头|主责|主办")),
    ("support", re.compile(r"配合|协办|参与|协助|协同|支持单位")),
    ("resp", re.compile(r"责任单位|责任部门|负责单位|负责部门|实施单位|承办单位|责任主体|落实单位")),
    ("deadline", re.compile(r"时限|完成时间|时间节点|进度|时间安排|完成期限")),
    # 工作类别 / 任务类别: a column of categories (merged down their rows), neither title nor task
    ("other", re.compile(r"类别$|类型$|^分类$")),
    ("title", re.compile(r"任务|事项|项目|名称|工作内容|工作$")),
    ("measures", re.compile(r"措施|内容|目标|要求|举措")),
    ("other", re.compile(r"备注|说明|职务|职位")),  # 职务 beside 责任人: titles, not persons
)
_ROLE_KINDS: Final = ("lead", "resp", "support", "person")
_EMPTY: Final = {"", "—", "-", "–", "/", "无", "——", "\\", "--"}
#: a row's number: 1, 十二, or a task code A-01 (its letter a category, no group)
_ROW_NO: Final = re.compile(r"^(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[A-Z]{1,2}-?\d{1,3})$")
_DEADLINE_CELL: Final = re.compile(r"\d{4}年|\d{1,2}月|年底|年内|长期|持续|每年|每季度|每月|常态|前$")
_TABLE_TITLE: Final = re.compile(r"附件|分工表|任务表|清单|一览表|台账")
_HEADING: Final = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十]{1,3}\))")
#: a group row: one cell (a colspan over the table, or the rest empty) numbered (一) or 一、
_GROUP_ROW: Final = re.compile(r"^\s*(\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、)\s*(\S.{0,40})$")


@dataclass
class TableRow:
    table_start: int
    start: int
    end: int
    path: str
    number: str
    title: str
    roles: Roles
    role_spans: list[tuple[int, int]] = field(default_factory=list)
    detached: bool = False
    #: the group row above this one ((一)设备更新行动 spanning the table): (start, end, number, title)
    group: tuple[int, int, str, str] | None = None


def column_kind(cell: str) -> str | None:
    c = cell.strip()
    if not c or len(c) > 12:
        return None
    for kind, rx in _COL_KINDS:
        if rx.search(c):
            return kind
    return None


def split_cells(line: str) -> list[str]:
    s = line.strip()
    if "\t" in s:
        return [c.strip() for c in s.split("\t")]
    if s.count("|") >= 2:
        return [c.strip() for c in s.strip("|").split("|")]
    if re.search(r" {2,}|\u3000", s):
        return [c.strip() for c in re.split(r" {2,}|\u3000+", s)]
    return [c for c in s.split(" ") if c]


def _header_kinds(cells: list[str]) -> list[str] | None:
    kinds = [column_kind(c) for c in cells]
    if len(cells) < 3 or any(k is None for k in kinds):
        return None
    ks = [k for k in kinds if k]
    if not any(k in ("lead", "resp", "support") for k in ks) or not any(k in ("number", "title") for k in ks):
        return None
    titles = 0
    out = []
    for k in ks:
        if k == "title":
            titles += 1
            out.append("title" if titles == 1 else "measures")
        else:
            out.append(k)
    return out


_HEADER_HINT: Final = re.compile(r"牵头|责任单位|责任部门|配合|协办|主责|负责单位|实施单位|承办单位")


_CELL_HEADER_LINE: Final = re.compile(r"^[^\S\n]*(?:序号|编号|序)[^\S\n]*$", re.M)


def find_text_tables(text: str, lines: list[Line], reg: Registry) -> list[TableRow]:
    rows: list[TableRow] = []
    if not _HEADER_HINT.search(text):
        return rows
    # a table starts only on a line with a cell separator and a role column's name, or on a line
    # that is 序号 alone: those lines are found by substring search (most documents have neither a
    # tab, a | nor a space) and the loop below jumps from one to the next
    starts: list[int] = []
    cand_set: set[int] = set()
    for sep in ("\t", "|", " ", "\u3000"):
        k = text.find(sep)
        while k >= 0:
            starts = starts or [ln.start for ln in lines]
            i = bisect_right(starts, k) - 1
            if _HEADER_HINT.search(lines[i].text):
                cand_set.add(i)
            k = text.find(sep, lines[i].end)  # on to the next line
    if "序" in text or "编号" in text:
        starts = starts or [ln.start for ln in lines]
        cand_set.update(bisect_right(starts, m.start()) - 1 for m in _CELL_HEADER_LINE.finditer(text))
    cand = sorted(cand_set)
    c = 0
    i = 0
    n = len(lines)
    table_no = 0
    while i < n:
        while c < len(cand) and cand[c] < i:
            c += 1
        if c == len(cand):
            break
        i = cand[c]
        line = lines[i]
        t = line.text
        if not t.strip() or len(t) > 200:
            i += 1
            continue
        st = t.strip()
        if st in ("序号", "编号", "序"):
            kinds = _cell_header(lines, i)
            if kinds:
                table_no += 1
                got, i = _per_line(lines, i, kinds, reg, table_no)
                rows.extend(got)
                continue
        # a header row has cells: tabs, pipes or spaces between them, and names a role column
        if not ("\t" in st or "|" in st or " " in st or "\u3000" in st) or not _HEADER_HINT.search(st):
            i += 1
            continue
        kinds = _header_kinds(split_cells(t))
        below = 0
        if not kinds and i + 1 < n and "\t" in t:
            kinds = _two_row_header(t, lines[i + 1].text)
            below = 1 if kinds else 0
        if kinds:
            table_no += 1
            got, i = _delimited(lines, i + below, kinds, reg, table_no)
            rows.extend(got)
            continue
        i += 1
    return rows


def _two_row_header(upper: str, lower: str) -> list[str] | None:
    """A header over two rows of cells (责任部门 spanning (牵头) / (参与) below it, the other
    columns' names above): the lower row's column names where it has them, else the upper's."""
    if "\t" not in lower:
        return None
    up = [c.strip() for c in upper.split("\t")]
    low = [c.strip() for c in lower.split("\t")]
    if not any(low) or any(c and not column_kind(c) for c in low):
        return None
    merged = [lo if lo else (up[k] if k < len(up) else "") for k, lo in enumerate(low)]
    merged += up[len(low):]
    while merged and not merged[-1]:
        merged.pop()
    return _header_kinds(merged)


def _cell_header(lines: list[Line], i: int) -> list[str] | None:
    cells: list[str] = []
    j = i
    while j < len(lines) and column_kind(lines[j].text) and len(cells) < 10:
        cells.append(lines[j].text.strip())
        j += 1
    if len(cells) < 3 or column_kind(cells[0]) != "number":
        return None
    return _header_kinds(cells)


def _detached(lines: list[Line], i: int) -> bool:
    for k in range(i - 1, max(-1, i - 4), -1):
        t = lines[k].text.strip()
        if _HEADING.match(t):
            return False
        if _TABLE_TITLE.search(t) and len(t) < 60:
            return True
    return False


def _delimited(lines: list[Line], i: int, kinds: list[str], reg: Registry, table_no: int) -> tuple[list[TableRow], int]:
    header = lines[i]
    detached = _detached(lines, i)
    rows: list[TableRow] = []
    group: tuple[int, int, str, str] | None = None
    j = i + 1
    while j < len(lines):
        ln = lines[j]
        s = ln.text.strip()
        if re.fullmatch(r"[|:\-\s]+", s) and s:
            j += 1
            continue
        cells = split_cells(ln.text)
        if cells and not any(cells[1:]) and (g := _GROUP_ROW.match(cells[0])) and j + 1 < len(lines) \
                and _ROW_NO.match((split_cells(lines[j + 1].text) or ["-"])[0]):
            # (一)设备更新行动 across the table: a task group over the numbered rows below it
            group = (ln.start, ln.end, g.group(1), g.group(2).strip().rstrip("。;"))
            j += 1
            continue
        if not s or not cells or not _ROW_NO.match(cells[0]):
            break
        spans = _cell_spans(ln, cells)
        row = _row(cells, spans, kinds, reg, start=ln.start, end=ln.end, table_start=header.start,
                   table_no=table_no)
        row.detached = detached
        row.group = group
        rows.append(row)
        j += 1
    return rows, max(j, i + 1)


def _per_line(lines: list[Line], i: int, kinds: list[str], reg: Registry, table_no: int) -> tuple[list[TableRow], int]:
    header = lines[i]
    detached = _detached(lines, i)
    j = i + len(kinds)
    rows: list[TableRow] = []
    expected = 1
    width = len(kinds)
    while j < len(lines) and lines[j].text.strip() == str(expected):
        k = j + 1
        cells = [lines[j].text.strip()]
        spans = [(lines[j].start, lines[j].end)]
        while k < len(lines) and len(cells) < width:
            t = lines[k].text.strip()
            if t == str(expected + 1) or _HEADING.match(t):
                break
            cells.append(t)
            spans.append((lines[k].start, lines[k].end))
            k += 1
        rows.append(_row(cells, spans, kinds, reg, start=lines[j].start, end=lines[k - 1].end,
                         table_start=header.start, table_no=table_no))
        rows[-1].detached = detached
        expected += 1
        j = k
    return rows, max(j, i + 1)


def _cell_spans(ln: Line, cells: list[str]) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for c in cells:
        k = ln.text.find(c, pos) if c else pos
        k = pos if k < 0 else k
        spans.append((ln.start + k, ln.start + k + len(c)))
        pos = k + len(c)
    return spans


def _is_party_cell(cell: str, reg: Registry) -> bool:
    if cell in _EMPTY:
        return True
    if cell.endswith(("。", ";")):
        return False
    parts = [p for name in split_names(cell) for p in split_glued(name, reg)]
    return bool(parts) and all(looks_like_department(p, reg) for p in parts)


def _align(cells: list[str], kinds: list[str], reg: Registry) -> list[str | None]:
    """Cell kinds for a row whose cell count differs from the header's (glued, or a cell missing):
    the number first, the deadline last if it looks like one, party cells from the right."""
    out: list[str | None] = [None] * len(cells)
    out[0] = "number"
    end = len(cells)
    if "deadline" in kinds and end > 1 and _DEADLINE_CELL.search(cells[-1]):
        out[-1] = "deadline"
        end -= 1
    role_cols = [k for k in kinds if k in _ROLE_KINDS]
    k = end - 1
    while k > 1 and role_cols and _is_party_cell(cells[k], reg):
        k -= 1
    first_party = k + 1
    for idx, col in zip(range(first_party, end), role_cols[: end - first_party], strict=False):
        out[idx] = col
    for idx in range(1, first_party):
        out[idx] = "title" if idx == 1 else "measures"
    return out


def _row(cells: list[str], spans: list[tuple[int, int]], kinds: list[str], reg: Registry, *,
         start: int, end: int, table_start: int, table_no: int) -> TableRow:
    col: list[str | None] = list(kinds) if len(cells) == len(kinds) else _align(cells, kinds, reg)
    roles = Roles()
    title = ""
    role_spans = []
    for cell, kind, span in zip(cells, col, spans, strict=False):
        if kind in ("lead", "resp", "support") and _LEAD_MARK.search(cell):
            marked = parse_keyed("责任单位:" + cell, reg)  # 市发改委(牵头)、市财政局 in one cell
            roles.merge(marked)
            role_spans.append(span)
        elif kind in ("lead", "resp", "support") and TRIGGER_RE.search(cell) and not (
                sub := parse_sentence(cell, reg)).empty():
            # 市住建局牵头,市市场监管局、市应急管理局配合 written in one 责任单位 cell
            roles.merge(Roles(support=[*sub.lead, *sub.resp, *sub.support]) if kind == "support" else sub)
            role_spans.append(span)
        elif kind in ("lead", "resp", "support"):
            names = [p for name in split_names(cell) for p in split_glued(name, reg)]
            target = getattr(roles, kind)
            target.extend(x for x in names if looks_like_department(x, reg) and x not in target)
            role_spans.append(span)
        elif kind == "person":
            roles.persons.extend(p for p in person_names(cell) if p not in _EMPTY)  # 副区长 沈国强 -> 沈国强
            role_spans.append(span)
        elif kind == "deadline":
            roles.deadline = cell if cell not in _EMPTY else None
            role_spans.append(span)
        elif kind == "title" and not title:
            title = cell
    if not title:
        title = next((c for c, k in zip(cells, col, strict=False) if k in ("measures", None) and c), "")
    number = cells[0]
    path = number if table_no == 1 else f"表{table_no}-{number}"
    return TableRow(table_start, start, end, path, number, title.rstrip("。;"), roles, role_spans)


_GLUE_END: Final = re.compile(r"(?:局|委|办|中心|公司|海关|政府|支队|大队|管委会|委员会|办公室|办事处|院|馆|站|所|社|联|部|队)$")


def split_glued(name: str, reg: Registry) -> list[str]:
    """市行政审批局市司法局 -> [市行政审批局, 市司法局]: split after a body's ending where the
    rest begins like another body (a level prefix, 各/有关, or a registry name)."""
    if len(name) < 6 or (looks_like_department(name, reg) and not _has_glue(name, reg)):
        return [name]
    out = []
    cur = 0
    for k in range(3, len(name) - 2):
        if k - cur < 3 or not _GLUE_END.search(name[cur:k]):
            continue
        if name[cur:k].endswith(("银行", "总局")):
            continue  # 人民银行宜春市分行, 国家税务总局嘉兴市秀洲区税务局: a national body's local office
        if _starts_body(name[k:], reg) and not _branch_of(name[k:], reg):
            out.append(name[cur:k])
            cur = k
    out.append(name[cur:])
    return out


def _has_glue(name: str, reg: Registry) -> bool:
    return any(_GLUE_END.search(name[:k]) and _starts_body(name[k:], reg) and not _branch_of(name[k:], reg)
               for k in range(3, len(name) - 2))


_BRANCH: Final = frozenset(("分局", "分行", "支行", "分公司", "支公司", "分中心", "分院", "分所", "分队", "支局", "分会"))


def _branch_of(rest: str, reg: Registry) -> bool:
    """长兴分局 after 湖州市生态环境局: a place and a branch word name a branch of the body before
    it (湖州市生态环境局长兴分局 is one party), never a body of its own."""
    return any(rest.startswith(p) and rest[len(p):] in _BRANCH for p in reg.places)


_BODY_START: Final = re.compile(r"^(?:[省市县区旗州盟](?!场|民|级|直属|委员)|各|有关|相关|团[市县区旗]委|人民银行|国网|国家电网|中国)")


def _starts_body(rest: str, reg: Registry) -> bool:
    if _BODY_START.match(rest) or any(rest.startswith(p) for p in reg.places):
        return True
    return any(rest.startswith(a) for a in _registry_heads(reg))


def _registry_heads(reg: Registry) -> list[str]:
    return reg.heads()
