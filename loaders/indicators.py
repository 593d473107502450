"""Indicator tables (主要发展指标表): a header 指标 | 单位 | 2023年(基期值) | 2024年 | 2025年 …, one row
per indicator. Each year column that is not the base value gives a plan-level target: text = the
indicator, value = the cell, unit = the 单位 cell (or, without one, the bracket closing the
indicator's name: 利用率(%)), deadline = the column's year (≥ / ≤ marks read)."""

from __future__ import annotations

import re
from typing import Final

from loaders.structure import Line
from loaders.tables import split_cells
from loaders.targets import Target

_YEAR_COL: Final = re.compile(r"^((?:19|20)\d{2})年?(?:目标值?)?$")
_BASE: Final = re.compile(r"基期|基数|现状|基准")
_VALUE: Final = re.compile(r"^(?P<cmp>[≥≤><]|不低于|不少于|不超过)?\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<pct>%)?$")
_UNIT_IN_NAME: Final = re.compile(r"\(([^()\d]{1,8})\)$")
_CMP: Final = {"≥": ">=", ">": ">=", "不低于": ">=", "不少于": ">=", "≤": "<=", "<": "<=", "不超过": "<="}


def indicator_targets(lines: list[Line]) -> list[Target]:
    out: list[Target] = []
    cols: dict[int, str] | None = None  # column index -> year, for the table being read
    name_col = unit_col = -1
    for ln in lines:
        if "指标" in ln.text:
            cells = split_cells(ln.text)
            years = {k: m.group(1) for k, c in enumerate(cells)
                     if (m := _YEAR_COL.match(re.sub(r"\s", "", c))) and not _BASE.search(c)}
            names = [k for k, c in enumerate(cells) if c.endswith("指标") or c in ("指标", "指标名称")]
            units = [k for k, c in enumerate(cells) if c in ("单位", "计量单位")]
            if len(cells) >= 4 and years and names:
                # no 单位 column: the unit is the bracket closing the indicator's name (…利用率(%))
                cols, name_col, unit_col = years, names[0], units[0] if units else -1
                continue
        if cols is None:
            continue
        cells = split_cells(ln.text)
        if len(cells) <= max(cols) or not cells[0].isdigit():
            if ln.text.strip():
                cols = None  # the table ended
            continue
        name = cells[name_col]
        if unit_col >= 0:
            unit = cells[unit_col]
        else:
            um = _UNIT_IN_NAME.search(name)
            unit = um.group(1) if um else ""
        for k, year in cols.items():
            m = _VALUE.match(cells[k].replace(" ", ""))
            if not m or not name or not (unit or m.group("pct")):
                continue
            at = ln.start + max(ln.text.find(cells[k]), 0)
            out.append(Target(at, at + len(cells[k]), name, value=float(m.group("v")), value_max=None,
                              unit=unit or ("%" if m.group("pct") else ""),
                              comparator=_CMP.get(m.group("cmp") or ""), deadline=year, cadence=None))
    return out
