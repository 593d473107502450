"""HTML portal pages -> plan text: navigation and footers dropped, data tables as tab-separated
rows (rowspans repeated), layout tables kept as text."""

from __future__ import annotations

import re
from typing import Any

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
           "article", "dd", "dt", "ul", "ol", "pre", "blockquote", "center"}
_BOILER = re.compile(r"nav|menu|footer|breadcrumb|share|copyright|crumb|toolbar|sidebar", re.I)


def html_text(html: str) -> str:
    """Visible text of a portal page, one block per line, table rows as tab-separated cells."""
    from bs4 import BeautifulSoup, Tag
    from bs4.element import PreformattedString

    soup = BeautifulSoup(html, "html.parser")
    for t in soup(["script", "style", "noscript", "head", "nav", "footer", "iframe", "form", "button"]):
        t.decompose()
    for t in list(soup.find_all(True)):
        if not isinstance(t, Tag) or t.attrs is None:
            continue
        ident = " ".join([str(t.get("id") or ""), *(t.get("class") or [])])
        if ident.strip() and _BOILER.search(ident):
            t.decompose()
    for table in reversed(soup.find_all("table")):  # innermost first
        grid = _table_grid(table)
        if _is_data_table(grid):
            rows = ["\t".join(r) for r in grid if any(r)]
            table.replace_with(soup.new_string("\n" + "\n".join(rows) + "\n"))
        else:  # a layout table (the whole article in a cell): keep its content as blocks
            blocks = [td.get_text("\n") for td in table.find_all(["td", "th"])]
            table.replace_with(soup.new_string("\n" + "\n".join(blocks) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    parts: list[str] = []
    for el in soup.descendants:
        if isinstance(el, Tag):
            if el.name in _BLOCKS:
                parts.append("\n")
        elif not isinstance(el, PreformattedString):  # <!DOCTYPE html>, <!-- comments -->: not page text
            parts.append(str(el))
    text = "".join(parts).replace("\xa0", " ")
    lines = [ln.strip(" \t\u3000") if "\t" not in ln.strip() else ln.strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _table_grid(table: Any) -> list[list[str]]:
    """Rows of cell texts, a rowspan cell repeated in the rows it spans (重点任务 over its 措施)."""
    grid: list[list[str]] = []
    pending: dict[int, list[Any]] = {}  # column -> [rows left, text]
    for tr in table.find_all("tr"):
        cells = iter(tr.find_all(["td", "th"], recursive=False))
        row: list[str] = []
        col = 0
        while True:
            if col in pending:
                left, text = pending[col]
                row.append(text)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col][0] = left - 1
                col += 1
                continue
            td = next(cells, None)
            if td is None:
                break
            text = _cell_text(td)
            span_r, span_c = _span(td, "rowspan"), _span(td, "colspan")
            for k in range(span_c):
                row.append(text if k == 0 else "")
                if span_r > 1:
                    pending[col] = [span_r - 1, text if k == 0 else ""]
                col += 1
        for c in sorted(k for k in pending if k >= col):  # spans reaching past the row's last cell
            row.extend([""] * (c - len(row)) + [pending[c][1]])
            pending[c][0] -= 1
            if pending[c][0] <= 0:
                del pending[c]
        grid.append(row)
    return grid


def _span(td: Any, attr: str) -> int:
    try:
        return max(1, min(50, int(str(td.get(attr) or 1))))
    except ValueError:
        return 1


def _is_data_table(grid: list[list[str]]) -> bool:
    """A table of records (cells of a line or two), not a page layout holding the article."""
    rows = [r for r in grid if any(r)]
    if len(rows) < 2:
        return len(rows) == 1 and len(rows[0]) > 1 and max(len(c) for c in rows[0]) <= 200
    multi = sum(1 for r in rows if sum(1 for c in r if c) >= 2)
    return multi * 2 >= len(rows) and max(len(c) for r in rows for c in r) <= 400


def _cell_text(td: Any) -> str:
    parts = [s.strip() for s in td.get_text("\n").split("\n") if s.strip()]
    return _join_cell(parts)


def _join_cell(parts: list[str]) -> str:
    if len(parts) > 1 and all(len(p) <= 20 for p in parts):
        return "、".join(parts)
    return "".join(parts)


