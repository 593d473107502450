"""Document-wide responsibility rules.

- 下同 inside an annotation ("…,各街道办事处(下同)"): that party joins, in the same role, every
  later task that carries an annotation.
- A note that a party takes part in every task ("各乡镇人民政府作为各项任务的配合单位,以下不再逐项
  列出"; "以下各项任务均需各相关部门配合"): that party joins every task that carries an annotation.
The party is appended after the parties the task names itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from loaders.departments import Registry, looks_like_department, split_names
from loaders.roles import Roles

_ALL_TASKS: Final = r"(?:本方案)?(?:以下)?(?:所有|各项|全部|每项|每一项|各)(?:重点)?(?:工作)?任务"
_ROLE: Final = r"(?P<role>配合|责任|牵头|参与|协办|协助|主体)"
_NAMES: Final = r"(?P<names>[^。;:()]{2,80}?)"
_PATTERNS: Final = (
    re.compile(_NAMES + r"(?:均|都)?(?:为|是|作为|列为)" + _ALL_TASKS + r"的?" + _ROLE + r"(?:单位|部门)"),
    re.compile(_ALL_TASKS + r"(?:均需|均由|都需|均要|均应|均请|需)" + _NAMES + _ROLE),
    re.compile(_NAMES + r"(?:均|都)?" + _ROLE + r"(?:本方案)?(?:所有|各项|全部|每项)(?:重点)?(?:工作)?任务"),
    # 各市州人民政府负责抓好本地区相关工作落实,以下各项任务不再逐项列出: a party of every task,
    # named once (it supports where a task names its lead)
    re.compile(_NAMES + r"(?P<role>负责)[^。;]{0,40}?," + _ALL_TASKS + r"(?:中|均)?不再(?:逐项|一一)?列出"),
)


class _HasRoles(Protocol):
    roles: Roles
    start: int


@dataclass
class Rules:
    sticky: list[tuple[int, str, str]] = field(default_factory=list)  # (from offset, role, name)
    everywhere: list[tuple[str, str]] = field(default_factory=list)
    starts: dict[int, int] = field(default_factory=dict)

    def apply(self, i: int, lead: list[str], support: list[str], roles: Roles) -> tuple[list[str], list[str]]:
        if not (self.sticky or self.everywhere) or roles.empty():  # most plans have no such rule
            return lead, support
        lead, support = list(lead), list(support)
        pos = self.starts.get(i, 0)
        extra = [(r, n) for s, r, n in self.sticky if s < pos] + self.everywhere
        for role, name in extra:
            if name in lead or name in support:
                continue
            if role == "lead" or (role == "resp" and not lead):
                lead.append(name)
            else:
                support.append(name)
        return lead, support


_EVERY: Final = re.compile(r"(?:所有|各项|全部|每项|每一项|以下|各)(?:重点)?(?:工作)?任务")


def _every_matches(text: str) -> Iterator[re.Match[str]]:
    """_EVERY.finditer(text), faster: a match ends with 任务 and starts at most 7 characters before
    it (每一项重点工作), and its words hold no 任务, so the regex is tried only in the window before
    each 任务 (found by a literal search, far cheaper than the regex's scan of the whole text)."""
    pos = 0
    while True:
        j = text.find("任务", pos)
        if j < 0:
            return
        m = _EVERY.search(text, max(pos, j - 7), j + 2)
        if m:
            yield m
            pos = m.end()
        else:
            pos = j + 1


def _every_task_sentences(text: str) -> list[str]:
    """Sentences that speak of every task (found by the phrase, not by splitting the text)."""
    out = []
    last_end = -1
    for m in _every_matches(text):
        if m.start() < last_end:
            continue
        a = max(text.rfind("。", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        ends = [e for e in (text.find("。", m.end()), text.find("\n", m.end())) if e >= 0]
        b = min(ends) if ends else len(text)
        out.append(text[a:b])
        last_end = b
    return out


def document_rules(text: str, nodes: Sequence[_HasRoles], reg: Registry) -> Rules:
    rules = Rules(starts={i: n.start for i, n in enumerate(nodes)})
    for n in nodes:
        for role, name in n.roles.sticky:
            rules.sticky.append((n.start, role, name))
    for sent in _every_task_sentences(text):
        for rx in _PATTERNS:
            m = rx.search(sent)
            if not m:
                continue
            head = re.split(r"[,:]", m.group("names"))[-1]
            head = re.sub(r"^(?:注|说明|其中|另外|此外|同时)", "", head)
            names = [x for x in split_names(head) if looks_like_department(x, reg)]
            role = {"牵头": "lead", "责任": "resp", "主体": "resp", "负责": "resp"}.get(m.group("role"), "support")
            for name in names:
                if (role, name) not in rules.everywhere:
                    rules.everywhere.append((role, name))
            break
    return rules
