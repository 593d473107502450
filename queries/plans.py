"""The loaded plans (`plans`) and how they descend from one another (`lineage`)."""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from queries.common import (
    bolt_plans,
    ix_plans,
    resolve_plan,
    task_label,
)
from queries.index import Index
from queries.spec import PLAN, ParamSpec, QuerySpec, Reader, Row

# ------------------------------------------------------------------------------------- plans
PLANS_CYPHER = """
MATCH (p:Plan) WHERE p.loaded = true AND ($plan IS NULL OR p.id = $plan)
RETURN p.id AS id, p.title AS title, p.issuer AS issuer, p.doc_number AS doc_number,
       p.issued_date AS issued_date, p.period_start AS period_start, p.period_end AS period_end,
       p.place AS place, p.level AS level,
       [(p)-[:IMPLEMENTS]->(h:Plan) | h.title] AS implements,
       size([(p)-[:HAS_TASK]->(t:Task) | t.id]) AS tasks,
       size([(p)-[:HAS_PHASE]->(f:Phase) | f.id]) AS phases
"""
PLAN_TARGETS_CYPHER = """
MATCH (g:Target) WHERE $plan IS NULL OR g.plan = $plan
RETURN g.plan AS plan, count(g) AS n
"""
PLAN_DEPARTMENTS_CYPHER = """
MATCH (d:Department)-[:LEADS|SUPPORTS]->(t:Task)
WHERE $plan IS NULL OR t.plan = $plan
RETURN t.plan AS plan, count(DISTINCT d) AS n
"""
_PLAN_FIELDS = ("issuer", "doc_number", "issued_date", "period_start", "period_end", "place", "level")


def _plan_rows(rows: list[Row]) -> list[Row]:
    for r in rows:
        r["implements"] = sorted(r["implements"])
    return sorted(rows, key=lambda r: (r["title"], r["plan"]))


def plans_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    # the index keeps each plan's row with its counts, in this answer's order
    return [{**r._asdict(), "implements": list(r.implements)} for r in ix.plan_rows if plan in (None, r.plan)]


def plans_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    targets = {r["plan"]: int(r["n"]) for r in read(PLAN_TARGETS_CYPHER, {"plan": plan})}
    depts = {r["plan"]: int(r["n"]) for r in read(PLAN_DEPARTMENTS_CYPHER, {"plan": plan})}
    rows = [{
        "plan": r["id"], "title": r["title"] or "", **{f: r[f] for f in _PLAN_FIELDS},
        "implements": list(r["implements"] or []), "tasks": int(r["tasks"]),
        "departments": depts.get(r["id"], 0), "targets": targets.get(r["id"], 0),
        "phases": int(r["phases"]),
    } for r in read(PLANS_CYPHER, {"plan": plan})]
    return _plan_rows(rows)


PLANS = QuerySpec(
    name="plans",
    question_zh="已载入哪些方案？发文机关、文号、日期、期限及规模如何？",
    question_en="Which plans are loaded, with issuer, number, date, period and counts?",
    params=[PLAN],
    columns=["plan", "title", "issuer", "doc_number", "issued_date", "period_start", "period_end",
             "place", "level", "implements", "tasks", "departments", "targets", "phases"],
    column_help={
        "plan": "plan id (use it, or the title, as the `plan` filter of every query)",
        "title": "title", "issuer": "issuing office", "doc_number": "document number (文号)",
        "issued_date": "issue date, YYYY-MM-DD", "period_start": "first year of the plan period",
        "period_end": "last year of the plan period", "place": "the place the plan governs",
        "level": "administrative level (county, city, …)",
        "implements": "titles of the higher-level plans it carries out",
        "tasks": "tasks (actions and sub-tasks)", "departments": "departments named as lead or support",
        "targets": "quantified targets", "phases": "implementation phases",
    },
    networkx=plans_nx,
    cypher=plans_cypher,
    cypher_text=(PLANS_CYPHER, PLAN_TARGETS_CYPHER, PLAN_DEPARTMENTS_CYPHER),
)

