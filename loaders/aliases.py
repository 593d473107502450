"""What `plankg aliases` reports: names a person should judge, and names the registry merged.

Within one plan, look-alike names (政务局 / 政务服务局) are the extract's alias candidates. Across
plans of the same place, the same rule runs over the names each plan wrote, so a bureau written
one way in one plan and another way in the next is caught too. Nothing here merges anything.
"""

from __future__ import annotations

from typing import Any

from graph.model import PlanExtract
from loaders.departments import is_subsequence, load_registry


def alias_report(extracts: list[PlanExtract]) -> dict[str, list[dict[str, Any]]]:
    """{"candidates": [{plan, place, names, evidence}], "merged": [{plan, place, name, aliases}]}.

    >>> from loaders import extract_text
    >>> ex = extract_text("一、任务\\n(一)甲。(牵头单位:政务局)\\n(二)乙。(牵头单位:政务服务局)")
    >>> [c["names"] for c in alias_report([ex])["candidates"]]
    [['政务局', '政务服务局']]
    """
    candidates: list[dict[str, Any]] = []
    merged: list[dict[str, Any]] = []
    seen: set[tuple[str | None, str, str]] = set()
    docs: set[str] = set()
    unique = []
    for ex in extracts:
        if ex.plan.doc_id not in docs:  # the same document given twice is one document
            docs.add(ex.plan.doc_id)
            unique.append(ex)
    for ex in unique:
        for c in ex.alias_candidates:
            seen.add((ex.plan.place, *c.names))
            candidates.append({"plan": ex.plan.title, "place": ex.plan.place, "names": list(c.names),
                               "evidence": c.evidence})
        for d in ex.departments:
            # a merge worth showing: some written form is more than the name with a place prefix
            if any(not a.endswith(d.name) for a in d.aliases):
                merged.append({"plan": ex.plan.title, "place": ex.plan.place, "name": d.name,
                               "aliases": d.aliases})
    candidates.extend(_across_plans(unique, seen))
    return {"candidates": candidates, "merged": merged}


def _across_plans(extracts: list[PlanExtract], seen: set[tuple[str | None, str, str]]) -> list[dict[str, Any]]:
    reg = load_registry()
    by_place: dict[str | None, dict[str, set[str]]] = {}
    for ex in extracts:
        names = by_place.setdefault(ex.plan.place, {})
        for d in ex.departments:
            if not d.collective:
                names.setdefault(d.name, set()).add(ex.plan.title)
    out = []
    for place, names in by_place.items():
        groups: dict[tuple[str, str], list[str]] = {}
        for n in names:
            if len(n) >= 3:
                groups.setdefault((n[0], n[-1]), []).append(n)
        for group in groups.values():
            for a in sorted(group):
                for b in sorted(group):
                    if len(a) >= len(b) or (place, a, b) in seen or not is_subsequence(a, b):
                        continue
                    if names[a] == names[b] and len(names[a]) == 1:
                        continue  # same single plan: already reported by that plan
                    ea, eb = reg.lookup(a), reg.lookup(b)
                    if ea and eb and ea.name != eb.name:
                        continue
                    seen.add((place, a, b))
                    out.append({
                        "plan": None, "place": place, "names": [a, b],
                        "evidence": f"'{a}' in {'、'.join(sorted(names[a]))}; '{b}' in "
                        f"{'、'.join(sorted(names[b]))}: may be one body; kept apart until a person confirms",
                    })
    return out
