"""任务分工表 inside a PDF: rebuild the rows from the positions of the text fragments.

A PDF text layer has no cells, only text drawn at positions. A task table is recognised by its
header row (序号 / 重点任务 / 牵头单位 / …, possibly wrapped inside narrow header cells); its column
edges are where the header texts start; each fragment below goes to the column whose edge is left
of it, and to the row of the 序号 number at its height (cells aligned to the top or to the bottom of
their row both work). The page is then written as text lines with the table as tab-separated rows,
which loaders.tables reads like any other table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from loaders.tables import _header_kinds

_ROW_NO = re.compile(r"^\d{1,3}$")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十]{1,3}\))")
_HINT = re.compile(r"牵头|责任单位|配合|协办|责任部门")


@dataclass
class Frag:
    x: float
    y: float
    text: str


def page_fragments(page: Any) -> list[Frag]:
    frags: list[Frag] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text and text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            frags.append(Frag(x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return frags


def _lines(frags: list[Frag], tol: float = 2.0) -> list[list[Frag]]:
    out: list[list[Frag]] = []
    for f in sorted(frags, key=lambda f: (-f.y, f.x)):
        if out and abs(out[-1][0].y - f.y) <= tol:
            out[-1].append(f)
        else:
            out.append([f])
    return [sorted(line, key=lambda f: f.x) for line in out]


def _text(line: list[Frag]) -> str:
    return "".join(f.text for f in line)


def page_text_with_tables(page: Any) -> str | None:
    """The page as text lines with its task table as tab-separated rows; None without a table."""
    frags = page_fragments(page)
    lines = _lines(frags)
    for h, line in enumerate(lines):
        if len(line) < 3 or not _HINT.search(_text(line)):
            continue
        got = _table(lines, h)
        if got is not None:
            rows, first, end = got
            before = [_text(ln) for ln in lines[:first]]
            after = [_text(ln) for ln in lines[end:]]
            return "\n".join([*before, *rows, *after])
    return None


def _table(lines: list[list[Frag]], h: int) -> tuple[list[str], int, int] | None:
    # header cells wrap (序/号, 完/成/时/限) above or below the line that holds 牵头…: lines a cell's
    # line-height apart belong to the header; a row starts after a wider gap (the cell padding)
    near = [lines[i][0].y - lines[i + 1][0].y for i in range(max(0, h - 4), min(len(lines) - 1, h + 4))]
    step = min((g for g in near if g > 1), default=0.0)
    first, k = h, h + 1
    while first > 0 and step and lines[first - 1][0].y - lines[first][0].y <= step * 1.25:
        first -= 1
    while k < len(lines) and step and lines[k - 1][0].y - lines[k][0].y <= step * 1.25 and not any(
            _ROW_NO.match(f.text) for f in lines[k]):
        k += 1
    header = [f for ln in lines[first:k] for f in ln]
    edges: list[float] = []
    for f in sorted(header, key=lambda f: f.x):
        if not edges or f.x - edges[-1] > 3:
            edges.append(f.x)
    names = ["".join(f.text for f in sorted(header, key=lambda f: -f.y) if _col(f.x, edges) == c)
             for c in range(len(edges))]
    kinds = _header_kinds(names)
    if kinds is None or kinds[0] != "number":
        return None
    body = [f for ln in lines[k:] for f in ln]
    numbers = [f for f in body if _col(f.x, edges) == 0 and _ROW_NO.match(f.text)]
    if not numbers:
        return None
    numbers.sort(key=lambda f: -f.y)
    top_aligned = not any(f.y > numbers[0].y + 2 for f in body)
    last_y = numbers[-1].y
    cells: list[list[list[Frag]]] = [[[] for _ in edges] for _ in numbers]
    end = len(lines)
    for li in range(k, len(lines)):
        ln = lines[li]
        y = ln[0].y
        below_last = y < last_y - 2
        if below_last and (not top_aligned or _HEADING.match(_text(ln)) or _col(ln[0].x, edges) == 0):
            end = li
            break
        row = _row_of(y, numbers, top_aligned)
        if row is None:
            continue
        for f in ln:
            cells[row][_col(f.x, edges)].append(f)
    rows = ["\t".join(names)]
    for r in cells:
        texts = ["".join(f.text for f in sorted(c, key=lambda f: (-f.y, f.x))) for c in r]
        rows.append("\t".join(texts))
    return rows, first, end


def _col(x: float, edges: list[float]) -> int:
    c = 0
    for i, e in enumerate(edges):
        if x >= e - 3:
            c = i
    return c


def _row_of(y: float, numbers: list[Frag], top_aligned: bool) -> int | None:
    if top_aligned:
        rows = [i for i, n in enumerate(numbers) if n.y >= y - 2]
        return rows[-1] if rows else None
    rows = [i for i, n in enumerate(numbers) if n.y <= y + 2]
    return rows[0] if rows else None
