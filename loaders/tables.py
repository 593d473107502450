"""任务分工表 written as text (placeholder until the table reader lands)."""

from __future__ import annotations

from dataclasses import dataclass

from loaders.departments import Registry
from loaders.roles import Roles
from loaders.structure import Line


@dataclass
class TableRow:
    table_start: int
    start: int
    end: int
    path: str
    number: str
    title: str
    roles: Roles


def find_text_tables(text: str, lines: list[Line], reg: Registry) -> list[TableRow]:
    return []
