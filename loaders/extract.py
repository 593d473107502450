"""Normalised plan text -> PlanExtract: outline, responsibilities, entities, targets, phases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

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
from loaders.departments import Canon, Registry, is_subsequence, load_registry
from loaders.header import _LEAD_SECTION, PHASE_SECTION, coordinating_bodies, phase_dates, read_header
from loaders.roles import FIRST_IS_LEAD_RE, Annotation, Roles, find_annotations, parse_sentence, resolve
from loaders.rules import document_rules
from loaders.structure import Heading, circled_lines, detect_headings, heading_title, nest, split_lines
from loaders.tables import TableRow, find_text_tables
from loaders.targets import find_targets

_CJK = re.compile(r"[\u4e00-\u9fff]")
_GOAL_TITLE = re.compile(r"目标")
_TASK_SECTION = re.compile(r"任务|行动|措施|举措|工作重点|重点工作|主要工作|工作内容|分工")
_ACTION_TITLE = re.compile(
    r"^(?:推进|推动|加强|加快|提升|提高|实施|建设|深化|完善|强化|优化|培育|发展|促进|健全|构建|打造|扩大|落实|开展|"
    r"做强|做优|做大|巩固|全面|大力|积极|持续|着力|坚持|壮大|夯实|创新|聚焦|筑牢|守牢|稳定|保障(?!措施))"
)
_NOT_TASK_SECTION = re.compile(r"保障|指导思想|原则|步骤|要求|背景|形势|目标$")


@dataclass
class _Node:
    """A task candidate: a heading or a table row."""

    path: str
    number: str
    level: int
    title: str
    start: int
    end: int
    body_start: int
    parent: int | None = None
    children: list[int] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)
    roles: Roles = field(default_factory=Roles)
    section: str = ""  # title of its top-level section


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
        stem = re.sub(r"(?:自治区|自治州|自治县|自治旗|省|市|县|旗|区|盟|州)$", "", hdr.place)
        reg = replace(reg, places=tuple(p for p in (hdr.place, stem) if len(p) >= 2))
    canon = Canon(reg, hdr.place, hdr.level)
    lines = split_lines(norm)
    heads = detect_headings(lines, circled_lines(raw if raw is not None else text), hdr.body_start)
    nest(heads, len(norm))
    nodes = _heading_nodes(norm, heads)
    rows = find_text_tables(norm, lines, reg)
    _add_rows(nodes, rows)
    first_is_lead = bool(FIRST_IS_LEAD_RE.search(norm))
    group_rules: list[tuple[int, Annotation, set[str] | None]] = []
    for k, n in enumerate(nodes):
        if n.annotations:
            continue
        own = norm[n.start: n.end]
        spans: list[tuple[int, int]] = []
        for m in _GROUP_RULE.finditer(own):
            # 以上任务由A牵头,B配合 / 第4、5项任务由…: roles for the tasks of the group, not this one
            spans.append((m.start(), m.end()))
            numbers = set(re.findall(r"\d+", m.group("nums"))) if m.group("nums") else None
            roles = parse_sentence(m.group(0), reg)
            if not roles.empty():
                group_rules.append((k, Annotation(n.start + m.start(), n.start + m.end(), roles), numbers))
        n.annotations = find_annotations(_blank(own, spans), n.start, reg)
        if _NOT_TASK_SECTION.search(n.section):
            # in 保障措施 and the like, "X负责…" describes a duty, not a task's owner
            n.annotations = [a for a in n.annotations if not a.sentence]
        for a in n.annotations:
            n.roles.merge(a.roles)
    _apply_group_rules(nodes, group_rules)
    _lift_trailing_labels(norm, nodes)
    rules = document_rules(norm, nodes, reg)
    task_idx = _select_tasks(nodes)
    tax = lexicon.taxonomy()
    ents, parts = lexicon.entities()
    written: dict[str, list[str]] = {}
    tasks: list[TaskExtract] = []
    targets: list[TargetExtract] = []
    issue_year = hdr.issued_date[:4] if hdr.issued_date else hdr.period[0]
    path_of = _unique_ids(nodes, task_idx)
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
        inds = tax.find(plain)
        ent_names = [c for _, c, _ in ents.find(plain)] + [
            ents.terms.get(x, x) for x in lexicon.pattern_names(plain, "enterprise")]
        part_names = [c for _, c, _ in parts.find(plain)] + [
            parts.terms.get(x, x) for x in lexicon.pattern_names(plain, "partner")]
        deadline = _norm_deadline(n.roles.deadline)
        parent = n.parent
        while parent is not None and parent not in path_of:
            parent = nodes[parent].parent
        tasks.append(TaskExtract(
            id=path_of[i], number=n.number, path=n.path, parent=path_of.get(parent) if parent is not None else None,
            level=n.level, title=n.title, text=own, lead=lead, support=support,
            persons=list(dict.fromkeys(n.roles.persons)),
            industries=list(dict.fromkeys(t for t, _, _ in inds)),
            chains=list(dict.fromkeys(c for _, c, _ in inds)),
            enterprises=_dedupe_names(ent_names), partners=_dedupe_names(part_names),
            deadline=deadline, span=(n.start, n.end),
            annotation="; ".join(norm[a.start: a.end] for a in n.annotations) or None,
        ))
        for t in find_targets(own, n.start, hdr.period[1], issue_year, task_deadline=deadline, skip=skip):
            targets.append(_target(t, path_of[i], len(targets)))
    task_set = set(task_idx)
    first = min([n.start for n in nodes] + [len(norm)])
    for t in find_targets(norm[hdr.body_start: first], hdr.body_start, hdr.period[1], issue_year):
        targets.append(_target(t, None, len(targets)))  # plan-level targets of the preamble
    for i, n in enumerate(nodes):
        if i not in task_set and not n.children and not PHASE_SECTION.search(nodes[n.parent].title if n.parent is not None else n.title):
            for t in find_targets(norm[n.start: n.end], n.start, hdr.period[1], issue_year):
                targets.append(_target(t, None, len(targets)))
    targets.sort(key=lambda t: t.span[0])
    departments = _departments(written, canon)
    info = PlanInfo(
        id=plan_id(hdr.title), title=hdr.title, issuer=hdr.issuer, doc_number=hdr.doc_number,
        issued_date=hdr.issued_date, period=hdr.period, implements=hdr.implements, place=hdr.place,
        level=hdr.level, doc_id=document_id(norm), source=source,
    )
    covered = _covered(nodes, task_idx)
    leaves = [path_of[i] for i in task_idx
              if not any(c in path_of for c in nodes[i].children) and i not in covered]
    return PlanExtract(
        plan=info, tasks=tasks, departments=departments, targets=targets,
        phases=_phases(norm, nodes, hdr.period[0]),
        coordinating_bodies=_bodies(norm, nodes, hdr.body_start),
        alias_candidates=alias_candidates(departments, tasks, reg),
        coverage=Coverage(
            annotations=sum(1 for n in nodes for a in n.annotations if not a.roles.empty()),
            tasks=len(tasks), tasks_without_responsibility=leaves,
        ),
        text=norm,
    )


_GROUP_RULE = re.compile(
    r"(?:(?:以上|上述)(?:各项|所列)?(?:重点)?(?:工作)?任务|第(?P<nums>\d+(?:[、,和及至-]\d+)*)项(?:重点)?(?:工作)?任务)"
    r"(?:均)?由[^。;\n]*"
)


def _apply_group_rules(nodes: list[_Node], rules: list[tuple[int, Annotation, set[str] | None]]) -> None:
    """Give a group line's roles to the tasks above it in its group (以上任务由…), or to the tasks
    of its chapter with the numbers it names (第4、5项任务由…)."""
    for k, ann, numbers in rules:
        n = nodes[k]
        if numbers is not None:
            members = [i for i, x in enumerate(nodes) if x.section == n.section and x.number[:1].isdigit()
                       and re.sub(r"\D", "", x.number) in numbers]
        elif n.parent is None:
            members = list(n.children)  # the line sits in a chapter heading's own text
        else:
            members = [i for i in nodes[n.parent].children if nodes[i].start <= n.start]
        n.annotations.append(Annotation(ann.start, ann.end, Roles()))  # its span holds no target
        for i in members:
            nodes[i].annotations.append(Annotation(ann.start, ann.end, ann.roles.copy()))
            nodes[i].roles.merge(ann.roles)


def _lift_trailing_labels(norm: str, nodes: list[_Node]) -> None:
    """责任单位: … on its own line after a task's ①②③ items labels the task, not its last item:
    when only the last sub-item holds annotations and they stand on lines of their own."""
    for p in nodes:
        kids = [c for c in p.children if nodes[c].number[:1] != "表"]
        if len(kids) < 2 or p.roles.empty() is False:
            continue
        last = nodes[kids[-1]]
        if any(nodes[c].annotations for c in kids[:-1]) or not last.annotations:
            continue
        own_lines = [a for a in last.annotations
                     if not norm[norm.rfind("\n", 0, a.start) + 1: a.start].strip() and a.start > last.body_start]
        if len(own_lines) != len(last.annotations):
            continue
        first_line_end = norm.find("\n", last.start)
        if any(a.start <= first_line_end for a in last.annotations):
            continue
        p.annotations, last.annotations = last.annotations, []
        p.roles, last.roles = last.roles, Roles()


def _heading_nodes(norm: str, heads: list[Heading]) -> list[_Node]:
    nodes = []
    for h in heads:
        eol = norm.find("\n", h.body_start, h.end)
        first_line = norm[h.body_start: eol if eol >= 0 else h.end]
        while h.end > h.start and norm[h.end - 1].isspace():  # spans end at the last character
            h.end -= 1
        nodes.append(_Node(h.path, h.number, h.level, heading_title(first_line), h.start, h.end,
                           h.body_start, h.parent, list(h.children)))
    for n in nodes:
        top = n
        while top.parent is not None:
            top = nodes[top.parent]
        n.section = top.title
    return nodes


def _add_rows(nodes: list[_Node], rows: list[TableRow]) -> None:
    """Table rows become tasks under the heading whose section holds them (top level when the
    table has its own title or sits in an attachment)."""
    n_heads = len(nodes)
    for row in rows:
        parent = None
        for k, n in enumerate(nodes[:n_heads]):
            if n.start <= row.table_start <= n.end:
                parent = k
        if parent is not None:
            # a table inside a heading's section ends that heading's own text
            holder = nodes[parent]
            holder.end = max(holder.start, min(holder.end, row.table_start - 1))
            if row.detached:
                parent = None
        base = nodes[parent] if parent is not None else None
        idx = len(nodes)
        node = _Node(
            (base.path if base else "") + row.path, row.number, (base.level if base else 0) + 1,
            row.title, row.start, row.end, row.start, parent, [],
            [Annotation(a, b, row.roles if k == 0 else Roles()) for k, (a, b) in enumerate(row.role_spans)],
            row.roles, base.section if base else "",
        )
        nodes.append(node)
        if base is not None:
            base.children.append(idx)


def _select_tasks(nodes: list[_Node]) -> list[int]:
    """Tasks: headings (or rows) with responsibilities, their descendants, and their ancestors
    below the top level. Without any responsibility in the document, the headings of task
    sections are tasks, so that coverage shows them as unassigned."""
    keep: set[int] = set()
    responsible = [i for i, n in enumerate(nodes) if not n.roles.empty()]
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(nodes):
        if n.parent is not None:
            groups.setdefault(n.parent, []).append(i)
    resp_set = set(responsible)
    for group in groups.values():
        # siblings of an annotated heading in the same numbering are tasks too (coverage shows them)
        styles = {_style_key(nodes[i]) for i in group if i in resp_set}
        if styles:
            keep.update(j for j in group if _style_key(nodes[j]) in styles)
    for i in responsible:
        keep.add(i)
        p = nodes[i].parent
        while p is not None and p not in keep:
            if nodes[p].parent is not None:
                keep.add(p)
            p = nodes[p].parent
    stack = [c for i in responsible for c in nodes[i].children]
    while stack:  # descendants of annotated headings
        c = stack.pop()
        if c not in keep or c not in resp_set:
            keep.add(c)
            stack.extend(nodes[c].children)
    for i, n in enumerate(nodes):
        # a chapter named by an action (二、推进办学条件标准化) is itself a task over its tasks
        if n.parent is None and i not in keep and _ACTION_TITLE.match(n.title) and any(c in keep for c in n.children):
            keep.add(i)
    if not responsible:
        for i, n in enumerate(nodes):
            if n.parent is not None and _TASK_SECTION.search(n.section) and not _NOT_TASK_SECTION.search(n.section):
                keep.add(i)
    keep = {i for i in keep if not _NOT_TASK_SECTION.search(nodes[i].section) or not nodes[i].roles.empty()
            or any(not nodes[c].roles.empty() for c in nodes[i].children)}
    return sorted(keep, key=lambda i: (nodes[i].start, i))


def _style_key(n: _Node) -> tuple[int, bool, bool]:
    return n.level, n.number[:1].isdigit(), n.number.startswith("(")


def _covered(nodes: list[_Node], task_idx: list[int]) -> set[int]:
    out = set()
    for i in task_idx:
        k: int | None = i
        while k is not None:
            if not nodes[k].roles.empty():
                out.add(i)
                break
            k = nodes[k].parent
    return out


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans replaced by spaces (offsets stay valid); one pass."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        a, b = max(pos, start, 0), min(len(text), end)
        if b > a:
            parts.append(text[pos:a])
            parts.append(" " * (b - a))
            pos = b
    parts.append(text[pos:])
    return "".join(parts)


def _canon_list(names: list[str], canon: Canon, written: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for w in names:
        e = canon.entry(w)
        forms = written.setdefault(e.name, [])
        if w not in forms:
            forms.append(w)
        if e.name not in out:
            out.append(e.name)
    return out


def _departments(written: dict[str, list[str]], canon: Canon) -> list[DepartmentExtract]:
    out = []
    for name, forms in written.items():
        e = canon.entry(forms[0])
        out.append(DepartmentExtract(
            name=name, aliases=sorted(set(forms)), collective=e.collective,
            scope=e.scope if e.collective else None,  # type: ignore[arg-type]
        ))
    return out


def _dedupe_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if not any(n in o for o in out):
            out = [o for o in out if o not in n] + [n]
    return out


_YEAR = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月)?")


def _norm_deadline(raw: str | None) -> str | None:
    if not raw:
        return None
    if re.search(r"每年|每季度|每月|长期|持续|常态", raw):
        return None
    ys = _YEAR.findall(raw)
    return ys[-1][0] if ys else None


def _unique_ids(nodes: list[_Node], task_idx: list[int]) -> dict[int, str]:
    """Task ids as planners cite them: the number as written ("(6)", "2.") when the plan has one
    task so numbered, else the shortest tail of the heading path that is unique ("二、(一)"), else
    the whole path with ~2, ~3 for a number repeated under one parent (a typo, a pasted block)."""
    chains: dict[int, list[str]] = {}
    for i in task_idx:
        chain: list[str] = []
        j: int | None = i
        while j is not None:
            chain.append(nodes[j].number)
            j = nodes[j].parent
        chains[i] = chain[::-1]
    out: dict[int, str] = {}
    depth = max((len(c) for c in chains.values()), default=0)
    for k in range(1, depth + 1):
        tails = {i: "".join(chains[i][-k:]) for i in task_idx if i not in out}
        counts: dict[str, int] = {}
        for tail in tails.values():
            counts[tail] = counts.get(tail, 0) + 1
        taken = set(out.values())
        for i, tail in tails.items():
            if counts[tail] == 1 and tail not in taken:
                out[i] = tail
    seen: dict[str, int] = {}
    for i in task_idx:
        if i not in out:
            path = nodes[i].path
            seen[path] = seen.get(path, 0) + 1
            out[i] = path if seen[path] == 1 and path not in out.values() else f"{path}~{seen[path] + 1}"
    return out


def _target(t: object, task: str | None, k: int) -> TargetExtract:
    from loaders.targets import Target

    assert isinstance(t, Target)
    return TargetExtract(
        id=f"{task or 'plan'}~{t.start}", task=task, text=t.text, value=t.value, value_max=t.value_max,
        unit=t.unit, comparator=t.comparator, deadline=t.deadline, cadence=t.cadence,
        span=(t.start, t.end),
    )


_PHASE_LINE = re.compile(r"^\s*(?:\d{1,2}[.、]|\([一二三四五六七八九十\d]{1,2}\)|[一二三四五六七八九十]{1,2}[、.])?\s*"
                         r"([^\s,;:()]{2,12}?阶段)\s*[(:]?\s*([^)\n]{0,40})", re.M)


def _phases(norm: str, nodes: list[_Node], year: str | None) -> list[PhaseExtract]:
    """The children of 实施步骤 (or its lines naming a …阶段) with their month ranges."""
    out: list[PhaseExtract] = []
    for n in nodes:
        if not PHASE_SECTION.search(n.title):
            continue
        for c in n.children:
            ch = nodes[c]
            name = re.split(r"[(:]", ch.title, maxsplit=1)[0].strip()
            eol = norm.find("\n", ch.body_start)
            line = norm[ch.body_start: eol if eol >= 0 else len(norm)]
            start, end = phase_dates(line[:80], year)
            out.append(PhaseExtract(name=name, start=start, end=end, span=(ch.start, ch.end)))
        if not out:  # phases written as lines: 第一阶段:动员部署(2023年3月)
            for m in _PHASE_LINE.finditer(norm, n.body_start, n.end):
                start, end = phase_dates(m.group(2), year)
                out.append(PhaseExtract(name=m.group(1), start=start, end=end, span=(m.start(), m.end())))
        if out:
            break
    return out


def _bodies(norm: str, nodes: list[_Node], body_start: int) -> list[str]:
    sections = []
    for n in nodes:
        if _LEAD_SECTION.search(n.title):
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
    where: dict[str, list[str]] = {}
    for t in tasks:
        for n in (*t.lead, *t.support):
            where.setdefault(n, []).append(t.id)
    groups: dict[tuple[str, str], list[str]] = {}
    for d in departments:
        if not d.collective and len(d.name) >= 3:
            groups.setdefault((d.name[0], d.name[-1]), []).append(d.name)
    pairs = [(a, b) for names in groups.values() for a in names for b in names
             if len(a) < len(b) and is_subsequence(a, b)]
    out = []
    for a, b in pairs:
        ea, eb = reg.lookup(a), reg.lookup(b)
        if ea and eb and ea.name != eb.name:
            continue
        out.append(AliasCandidate(
            names=(a, b),
            evidence=f"'{a}' (tasks {', '.join(where.get(a, [])[:3])}) reads as an abbreviation of "
            f"'{b}' (tasks {', '.join(where.get(b, [])[:3])}); kept apart until a person confirms",
        ))
    return out
