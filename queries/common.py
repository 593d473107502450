"""What both implementations of every entry share: resolving names and formatting values.

Resolution (plan, department, industry chain) runs on plain lists read from either store, so a
name means the same thing on both; formatting fixes how a task or a number appears in a row.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from graph.errors import NotFound
from graph.model import plan_id

# re-exported: how a task or a number appears in a row is fixed where the rows are built
from queries.facts import num, task_label  # noqa: F401
from queries.index import Index
from queries.spec import Reader

PLANS_CYPHER = """
MATCH (p:Plan) WHERE p.loaded = true
RETURN p.id AS id, p.title AS title
"""
DEPARTMENTS_CYPHER = """
MATCH (d:Department)
RETURN d.id AS id, d.name AS name, d.aliases AS aliases, d.place AS place
"""
DEPARTMENT_BY_NAME_CYPHER = """
MATCH (d:Department)
WHERE d.name = $name OR $name IN coalesce(d.aliases, [])
RETURN d.id AS id, d.name AS name, d.aliases AS aliases, d.place AS place
"""
CHAINS_CYPHER = """
MATCH (i:Industry) RETURN i.name AS name
"""

_SHOWN = 12  # names listed in a "valid: …" message before it is cut short


def _norm(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


def _some(names: Iterable[str]) -> str:
    names = sorted(set(names))
    more = f", … ({len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more if names else "(none loaded)"


def by_count_then_name(counts: dict[str, int]) -> list[str]:
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


# -- plans -------------------------------------------------------------------------------------
def resolve_plan(plans: list[tuple[str, str]], value: str | None) -> str | None:
    """A plan filter value (id, exact title, or a fragment of exactly one title) -> plan id."""
    if value is None:
        return None
    v = _norm(value)
    ids = {pid for pid, _ in plans}
    if v in ids:
        return v
    if plan_id(v) in ids:
        return plan_id(v)
    hits = sorted({pid for pid, title in plans if title and v in _norm(title)})
    if len(hits) == 1:
        return hits[0]
    what = "matches several plans" if hits else "is not a loaded plan"
    raise NotFound(
        f"plan {value!r} {what}; loaded: " + _some(f"{t} ({p})" for p, t in plans)
    )


def ix_plans(ix: Index) -> list[tuple[str, str]]:
    """The loaded plans as (id, title), built with the index (shared: read, don't mutate)."""
    return ix.plan_list


def bolt_plans(read: Reader) -> list[tuple[str, str]]:
    return sorted((r["id"], r["title"] or "") for r in read(PLANS_CYPHER, {}))


# -- departments -------------------------------------------------------------------------------
DeptRow = tuple[str, str, list[str], str]  # id, canonical name, aliases, place


def resolve_department(depts: list[DeptRow], value: str) -> list[str]:
    """A department name as written (canonical or any alias) -> its node ids (one per place)."""
    v = _norm(value)
    hits = sorted(i for i, name, aliases, _ in depts if v == name or v in (aliases or []))
    if not hits:
        raise NotFound(f"unknown department {value!r}; known: " + _some(d[1] for d in depts))
    return hits


def ix_departments(ix: Index) -> list[DeptRow]:
    return [(i, a.get("name", ""), list(a.get("aliases") or []), a.get("place") or "-")
            for i, a in ix.depts.items()]


def bolt_departments(read: Reader, name: str | None = None) -> list[DeptRow]:
    """Every department, or (with `name`) those a name or alias matches: the whole list is only
    read when the name matches none, for the error's list of known names."""
    if name is not None:
        hits = read(DEPARTMENT_BY_NAME_CYPHER, {"name": _norm(name)})
        if hits:
            return [(r["id"], r["name"], list(r["aliases"] or []), r["place"] or "-") for r in hits]
    return [(r["id"], r["name"], list(r["aliases"] or []), r["place"] or "-")
            for r in read(DEPARTMENTS_CYPHER, {})]


# -- industry chains ---------------------------------------------------------------------------
def check_chain(chains: Iterable[str], value: str | None) -> str | None:
    if value is None:
        return None
    v = _norm(value)
    known = set(chains)
    if v not in known:
        raise NotFound(f"unknown industry chain {value!r}; known: " + _some(known))
    return v


def bolt_chains(read: Reader) -> list[str]:
    return [r["name"] for r in read(CHAINS_CYPHER, {})]
