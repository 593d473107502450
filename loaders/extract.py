"""Normalised plan text -> PlanExtract: outline, responsibilities, entities, targets, phases."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Final, TypeVar

from pydantic import BaseModel

from graph.errors import ParseError
from graph.model import (
    AliasCandidate,
    Coverage,
    DepartmentExtract,
    PhaseExtract,
    PlanExtract,
    PlanInfo,
    TargetExtract,
    TaskExtract,
    document_id,
    normalise_text,
    plan_id,
)
from loaders import lexicon
from loaders.departments import Canon, Registry, defined_abbreviations, is_subsequence, load_registry
from loaders.header import _LEAD_SECTION, PHASE_SECTION, coordinating_bodies, phase_dates, read_header
from loaders.indicators import indicator_targets
from loaders.outline import (
    GROUP_RULE,
    Node,
    add_rows,
    apply_group_rules,
    covered_tasks,
    heading_nodes,
    inherit_leads,
    inline_items,
    lift_trailing_labels,
    merge_repeated_rows,
    not_task_section,
    paragraph_headings,
    select_tasks,
    unique_ids,
)
from loaders.roles import FIRST_IS_LEAD_RE, Annotation, find_annotations, parse_sentence, resolve
from loaders.rules import document_rules
from loaders.structure import (
    circled_items,
    detect_headings,
    inline_ordinals,
    nest,
    split_lines,
)
from loaders.tables import find_text_tables
from loaders.targets import find_targets

_CJK: Final = re.compile(r"[\u4e00-\u9fff]")
#: what `(?:大学|学院|科学院|研究院|研究所)$` searches for, as a str.endswith tuple ($ also matches
#: before a final newline): a regex search tries every position of every party name
_INSTITUTE_ENDS: Final = ("大学", "学院", "研究院", "研究所", "大学\n", "学院\n", "研究院\n", "研究所\n")
_LEVEL_START: Final = frozenset("省市县区旗镇乡")
_GOAL_TITLE: Final = re.compile(r"目标")
_PLACE_SUFFIX: Final = re.compile(r"(?:自治区|自治州|自治县|自治旗|省|市|县|旗|区|盟|州)$")
def extract_text(
    text: str,
    source: str | None = None,
    *,
    registry: Registry | None = None,
    raw: str | None = None,
) -> PlanExtract:
    """Read one plan's text (any line ends, full- or half-width punctuation).

    >>> ex = extract_text("某县科技局关于印发《某县科技行动方案》的通知\\n某县科技行动方案\\n"
    ...                   "一、重点任务\\n(一)建设平台。到2025年建成3个平台。(牵头单位:县科技局;配合单位:县财政局)")
    >>> ex.tasks[0].lead, ex.tasks[0].support, ex.targets[0].value
    (['科技局'], ['财政局'], 3.0)
    """
    name = source or "<text>"
    norm = normalise_text(text)
    if not norm.strip():
        raise ParseError(f"{name}: the document is empty")
    if not _CJK.search(norm):
        raise ParseError(f"{name}: no Chinese text found; not a plan document")
    hdr = read_header(norm, source)
    reg = registry or load_registry()
    if hdr.place:
        stem = _PLACE_SUFFIX.sub("", hdr.place)
        reg = replace(reg, places=tuple(p for p in (hdr.place, stem) if len(p) >= 2))
    canon = Canon(reg, hdr.place, hdr.level)
    if "简称" in norm or "下称" in norm:  # 区住房建设和交通局(以下简称区住建交局): one body, two names
        canon.local.update(defined_abbreviations(norm, reg))
    lines = split_lines(norm)
    src = raw if raw is not None else text
    starts, inline = circled_items(src)
    heads = detect_headings(lines, starts, hdr.body_start, norm)
    if "一是" in norm:  # 一是…(牵头:A);二是…(牵头:B): items with their own roles are tasks too
        inline.update(inline_ordinals(lines, norm))
    heads = inline_items(heads, lines, inline, hdr.body_start, reg)
    nest(heads, len(norm))
    rows = find_text_tables(norm, lines, reg)
    if not heads and not rows:
        heads = paragraph_headings(lines, hdr.body_start, reg)
    nodes = heading_nodes(norm, heads)
    n_heads = len(nodes)
    add_rows(nodes, rows)
    # every FIRST_IS_LEAD_RE match holds 为牵头 and every GROUP_RULE match 任务由 or 任务均由: the
    # substring tests are exact guards, far cheaper than the regexes on text that has neither
    first_is_lead = "为牵头" in norm and bool(FIRST_IS_LEAD_RE.search(norm))
    any_group = "任务由" in norm or "任务均由" in norm
    group_rules: list[tuple[int, Annotation, set[str] | None]] = []
    for k, n in enumerate(nodes):
        if n.annotations:
            continue
        own = norm[n.start: n.end]
        spans: list[tuple[int, int]] = []
        for m in GROUP_RULE.finditer(own) if any_group else ():
            # 以上任务由A牵头,B配合 / 第4、5项任务由…: roles for the tasks of the group, not this one
            spans.append((m.start(), m.end()))
            numbers = set(re.findall(r"\d+", m.group("nums"))) if m.group("nums") else None
            roles = parse_sentence(m.group(0), reg)
            if not roles.empty():
                group_rules.append((k, Annotation(n.start + m.start(), n.start + m.end(), roles), numbers))
        n.annotations = find_annotations(_blank(own, spans), n.start, reg)
        if n.tail is not None:  # its text after its last inline item: …;二是…(牵头:B)。(牵头单位:C)
            n.annotations += find_annotations(norm[n.tail[0]: n.tail[1]], n.tail[0], reg)
        if n.annotations and not_task_section(n.section):
            # in 保障措施 and the like, "X负责…" describes a duty, not a task's owner
            n.annotations = [a for a in n.annotations if not a.sentence]
        for a in n.annotations:
            n.roles.merge(a.roles)
    if rows and n_heads:
        merge_repeated_rows(nodes, n_heads)
    apply_group_rules(nodes, group_rules)
    lift_trailing_labels(norm, nodes)
    inherit_leads(nodes)
    rules = document_rules(norm, nodes, reg)
    task_idx = select_tasks(nodes)
    tax = lexicon.taxonomy()
    ents, parts = lexicon.entities()
    # enterprises and partners are rare: one scan of the document finds where they (or a 公司 / 大学 …
    # a name pattern ends in) occur, and only the tasks there are scanned for them
    entity_at = lexicon.entity_occurrences(norm)
    written: dict[str, list[str]] = {}
    tasks: list[TaskExtract] = []
    targets: list[TargetExtract] = []
    issue_year = hdr.issued_date[:4] if hdr.issued_date else hdr.period[0]
    one_year = hdr.period[1] if hdr.period[1] and hdr.period[0] == hdr.period[1] else None
    path_of = unique_ids(nodes, task_idx)
    for i in task_idx:
        n = nodes[i]
        lead_w, support_w = resolve(n.roles, first_is_lead)
        lead_w, support_w = rules.apply(i, lead_w, support_w, n.roles)
        lead = _canon_list(lead_w, canon, written)
        support = [s for s in _canon_list(support_w, canon, written) if s not in lead]
        own = norm[n.start: n.end]
        skip = [(a.start - n.start, a.end - n.start) for a in n.annotations]
        skip.append((0, n.body_start - n.start))  # the heading's own number (① reads as 1)
        plain = _blank(own, skip)
        ind_terms = tax.terms_in(plain)
        if entity_at.within(n.start, n.end):
            ent_names = [c for _, c, _ in ents.find(plain)] + [
                ents.terms.get(x, x) for x in lexicon.pattern_names(plain, "enterprise")]
            part_names = [c for _, c, _ in parts.find(plain)] + [
                parts.terms.get(x, x) for x in lexicon.pattern_names(plain, "partner")]
        else:
            ent_names = part_names = []
        ent_names, part_names = _with_parties(ent_names, part_names, (*lead_w, *support_w), parts)
        deadline = _norm_deadline(n.roles.deadline, one_year)
        parent = n.parent
        while parent is not None and parent not in path_of:
            parent = nodes[parent].parent
        tasks.append(_trusted(
            TaskExtract,
            id=path_of[i], number=n.number, path=n.path, parent=path_of.get(parent) if parent is not None else None,
            level=n.level, title=n.title, text=own, lead=lead, support=support,
            persons=_unique(n.roles.persons),
            industries=_unique(ind_terms),
            chains=_unique([tax.terms[t] for t in ind_terms]) if ind_terms else [],
            enterprises=_dedupe_names(ent_names), partners=_dedupe_names(part_names),
            deadline=deadline, span=(n.start, n.end),
            annotation=("; ".join([norm[a.start: a.end] for a in n.annotations]) or None) if n.annotations else None,
        ))
        for t in find_targets(own, n.start, hdr.period[1], issue_year, task_deadline=deadline, skip=skip):
            targets.append(_target(t, path_of[i], len(targets)))
        if n.tail is not None:  # its text after its last inline item
            tail_start, tail_end = n.tail
            tail_skip = [(a.start - tail_start, a.end - tail_start) for a in n.annotations]
            for t in find_targets(norm[tail_start:tail_end], tail_start, hdr.period[1], issue_year,
                                  task_deadline=deadline, skip=tail_skip):
                targets.append(_target(t, path_of[i], len(targets)))
    task_set = set(task_idx)
    first = min([n.start for n in nodes] + [len(norm)])
    for t in find_targets(norm[hdr.body_start: first], hdr.body_start, hdr.period[1], issue_year):
        targets.append(_target(t, None, len(targets)))  # plan-level targets of the preamble
    phase_titles = _titles_matching(PHASE_SECTION, nodes)
    for i, n in enumerate(nodes):
        if i not in task_set and not n.children and not n.repeats and (i if n.parent is None else n.parent) not in phase_titles:
            for t in find_targets(norm[n.start: n.end], n.start, hdr.period[1], issue_year):
                targets.append(_target(t, None, len(targets)))
    for t in indicator_targets(lines) if "指标" in norm else ():  # 主要发展指标 tables: one target per indicator and year
        targets.append(_target(t, None, len(targets)))
    targets.sort(key=lambda t: t.span[0])
    departments = _departments(written, canon)
    info = _trusted(
        PlanInfo, id=plan_id(hdr.title), title=hdr.title, issuer=hdr.issuer, doc_number=hdr.doc_number,
        issued_date=hdr.issued_date, period=hdr.period, implements=hdr.implements, place=hdr.place,
        level=hdr.level, doc_id=document_id(norm), source=source,
    )
    covered = covered_tasks(nodes, task_idx)
    leaves = [path_of[i] for i in task_idx
              if not any(c in path_of for c in nodes[i].children) and i not in covered]
    return _trusted(
        PlanExtract, plan=info, tasks=tasks, departments=departments, targets=targets,
        phases=_phases(norm, nodes, hdr.period[0], phase_titles),
        coordinating_bodies=_bodies(norm, nodes, hdr.body_start),
        alias_candidates=alias_candidates(departments, tasks, reg),
        coverage=_trusted(
            Coverage, annotations=sum(1 for n in nodes for a in n.annotations if not a.roles.empty()),
            tasks=len(tasks), tasks_without_responsibility=leaves,
        ),
        text=norm,
    )


_M = TypeVar("_M", bound=BaseModel)


def _trusted(cls: type[_M], **fields: Any) -> _M:
    """`cls(**fields)` without pydantic's validation, for values this module computed with the
    declared types (every field given, in declaration order): validating them again costs ~4 µs a
    task, a fifth of what reading the task costs. tests/test_loader_fastpaths.py checks that every
    extract of the test corpora equals its own validated round trip."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", set(fields))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def _validated(cls: type[_M], **fields: Any) -> _M:
    return cls(**fields)


