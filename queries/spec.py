"""What a catalog entry is: a named question with typed parameters and a documented row shape.

An entry is data (like datasette's stored queries): the same `QuerySpec` feeds the CLI, the HTTP
API, the Python API and `docs/queries.md`. Each carries two implementations that must return
identical rows: `networkx` (a pure function of the graph's index) and `cypher` (read Cypher run
through the Bolt store, shaped in Python).
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.errors import BadParameter

if TYPE_CHECKING:
    from queries.index import Index

Row = dict[str, Any]
#: an answer column-major: one tuple per column (lists as tuples), and which columns hold lists
#: (True: lists only; False: lists beside other values). The embedded store keeps answers so:
#: tuples of strings and numbers are immutable and untracked by the garbage collector.
Columns = tuple[tuple[tuple[Any, ...], ...], dict[int, bool]]
#: runs one read Cypher statement with $parameters and returns its records as dicts
Reader = Callable[[str, dict[str, Any]], list[dict[str, Any]]]

_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool}
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}


@dataclass(frozen=True)
class ParamSpec:
    name: str
    #: "str", "int", "float" or "bool" (the Python type itself is accepted and kept by name)
    type: str
    default: Any
    description: str
    #: the query cannot answer without it (e.g. the department `partners` is about)
    required: bool = False

    def __post_init__(self) -> None:
        name = self.type if isinstance(self.type, str) else getattr(self.type, "__name__", "")
        if name not in _TYPES:
            raise ValueError(f"parameter {self.name}: unsupported type {self.type!r}")
        object.__setattr__(self, "type", name)

    @property
    def type_name(self) -> str:
        return str(self.type)

    @property
    def py_type(self) -> builtins.type:
        return _TYPES[str(self.type)]

    def coerce(self, query: str, value: Any) -> Any:
        """A string (CLI `-p k=v`, HTTP query string) or a Python value -> the declared type."""
        if value is None:
            return None
        want = self.py_type
        if want is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
        elif want is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str):
                try:
                    return int(value.strip())
                except ValueError:
                    pass
        elif want is float:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str):
                try:
                    return float(value.strip())
                except ValueError:
                    pass
        elif isinstance(value, str):
            text = value.strip()
            return text or None
        raise BadParameter(
            f"query {query!r}: parameter {self.name!r} must be {self.type_name}, got {value!r}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type_name, "default": self.default,
                "required": self.required, "description": self.description}


def required(name: str, type_: str, description: str) -> ParamSpec:
    return ParamSpec(name, type_, None, description, required=True)


PLAN = ParamSpec("plan", "str", None, "only this plan (plan id or title); all loaded plans if empty")


@dataclass(frozen=True)
class QuerySpec:
    name: str
    question_zh: str
    question_en: str
    params: list[ParamSpec]
    columns: list[str]
    #: column -> what a value in it means (the documented row shape)
    column_help: dict[str, str]
    networkx: Callable[[Index, dict[str, Any]], list[Row]] = field(repr=False)
    cypher: Callable[[Reader, dict[str, Any]], list[Row]] = field(repr=False)
    #: the read Cypher the Bolt implementation runs, for the docs and the text tests
    cypher_text: tuple[str, ...] = field(default=(), repr=False)
    #: parameters used for the example in docs/queries.md
    example: dict[str, Any] = field(default_factory=dict)
    #: optional: the embedded answer built column-major from the index's tables, with no row
    #: dicts in between (`networkx` then returns `rows_of` it); the runner keeps answers so
    columnar: Callable[[Index, dict[str, Any]], Columns] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        assert set(self.columns) == set(self.column_help), self.name

    def param(self, name: str) -> ParamSpec:
        for p in self.params:
            if p.name == name:
                return p
        raise BadParameter(
            f"query {self.name!r} has no parameter {name!r}; valid: "
            + (", ".join(p.name for p in self.params) or "(none)")
        )

    def bind(self, given: dict[str, Any] | None) -> dict[str, Any]:
        """The effective parameters: given values coerced to their types, defaults for the rest."""
        given = dict(given or {})
        out: dict[str, Any] = {}
        for key in given:
            self.param(key)  # raises for unknown names
        for p in self.params:
            value = p.coerce(self.name, given[p.name]) if p.name in given else p.default
            if value is None and p.required:
                raise BadParameter(
                    f"query {self.name!r} needs parameter {p.name!r} ({p.description}); "
                    f"e.g. -p {p.name}=…"
                )
            out[p.name] = value
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "question_zh": self.question_zh,
            "question_en": self.question_en,
            "description": self.question_en,
            "params": [p.to_dict() for p in self.params],
            "columns": list(self.columns),
            "column_help": dict(self.column_help),
        }


def columns_of(columns: list[str], rows: list[Row]) -> Columns:
    """Rows -> the column-major form (a row without some column reads None there, as the Bolt
    rows do)."""
    try:
        values = list(map(operator.itemgetter(*columns), rows)) if len(columns) > 1 else [
            (r[columns[0]],) for r in rows]
    except KeyError:
        values = [tuple(r.get(c) for c in columns) for r in rows]
    cols: list[tuple[Any, ...]] = list(zip(*values, strict=True)) if values else [() for _ in columns]
    listed: dict[int, bool] = {}
    for i, col in enumerate(cols):
        types = set(map(type, col))
        if list in types:
            # a column of lists only converts at C speed, both ways
            listed[i] = pure = types == {list}
            cols[i] = tuple(map(tuple, col)) if pure else tuple(tuple(v) if type(v) is list else v for v in col)
    return tuple(cols), listed


def rows_of(columns: list[str], frozen: Columns) -> list[Row]:
    """Fresh row dicts (and lists) from the column-major form, for one caller."""
    cols, listed = frozen
    if not cols or not cols[0]:
        return []
    fresh = [col if i not in listed else list(map(list, col)) if listed[i] else
             [list(v) if type(v) is tuple else v for v in col] for i, col in enumerate(cols)]
    return [dict(zip(columns, values, strict=True)) for values in zip(*fresh, strict=True)]


@dataclass
class QueryResult:
    query: str
    params: dict[str, Any]
    columns: list[str]
    rows: list[Row]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "params": dict(self.params), "columns": list(self.columns),
                "rows": [dict(r) for r in self.rows]}
