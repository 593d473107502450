"""Score an extraction against a hand-made gold file (the format of tests/data/seed.gold.json).

Gold tasks are matched to extracted tasks by title (then by number, within the matched parent);
gold department names go through the extract's aliases (then the registry) to canonical names.
Scores are precision / recall / F1 over (task, role, department) triples and over targets
(same task, value and unit, and one text containing the other); every difference is listed.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from graph.errors import ParseError
from graph.model import PlanExtract, TaskExtract
from loaders.departments import Canon, load_registry


class Score(BaseModel):
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


class Scores(BaseModel):
    triples: Score = Field(default_factory=Score)
    lead: Score = Field(default_factory=Score)
    support: Score = Field(default_factory=Score)
    targets: Score = Field(default_factory=Score)
    target_fields: Score = Field(default_factory=Score)  # deadline/cadence/comparator/value_max of matched targets
    unmatched_tasks: list[str] = Field(default_factory=list)
    differences: list[str] = Field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "triples": self.triples.as_dict(), "lead": self.lead.as_dict(),
            "support": self.support.as_dict(), "targets": self.targets.as_dict(),
            "target_fields": self.target_fields.as_dict(),
            "unmatched_tasks": self.unmatched_tasks, "differences": self.differences,
        }


def load_gold(path: str | os.PathLike[str]) -> dict[str, Any]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ParseError(f"{p}: no such gold file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ParseError(f"{p}: not a readable gold JSON file ({type(e).__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), list):
        raise ParseError(f"{p}: a gold file is a JSON object with a 'tasks' list")
    return data


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def _num(number: str) -> str:
    """Task numbers compare without their trailing mark: 一、 = 一, 1. = 1 (but (一) stays)."""
    return _norm(number).rstrip("、.．")


def match_tasks(ex: PlanExtract, gold_tasks: list[dict[str, Any]]) -> dict[int, TaskExtract]:
    """Gold task index -> extracted task."""
    by_title: dict[str, list[TaskExtract]] = {}
    by_number: dict[str, list[TaskExtract]] = {}
    for t in ex.tasks:
        by_title.setdefault(_norm(t.title), []).append(t)
        by_number.setdefault(_num(t.number), []).append(t)
    out: dict[int, TaskExtract] = {}
    used: set[str] = set()
    gid_to_task: dict[str, TaskExtract] = {}
    for i, g in enumerate(gold_tasks):
        gid, title = _num(str(g.get("id", ""))), _norm(g.get("title", ""))
        cands = [t for t in by_title.get(title, []) if t.id not in used] if title else []
        if len(cands) > 1:
            cands = [t for t in cands if _num(t.number) == gid] or cands
        if not cands:
            cands = [t for t in by_number.get(gid, []) if t.id not in used]
            parent = gid_to_task.get(_num(str(g.get("parent") or "")))
            if parent is not None and len(cands) > 1:
                cands = [t for t in cands if t.parent == parent.id] or cands
            if len(cands) > 1 and title:
                cands = [t for t in cands if title in _norm(t.title) or _norm(t.title) in title] or cands[:0]
        if cands:
            out[i] = cands[0]
            used.add(cands[0].id)
            gid_to_task.setdefault(gid, cands[0])
    return out


def evaluate(ex: PlanExtract, gold: dict[str, Any]) -> Scores:
    """Precision / recall / F1 of `ex` against `gold`, with every difference listed.

    >>> from loaders import extract_text
    >>> ex = extract_text("一、任务\\n(一)建设平台。(牵头单位:科技局;配合单位:财政局)")
    >>> s = evaluate(ex, {"tasks": [{"id": "(一)", "title": "建设平台", "lead": ["科技局"], "support": []}]})
    >>> s.lead.f1, s.support.precision, s.differences
    (1.0, 0.0, ['(一) 建设平台: extra support 财政局'])
    """
    s = Scores()
    alias = {a: d.name for d in ex.departments for a in (d.name, *d.aliases)}
    canon = Canon(load_registry(), ex.plan.place, ex.plan.level)

    def cname(name: str) -> str:
        n = _norm(name)
        return alias.get(n) or canon.entry(n).name

    gold_tasks = gold.get("tasks") or []
    matched = match_tasks(ex, gold_tasks)
    labels = {t.id: f"{t.number} {t.title}" for t in ex.tasks}
    gold_triples: set[tuple[str, str, str]] = set()
    for i, g in enumerate(gold_tasks):
        t = matched.get(i)
        key = t.id if t else f"gold:{g.get('id')}"
        if t is None:
            s.unmatched_tasks.append(f"{g.get('id')} {g.get('title', '')}")
            labels[key] = f"{g.get('id')} {g.get('title', '')} (not found)"
        for role in ("lead", "support"):
            for n in g.get(role) or []:
                gold_triples.add((key, role, cname(n)))
    got = {(t.id, role, n) for t in ex.tasks for role in ("lead", "support") for n in getattr(t, role)}
    for role, score in (("lead", s.lead), ("support", s.support)):
        g_r = {x for x in gold_triples if x[1] == role}
        e_r = {x for x in got if x[1] == role}
        score.tp, score.fp, score.fn = len(g_r & e_r), len(e_r - g_r), len(g_r - e_r)
    s.triples = Score(tp=s.lead.tp + s.support.tp, fp=s.lead.fp + s.support.fp, fn=s.lead.fn + s.support.fn)
    order = {t.id: k for k, t in enumerate(ex.tasks)}
    for kind, items in (("missing", gold_triples - got), ("extra", got - gold_triples)):
        for tid, role, n in sorted(items, key=lambda x: (order.get(x[0], 10**6), x[1], x[2])):
            s.differences.append(f"{labels.get(tid, tid)}: {kind} {role} {n}")
    _score_targets(ex, gold, matched, s, labels)
    return s


def _score_targets(ex: PlanExtract, gold: dict[str, Any], matched: dict[int, TaskExtract], s: Scores,
                   labels: dict[str, str]) -> None:
    gold_tasks = gold.get("tasks") or []
    gid_to_tids: dict[str, set[str]] = {}
    for i, task in matched.items():
        gid_to_tids.setdefault(_num(str(gold_tasks[i].get("id"))), set()).add(task.id)
    remaining = list(ex.targets)
    for g in gold.get("targets") or []:
        gtids = gid_to_tids.get(_num(str(g.get("task") or "")), set()) if g.get("task") else set()
        text = _norm(g.get("text", ""))
        hit = None
        for t in remaining:
            same_task = t.task is None if g.get("task") is None else t.task in gtids
            same_text = not text or text in _norm(t.text) or _norm(t.text) in text
            if same_task and same_text and _num_eq(t.value, g.get("value")) and (t.unit or None) == (g.get("unit") or None):
                hit = t
                break
        if hit is None:
            s.targets.fn += 1
            s.differences.append(f"target missing: {g.get('task')} {g.get('text')} ({g.get('value')}{g.get('unit') or ''})")
            continue
        remaining.remove(hit)
        s.targets.tp += 1
        for f in ("value_max", "deadline", "cadence", "comparator"):
            if f not in g and f in ("comparator", "value_max"):
                continue
            want, have = g.get(f), getattr(hit, f)
            if (f == "value_max" and _num_eq(want, have)) or want == have:
                s.target_fields.tp += 1
            else:
                s.target_fields.fn += 1
                s.differences.append(f"target {g.get('text')}: {f} {have!r}, gold {want!r}")
    for t in remaining:
        s.targets.fp += 1
        s.differences.append(f"target extra: {labels.get(t.task or '', t.task)} {t.text} ({t.value:g}{t.unit or ''})"
                             if t.value is not None else f"target extra: {t.text}")


def _num_eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return False


def evaluate_paths(plan: str | os.PathLike[str], gold: str | os.PathLike[str]) -> dict[str, Any]:
    """`plankg eval`: extract `plan`, score it against `gold`, return a JSON-ready report."""
    from loaders import extract_path

    scores = evaluate(extract_path(plan), load_gold(gold))
    return {"plan": str(plan), "gold": str(gold), **scores.as_dict()}