def _with_parties(ent_names: list[str], part_names: list[str], parties: tuple[str, ...],
                  parts: lexicon.Lexicon) -> tuple[list[str], list[str]]:
    """A task's enterprises and partners, with the companies (universities, institutes) acting as its
    parties added — except one named by a level prefix only (县供电公司: enterprises and partners are
    shared by name across places) — and without an academy named only as part of its institute
    (中国科学院 in 中国科学院地球化学研究所)."""
    # …公司 / …集团, and a company's branch office (国网成都供电公司武侯供电中心)
    ents = [w for w in parties if ("公司" in w or "集团" in w) and w[0] not in _LEVEL_START]
    insts = [w for w in parties if w.endswith(_INSTITUTE_ENDS) and w[0] not in _LEVEL_START]
    if len(part_names) > 1:
        part_names = [n for n in part_names if not any(
            p not in (n, w) and w in p for p in part_names for w, c in parts.terms.items() if c == n)]
    return ent_names + ents if ents else ent_names, part_names + insts if insts else part_names


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans replaced by spaces (offsets stay valid); one pass."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    size = len(text)
    for start, end in sorted(spans):
        # max(pos, start, 0) and min(size, end), spelled out: builtin calls pack their arguments
        a = pos if pos >= start else start
        a = a if a > 0 else 0
        b = end if end < size else size
        if b > a:
            parts.append(text[pos:a])
            parts.append(" " * (b - a))
            pos = b
    parts.append(text[pos:])
    return "".join(parts)


