""".docx and .xlsx -> plan text: paragraphs and tables in document order, Word's automatic list
numbers written back, workbook rows as tab-separated cells."""

from __future__ import annotations

import io
import re
from typing import Any

from loaders.html import _join_cell


def docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = docx.Document(io.BytesIO(data))
    out: list[str] = []
    body = doc.element.body
    numbering = _Numbering(doc)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(numbering.prefix(child) + Paragraph(child, doc).text)
        elif tag == "tbl":
            table = Table(child, doc)
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(_join_cell([p.text.strip() for p in cell.paragraphs if p.text.strip()]))
                if any(cells):
                    out.append("\t".join(cells))
    return "\n".join(out)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TYPED_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[①-⑳])")


class _Numbering:
    """Word's automatic list numbers, which are not in the paragraph text: rendered from the list
    definitions (numbering.xml: format and text per level) so 一、 (一) 1. (1) come back."""

    def __init__(self, doc: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles: dict[str, Any] = {}
        try:
            numbering = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in numbering.findall(f"{_W}abstractNum"):
            lv: dict[int, tuple[str, str, int]] = {}
            for lvl in an.findall(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                txt = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lv[int(lvl.get(f"{_W}ilvl") or 0)] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    txt.get(f"{_W}val") if txt is not None else "%1.",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[an.get(f"{_W}abstractNumId") or ""] = lv
        for num in numbering.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId") or ""] = abstract.get(ref.get(f"{_W}val") or "", {})
        for st in doc.styles:
            el = getattr(st, "element", None)
            if el is not None and el.find(f"{_W}pPr/{_W}numPr") is not None:
                self.styles[st.style_id] = el.find(f"{_W}pPr/{_W}numPr")

    def prefix(self, p: Any) -> str:
        if not self.levels:
            return ""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            num_pr = self.styles.get(style.get(f"{_W}val")) if style is not None else None
        if num_pr is None:
            return ""
        num_id_el, ilvl_el = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
        num_id = num_id_el.get(f"{_W}val") if num_id_el is not None else None
        levels = self.levels.get(num_id or "")
        if not levels:
            return ""
        text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
        if _TYPED_NUMBER.match(text):
            return ""
        level = int(ilvl_el.get(f"{_W}val") or 0) if ilvl_el is not None else 0
        fmt, pattern, start = levels.get(level, ("decimal", "%1.", 1))
        if fmt in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(num_id or "", {})
        counts[level] = counts.get(level, start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]  # a new item restarts the levels below it

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f = levels.get(k, ("decimal", "", 1))[0]
            return _format_number(counts.get(k, levels.get(k, ("", "", 1))[2]), f)

        return re.sub(r"%(\d)", render, pattern).replace("（", "(").replace("）", ")")


_CN_NUM = "一二三四五六七八九十"


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "taiwanese", "japanese")):
        if n <= 10:
            return _CN_NUM[n - 1]
        if n < 20:
            return "十" + _CN_NUM[n - 11]
        if n < 100:
            return _CN_NUM[n // 10 - 1] + "十" + (_CN_NUM[n % 10 - 1] if n % 10 else "")
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[n - 1]
    return str(n)


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    # not read_only: a read-only sheet does not know its merged cells
    wb = load_workbook(io.BytesIO(data), data_only=True)
    out: list[str] = []
    for ws in wb.worksheets:
        # a cell merged down a column (a 牵头单位 or 完成时限 over two rows, a 责任领导 over three)
        # holds its value in its first row only, but applies to every row it spans; merges across
        # columns (a title row, a 注 line) stay as they are
        filled: dict[tuple[int, int], Any] = {}
        for rng in ws.merged_cells.ranges:
            if rng.min_col == rng.max_col and rng.max_row > rng.min_row:
                value = ws.cell(rng.min_row, rng.min_col).value
                for r in range(rng.min_row + 1, rng.max_row + 1):
                    filled[(r, rng.min_col)] = value
        for r_no, raw_row in enumerate(ws.iter_rows(values_only=True), start=ws.min_row):
            row = tuple(filled.get((r_no, c_no), v) for c_no, v in enumerate(raw_row, start=ws.min_column)) \
                if filled else raw_row
            cells = ["" if v is None else re.sub(r"\s*\n\s*", "、", str(v).strip()) for v in row]
            if any(cells):
                out.append("\t".join(cells).rstrip("\t"))
    return "\n".join(out)


