"""The task outline: headings and table rows as nodes, which of them are tasks, group lines and
labels that belong to a parent, and the ids planners cite."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Final

from loaders.departments import Registry
from loaders.roles import KEY_RE, Annotation, Roles, find_annotations
from loaders.structure import CIRCLED, Heading, Line, heading_title, nest
from loaders.tables import TableRow

_TASK_SECTION: Final = re.compile(r"任务|行动|措施|举措|工作重点|重点工作|主要工作|工作内容|分工")
_ACTION_TITLE: Final = re.compile(
    r"^(?:推进|推动|加强|加快|提升|提高|实施|建设|深化|完善|强化|优化|培育|发展|促进|健全|构建|打造|扩大|落实|开展|"
    r"做强|做优|做大|巩固|全面|全力|大力|积极|持续|着力|坚持|壮大|夯实|创新|聚焦|筑牢|守牢|稳定|保障(?!措施))"
)
NOT_TASK_SECTION: Final = re.compile(r"保障|指导思想|原则|步骤|要求|背景|形势|目标$")


@lru_cache(maxsize=4096)
def not_task_section(title: str) -> bool:
    """NOT_TASK_SECTION.search(title): asked for every node, of the few titles its sections have."""
    return NOT_TASK_SECTION.search(title) is not None


@dataclass(init=False)
class Node:
    """A task candidate: a heading or a table row."""

    path: str
    number: str
    level: int
    title: str
    start: int
    end: int
    body_start: int
    parent: int | None
    children: list[int]
    annotations: list[Annotation]
    roles: Roles
    section: str  # title of its top-level section
    #: text of this node after its last inline item (…三是…(牵头:A)。到2024年底,…达到95%): its own
    tail: tuple[int, int] | None
    #: a table row repeating a heading of the body (附件 分工表): its roles went to that heading
    repeats: bool

    # written out: mypyc compiles this __init__ (a dataclass's generated one runs as Python code)
    def __init__(self, path: str, number: str, level: int, title: str, start: int, *, end: int, body_start: int,
                 parent: int | None = None, children: list[int] | None = None,
                 annotations: list[Annotation] | None = None, roles: Roles | None = None,
                 section: str = "") -> None:
        self.path = path
        self.number = number
        self.level = level
        self.title = title
        self.start = start
        self.end = end
        self.body_start = body_start
        self.parent = parent
        self.children = [] if children is None else children
        self.annotations = [] if annotations is None else annotations
        self.roles = Roles() if roles is None else roles
        self.section = section
        self.tail = None
        self.repeats = False


GROUP_RULE: Final = re.compile(
    r"(?:(?:以上|上述)(?:各项|所列)?(?:重点)?(?:工作)?任务|第(?P<nums>\d+(?:[、,和及至-]\d+)*)项(?:重点)?(?:工作)?任务)"
    r"(?:均)?由[^。;\n]*"
)


def apply_group_rules(nodes: list[Node], rules: list[tuple[int, Annotation, set[str] | None]]) -> None:
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


def lift_trailing_labels(norm: str, nodes: list[Node]) -> None:
    """责任单位: … on its own line after a task's ①②③ items labels the task, not its last item:
    when only the last sub-item holds annotations and they stand on lines of their own."""
    for p in nodes:
        if len(p.children) < 2:
            continue
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


def inherit_leads(nodes: list[Node]) -> None:
    """牵头单位: A stated once for an action (its heading's own label, only a lead) leads every task
    under it that names no lead of its own; their 责任单位 then support (a lead is named for them).
    A task with its own 牵头单位 keeps it. Top-down, so a task that inherits passes the lead on."""
    for p in nodes:
        r = p.roles
        if not p.children or not r.lead or r.resp or r.support or any(a.sentence for a in p.annotations):
            continue
        for c in p.children:
            kid = nodes[c].roles
            if not kid.lead:
                kid.lead = list(r.lead)


_TITLE_LINE: Final = re.compile(r"^[^。;,]{2,20}$")


def paragraph_headings(lines: list[Line], body_start: int, reg: Registry) -> list[Heading]:
    """For a plan without any numbered heading (numbers stripped by a copy, or never written):
    each paragraph that carries a responsibility annotation is a task, numbered by its ordinal.
    Label lines (牵头单位:…) belong to the paragraph above them. A short line without a full stop
    (指导思想, 保障措施) is the section title of the paragraphs under it, so duties described in
    保障措施 sentences stay out as in a numbered plan."""
    heads: list[Heading] = []
    section = ""
    prev: int | None = None  # index of the last non-empty, non-label line
    for i, ln in enumerate(lines):
        t = ln.text.strip()
        if ln.start < body_start or not t:
            continue
        label = KEY_RE.match(t) is not None
        anns = [a for a in find_annotations(ln.text, ln.start, reg) if not a.roles.empty()]
        if label and prev is not None:
            if heads and heads[-1].line == prev:
                heads[-1].end = ln.end  # a further label line of the same task
            elif anns:
                p = lines[prev]
                heads.append(Heading("para", "", prev, p.start, ln.end, body_start=p.start, section=section))
            continue
        if anns:
            heads.append(Heading("para", "", i, ln.start, ln.end, body_start=ln.start, section=section))
        elif _TITLE_LINE.match(t):
            section = t
        prev = i
    for k, h in enumerate(heads):
        h.number = str(k + 1)
    ends = [h.end for h in heads]
    nest(heads, ends[-1] if ends else 0)
    for h, e in zip(heads, ends, strict=True):
        h.end = e  # a paragraph's text, not everything up to the next annotated one
    return heads


def heading_nodes(norm: str, heads: list[Heading]) -> list[Node]:
    nodes = []
    for h in heads:
        eol = norm.find("\n", h.body_start, h.end)
        first_line = norm[h.body_start: eol if eol >= 0 else h.end]
        while h.end > h.start and norm[h.end - 1].isspace():  # spans end at the last character
            h.end -= 1
        nodes.append(Node(h.path, h.number, h.level, heading_title(first_line), h.start, end=h.end,
                           body_start=h.body_start, parent=h.parent, children=list(h.children)))
        if h.start < h.own_end < h.end and h.parent is not None:
            # the last inline item ends at its annotation; what follows is its parent's text
            nodes[h.parent].tail = (h.own_end, h.end)
            nodes[-1].end = h.own_end
    tops: list[str] = []  # the title of each node's top-level ancestor (a parent comes before its children)
    for n, h in zip(nodes, heads, strict=True):
        tops.append(n.title if n.parent is None else tops[n.parent])
        n.section = h.section or tops[-1]
    return nodes


def add_rows(nodes: list[Node], rows: list[TableRow]) -> None:
    """Table rows become tasks under the heading whose section holds them (top level when the
    table has its own title or sits in an attachment)."""
    n_heads = len(nodes)
    groups: dict[int, int] = {}  # group row start -> its node
    holders: dict[int, int | None] = {}  # table start -> the heading holding the table
    for row in rows:
        if row.table_start not in holders:  # found once: the first row trims the holder's end
            holders[row.table_start] = None
            for k, n in enumerate(nodes[:n_heads]):
                if n.start <= row.table_start <= n.end:
                    holders[row.table_start] = k
        parent = holders[row.table_start]
        if parent is not None:
            # a table inside a heading's section ends that heading's own text
            holder = nodes[parent]
            holder.end = max(holder.start, min(holder.end, row.table_start - 1))
            if row.detached:
                parent = None
        if row.group is not None:
            parent = _group_node(nodes, n_heads, groups, row.group, parent)
        base = nodes[parent] if parent is not None else None
        idx = len(nodes)
        node = Node(
            (base.path if base else "") + row.path, row.number, (base.level if base else 0) + 1,
            row.title, row.start, end=row.end, body_start=row.start, parent=parent,
            annotations=[Annotation(a, b, row.roles if k == 0 else Roles()) for k, (a, b) in enumerate(row.role_spans)],
            roles=row.roles, section=base.section if base else "",
        )
        nodes.append(node)
        if base is not None:
            base.children.append(idx)


def merge_repeated_rows(nodes: list[Node], n_heads: int) -> None:
    """A 分工表 (in an attachment, say) whose rows repeat the body's headings word for word gives
    each heading its row's roles and 完成时限: one task, not two. Only headings without roles of
    their own and with a title no other heading has; the row is then no task."""
    titles: dict[str, int] = {}
    for k in range(n_heads):
        t = nodes[k].title
        titles[t] = -1 if t in titles else k
    for row in nodes[n_heads:]:
        k = titles.get(row.title, -1) if row.title else -1
        if k < 0 or row.roles.empty():
            continue
        head = nodes[k]
        if not head.roles.empty() or head.start <= row.start <= head.end:
            continue
        head.annotations, head.roles = row.annotations, row.roles
        row.annotations, row.roles, row.repeats = [], Roles(), True
        titles[row.title] = -1  # one row per heading


def _group_node(nodes: list[Node], n_heads: int, groups: dict[int, int],
                group: tuple[int, int, str, str], parent: int | None) -> int:
    """The node of a table's group row ((一)设备更新行动 spanning the columns): the heading read on
    its line when it stands alone (HTML, docx), else a node made for it under the table's section."""
    start, end, number, title = group
    if start in groups:
        return groups[start]
    for k, n in enumerate(nodes[:n_heads]):
        if n.start == start:
            n.end = min(n.end, end)  # its own text is its line; the rows below are its children
            groups[start] = k
            return k
    base = nodes[parent] if parent is not None else None
    idx = len(nodes)
    nodes.append(Node((base.path if base else "") + number, number, (base.level if base else 0) + 1,
                      title, start, end=end, body_start=end, parent=parent, section=base.section if base else ""))
    if base is not None:
        base.children.append(idx)
    groups[start] = idx
    return idx


def select_tasks(nodes: list[Node]) -> list[int]:
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
            if n.parent is not None and _TASK_SECTION.search(n.section) and not not_task_section(n.section):
                keep.add(i)
    keep = {i for i in keep if (not not_task_section(nodes[i].section) or not nodes[i].roles.empty()
            or any(not nodes[c].roles.empty() for c in nodes[i].children)) and not nodes[i].repeats}
    return sorted(keep, key=lambda i: (nodes[i].start, i))


def _style_key(n: Node) -> tuple[int, bool, bool]:
    return n.level, n.number[:1].isdigit(), n.number[:1] == "("


def covered_tasks(nodes: list[Node], task_idx: list[int]) -> set[int]:
    out = set()
    for i in task_idx:
        k: int | None = i
        while k is not None:
            if not nodes[k].roles.empty():
                out.add(i)
                break
            k = nodes[k].parent
    return out


def unique_ids(nodes: list[Node], task_idx: list[int]) -> dict[int, str]:
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


def inline_items(heads: list[Heading], lines: list[Line], inline: dict[int, list[tuple[int, str]]],
                  body_start: int, reg: Registry) -> list[Heading]:
    """①…(A牵头,B参与);②…(C牵头)。 or 一是…(牵头:A);二是…(牵头:B) inside one line: items that
    each carry their own roles are tasks of their own (headings), the last one ending with its
    annotation (a closing sentence after it is the line's); items without roles stay the text of
    the line they are in."""
    added: list[Heading] = []
    for i, items in inline.items():
        if i >= len(lines) or lines[i].start < body_start:
            continue
        ln = lines[i]
        bounds = [col for col, _ in items] + [len(ln.text)]
        found = [[x for x in find_annotations(ln.text[a:b], a, reg) if not x.roles.empty()]
                 for a, b in pairwise(bounds)]
        if not all(found):
            continue
        last_end = found[-1][0].end  # the last item's own annotation; a later one is its parent's
        while last_end < len(ln.text) and ln.text[last_end] in "。;,":
            last_end += 1
        for (col, char), b in zip(items, bounds[1:], strict=False):
            digits = str(CIRCLED.index(char) + 1) if char in CIRCLED else char
            if not ln.text.startswith(digits, col):
                break  # the line does not hold the item where the raw text did: leave it alone
            own_end = ln.start + last_end if b == len(ln.text) else -1
            added.append(Heading("circ" if char in CIRCLED else "ordinal", char, i, ln.start + col, ln.end,
                                 body_start=ln.start + col + len(digits), own_end=own_end))
    if not added:
        return heads
    return sorted([*heads, *added], key=lambda h: h.start)