def _unique(items: list[str]) -> list[str]:
    """list(dict.fromkeys(items)), without its cost for the usual zero or one item."""
    return list(items) if len(items) < 2 else list(dict.fromkeys(items))


def _canon_list(names: list[str], canon: Canon, written: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for w in names:
        name = canon.entry(w).name
        forms = written.get(name)
        if forms is None:
            written[name] = [w]
        elif w not in forms:
            forms.append(w)
        if name not in out:
            out.append(name)
    return out


def _departments(written: dict[str, list[str]], canon: Canon) -> list[DepartmentExtract]:
    out = []
    for name, forms in written.items():
        e = canon.entry(forms[0])
        scope = e.scope if e.collective else None
        # a scope comes from a registry file, maybe the user's: anything but all / some is validated (and refused)
        if scope in (None, "all", "some"):
            out.append(_trusted(DepartmentExtract, name=name, aliases=sorted(set(forms)), collective=e.collective,
                                scope=scope))
        else:
            out.append(_validated(DepartmentExtract, name=name, aliases=sorted(set(forms)), collective=e.collective,
                                  scope=scope))
    return out


def _dedupe_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if not any(n in o for o in out):
            out = [o for o in out if o not in n] + [n]
    return out


_YEAR: Final = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月)?")
_RECURRING: Final = re.compile(r"每年|每季度|每月|长期|持续|常态")