# ----------------------------------------------------------------------------------- lineage
IMPLEMENTS_CYPHER = """
MATCH (p:Plan)-[:IMPLEMENTS]->(h:Plan)
WHERE p.loaded = true AND ($plan IS NULL OR p.id = $plan OR h.id = $plan)
RETURN p.id AS plan, p.title AS title, h.id AS higher, h.title AS higher_title,
       coalesce(h.loaded, false) AS loaded
"""
PLAN_TASK_TITLES_CYPHER = """
MATCH (p:Plan)-[:HAS_TASK]->(t:Task)
WHERE p.id IN $ids
RETURN p.id AS plan, t.order AS ord, t.number AS number, t.title AS title
"""

#: FalkorDB splices parameters into the query text, which must stay under ~4 KB
_IDS_PER_READ = 50


@functools.lru_cache(maxsize=1 << 16)
def _bigrams(s: str) -> frozenset[str]:
    # cached: lineage compares each higher plan's titles with every plan that implements it.
    # filter and map run in C: a title's bigrams are its adjacent characters, pasted
    s = "".join(filter(str.isalnum, s))
    return frozenset(map(str.__add__, s, s[1:])) or frozenset((s,))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the titles' character bigrams: wording followed closely scores high.

    >>> similarity("推动乳制品关键技术转化应用", "推动乳制品关键技术转化应用")
    1.0
    """
    x, y = _bigrams(a), _bigrams(b)
    return round(2 * len(x & y) / (len(x) + len(y)), 3) if x and y else 0.0


class _Higher:
    """One higher plan's task titles as bit masks over the bigrams they use: a pair's shared
    bigram count is then one AND and a popcount, not a set intersection per pair."""

    def __init__(self, higher: list[tuple[int, str, str]]) -> None:
        #: title -> answer: lower plans repeat the higher plan's wording (that is what lineage
        #: finds), so many of their titles are the same text
        self.answers: dict[str, tuple[float, str]] = {}
        self.bit: dict[str, int] = {}
        self.tasks: list[tuple[int, int, int, str]] = []  # mask, bigram count, -order, label
        for horder, hlabel, htext in higher:
            y = _bigrams(htext)
            mask = 0
            for b in y:
                mask |= self.bit.setdefault(b, 1 << len(self.bit))
            self.tasks.append((mask, len(y), -horder, hlabel))

    def most_similar(self, text: str) -> tuple[float, str]:
        """max((similarity, -order, label)) over the titles, as (similarity, label)."""
        found = self.answers.get(text)
        if found is None:
            found = self.answers[text] = self._most_similar(_bigrams(text))
        return found

    def _most_similar(self, x: frozenset[str]) -> tuple[float, str]:
        bit = self.bit
        mx = 0
        for b in x:
            mx |= bit.get(b, 0)
        lx = len(x)
        # the same float as similarity(): 2 * |x & y| / (|x| + |y|), rounded only near the best
        raw = [2 * (mx & m).bit_count() / (lx + ly) for m, ly, _, _ in self.tasks]
        top = max(raw)
        score = round(top, 3)
        if len(raw) == 1 or sorted(raw)[-2] < top - 0.001:
            # the usual case: no other title within reach of the best, so no tie to break
            return score, self.tasks[raw.index(top)][3]
        # rounding is monotonic, so the best rounded score is round(top); ties on it go to the
        # earliest task, then the greatest label, as in the tuple comparison
        _, label = max((neg_order, label) for r, (_, _, neg_order, label) in zip(raw, self.tasks, strict=True)
                       if r >= top - 0.001 and round(r, 3) == score)
        return score, label


# plan id -> [(order, label, title)]
Titles = dict[str, list[tuple[int, str, str]]]


def _lineage_rows(edges: list[tuple[str, str, str, str, bool]], titles: Titles, threshold: float) -> list[Row]:
    keyed: list[tuple[Any, Row]] = []
    prepared: dict[str, _Higher | None] = {}  # per higher plan: many plans implement the same one
    for pid, title, hid, htitle, loaded in sorted(edges):
        keyed.append(((title, htitle, 0, 0), {
            "kind": "implements", "plan": title, "task": None, "higher_plan": htitle, "higher_task": None,
            "similarity": None, "higher_loaded": loaded}))
        if hid not in prepared:
            higher = sorted(titles.get(hid, []))
            prepared[hid] = _Higher(higher) if higher else None
        h = prepared[hid]
        if h is None:
            continue
        for order, label, text in sorted(titles.get(pid, [])):
            score, hlabel = h.most_similar(text)
            if score >= threshold:
                keyed.append(((title, htitle, 1, order), {
                    "kind": "follows", "plan": title, "task": label, "higher_plan": htitle, "higher_task": hlabel,
                    "similarity": score, "higher_loaded": loaded}))
    keyed.sort(key=lambda kr: kr[0])
    return [r for _, r in keyed]


def lineage_nx(ix: Index, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(ix_plans(ix), p["plan"])
    edges = [(a, ix.plans[a].get("title", ""), b, ix.plans[b].get("title", ""), bool(ix.plans[b].get("loaded")))
             for a, b in ix.implements
             if ix.plans[a].get("loaded") and plan in (None, a, b)]
    titles: Titles = {}
    for pid in {e[0] for e in edges} | {e[2] for e in edges}:
        titles[pid] = [(t.order, t.label, t.title or "") for t in ix.rows_of_plan.get(pid, [])]
    return _lineage_rows(edges, titles, p["min_similarity"])


def lineage_cypher(read: Reader, p: dict[str, Any]) -> list[Row]:
    plan = resolve_plan(bolt_plans(read), p["plan"])
    edges = [(r["plan"], r["title"] or "", r["higher"], r["higher_title"] or "", bool(r["loaded"]))
             for r in read(IMPLEMENTS_CYPHER, {"plan": plan})]
    titles: Titles = defaultdict(list)
    ids = sorted({e[0] for e in edges} | {e[2] for e in edges})
    for i in range(0, len(ids), _IDS_PER_READ):
        for r in read(PLAN_TASK_TITLES_CYPHER, {"ids": ids[i:i + _IDS_PER_READ]}):
            titles[r["plan"]].append((int(r["ord"] or 0), task_label(r["number"], r["title"]), r["title"] or ""))
    return _lineage_rows(edges, titles, p["min_similarity"])


LINEAGE = QuerySpec(
    name="lineage",
    question_zh="哪个方案落实哪个上级方案？哪些任务沿用了上级方案的表述？",
    question_en="Which plan implements which (县 -> 市 -> 省), and which tasks follow the higher-level "
                "plan's wording?",
    params=[ParamSpec("min_similarity", "float", 0.6,
                      "title similarity (Dice of character bigrams, 0-1) from which a task counts as following"),
            PLAN],
    columns=["kind", "plan", "task", "higher_plan", "higher_task", "similarity", "higher_loaded"],
    column_help={
        "kind": "`implements` (one row per plan -> higher plan) or `follows` (a task and the most similar "
                "task of the higher plan)",
        "plan": "the implementing plan's title",
        "task": "its task (`follows` rows)",
        "higher_plan": "the higher-level plan's title",
        "higher_task": "the higher plan's task it follows (`follows` rows)",
        "similarity": "title similarity, 0-1, 3 decimals (`follows` rows)",
        "higher_loaded": "whether the higher plan itself is loaded (else only named)",
    },
    networkx=lineage_nx,
    cypher=lineage_cypher,
    cypher_text=(IMPLEMENTS_CYPHER, PLAN_TASK_TITLES_CYPHER),
)
