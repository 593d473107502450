"""Document-wide responsibility rules.

- 下同 inside an annotation ("…,各县(市、区)人民政府,下同"): that party joins, in the same role,
  every later task that carries an annotation.
- A note that a party takes part in every task ("各乡镇人民政府为各项任务的配合单位,不再一一列出";
  "以下任务均需各相关部门配合"): that party joins every task that carries an annotation.
The party is appended after the parties the task names itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from loaders.departments import Registry, looks_like_department, split_names
from loaders.roles import Roles

_GLOBAL = re.compile(r"不再(?:一一)?(?:列出|列举|重复)|各项(?:重点)?任务|所有(?:重点)?任务|全部(?:重点)?任务|每项(?:重点)?任务|以下(?:重点)?任务")
_ROLE_WORD = re.compile(r"(牵头|配合|协办|参与|协助|责任|负责)")
_PARTY_END = re.compile(r"(?:均为|均是|均需|均要|均应|为|是|作为|要|需|应|参与|配合|负责)")


class _HasRoles(Protocol):
    roles: Roles
    start: int


@dataclass
class Rules:
    sticky: list[tuple[int, str, str]] = field(default_factory=list)  # (from offset, role, name)
    everywhere: list[tuple[str, str]] = field(default_factory=list)
    starts: dict[int, int] = field(default_factory=dict)

    def apply(self, i: int, lead: list[str], support: list[str], roles: Roles) -> tuple[list[str], list[str]]:
        if roles.empty():
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


def document_rules(text: str, nodes: Sequence[_HasRoles], reg: Registry) -> Rules:
    rules = Rules(starts={i: n.start for i, n in enumerate(nodes)})
    for n in nodes:
        for role, name in n.roles.sticky:
            rules.sticky.append((n.start, role, name))
    for sent in re.split(r"[。\n]", text):
        if not _GLOBAL.search(sent) or not _ROLE_WORD.search(sent):
            continue
        for clause in re.split(r"[;,(]", sent):
            m = _PARTY_END.search(clause)
            rm = _ROLE_WORD.search(clause)
            if not m or not rm:
                continue
            head = re.sub(r"^.*?(?:注|说明|其中|另外|此外)\s*[::]?", "", clause[: m.start()])
            head = re.sub(r"^(?:以下|上述)?(?:各项|所有|全部|每项)?(?:重点)?任务(?:均需|均由|由)?", "", head)
            names = [x for x in split_names(head) if looks_like_department(x, reg)]
            if not names:
                continue
            word = rm.group(1)
            role = {"牵头": "lead", "责任": "resp", "负责": "resp"}.get(word, "support")
            for name in names:
                if (role, name) not in rules.everywhere:
                    rules.everywhere.append((role, name))
    return rules