def _norm_deadline(raw: str | None, one_year: str | None = None) -> str | None:
    """A 完成时限's year; a month without a year (12月底前, 7月—9月) is in the year of a one-year plan."""
    if not raw:
        return None
    if _RECURRING.search(raw):
        # 每季度调度,12月底前完成: a rhythm, then a final date in a clause of its own
        rest = [c for c in re.split(r"[,;]", raw) if not _RECURRING.search(c)]
        if not rest:
            return None
        raw = ",".join(rest)
    ys = _YEAR.findall(raw)
    if ys:
        return ys[-1][0]
    if not one_year:
        return None
    # 12月底前, and in a one-year plan the quarter / half-year words: 三季度末, 上半年, 年底前, 全年
    return one_year if re.search(r"\d{1,2}月", raw) or _WITHIN_YEAR.search(raw) else None


_WITHIN_YEAR: Final = re.compile(r"[一二三四1-4]季度|[上下]半年|年底|年末|年内|全年")


def _target(t: object, task: str | None, k: int) -> TargetExtract:
    from loaders.targets import Target

    assert isinstance(t, Target)
    return _trusted(
        TargetExtract,
        id=f"{task or 'plan'}~{t.start}", task=task, text=t.text, value=t.value, value_max=t.value_max,
        unit=t.unit, comparator=t.comparator, deadline=t.deadline, cadence=t.cadence,
        span=(t.start, t.end),
    )


_PHASE_LINE: Final = re.compile(r"^\s*(?:\d{1,2}[.、]|\([一二三四五六七八九十\d]{1,2}\)|[一二三四五六七八九十]{1,2}[、.])?\s*"
                         r"([^\s,;:()]{2,12}?阶段)\s*[(:]?\s*([^)\n]{0,40})", re.M)


def _titles_matching(rx: re.Pattern[str], nodes: list[Node]) -> set[int]:
    """Indices of the nodes whose title `rx` finds something in, by one scan of all the titles
    joined by line ends (for a regex that never matches a line end nor uses anchors)."""
    titles = [n.title for n in nodes]
    joined = "\n".join(titles)
    if joined.count("\n") != max(len(titles) - 1, 0):  # a title with a line end of its own
        return {i for i, t in enumerate(titles) if rx.search(t)}
    return {joined.count("\n", 0, m.start()) for m in rx.finditer(joined)}  # a title's index: line ends before it


_NAME_END: Final = re.compile(r"[(:]")


def _phases(norm: str, nodes: list[Node], year: str | None, phase_titles: set[int]) -> list[PhaseExtract]:
    """The children of 实施步骤 (or its lines naming a …阶段) with their month ranges."""
    out: list[PhaseExtract] = []
    for k in sorted(phase_titles):
        n = nodes[k]
        for c in n.children:
            ch = nodes[c]
            name = _NAME_END.split(ch.title, maxsplit=1)[0].strip()
            eol = norm.find("\n", ch.body_start)
            line = norm[ch.body_start: eol if eol >= 0 else len(norm)]
            start, end = phase_dates(line[:80], year)
            out.append(_trusted(PhaseExtract, name=name, start=start, end=end, span=(ch.start, ch.end)))
        if not out:  # phases written as lines: 第一阶段:动员部署(2023年3月)
            for m in _PHASE_LINE.finditer(norm, n.body_start, n.end):
                start, end = phase_dates(m.group(2), year)
                out.append(_trusted(PhaseExtract, name=m.group(1), start=start, end=end, span=(m.start(), m.end())))
            if any(p.start or p.end for p in out):
                # lines with dates are the phases; a 实施阶段 / 时间安排 header row or an intro
                # (工作分三个阶段推进) names 阶段 without any
                out = [p for p in out if p.start or p.end]
        if out:
            break
    return out


def _bodies(norm: str, nodes: list[Node], body_start: int) -> list[str]:
    sections = []
    for k in sorted(_titles_matching(_LEAD_SECTION, nodes)):
        n = nodes[k]
        own = norm[n.body_start: n.end]
        dot = own.find("。")
        sections.append(own[dot + 1:].lstrip() if 0 <= dot < len(n.title) + 2 else own)
    found = coordinating_bodies(norm[body_start:], sections)
    return found


def alias_candidates(
    departments: list[DepartmentExtract], tasks: list[TaskExtract], reg: Registry
) -> list[AliasCandidate]:
    """Pairs of names that may be one body written two ways (政务局 / 政务服务局): the shorter is
    an in-order abbreviation of the longer with the same first and last character. Never merged."""
    groups: dict[tuple[str, str], list[str]] = {}
    for d in departments:
        if not d.collective and len(d.name) >= 3:
            groups.setdefault((d.name[0], d.name[-1]), []).append(d.name)
    pairs = [(a, b) for names in groups.values() if len(names) > 1 for a in names for b in names
             if len(a) < len(b) and is_subsequence(a, b)]
    if not pairs:
        return []
    where: dict[str, list[str]] = {}
    for t in tasks:
        for n in (*t.lead, *t.support):
            where.setdefault(n, []).append(t.id)
    out = []
    for a, b in pairs:
        ea, eb = reg.lookup(a), reg.lookup(b)
        if ea and eb and ea.name != eb.name:
            continue
        out.append(_trusted(
            AliasCandidate,
            names=(a, b),
            evidence=f"'{a}' (tasks {', '.join(where.get(a, [])[:3])}) reads as an abbreviation of "
            f"'{b}' (tasks {', '.join(where.get(b, [])[:3])}); kept apart until a person confirms",
        ))
    return out

