"""The plan model: what the loaders produce and the stores persist.

`PlanExtract` is the validated result of reading one document. Its JSON form is a contract
(DESIGN.md, "PlanExtract JSON"): other tools read `plan`, `tasks`, `departments`, `targets` and
`phases`; every other key is ours to extend.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["lead", "support"]

#: Node labels and relation types, the only identifiers ever spliced into Cypher.
LABELS = (
    "Plan",
    "Task",
    "Department",
    "Industry",
    "Enterprise",
    "Partner",
    "Target",
    "Phase",
    "CoordinatingBody",
    "Person",
)
RELATIONS = (
    "HAS_TASK",
    "SUBTASK",
    "LEADS",
    "SUPPORTS",
    "CONCERNS",
    "INVOLVES",
    "IN_CHAIN",
    "HAS_TARGET",
    "HAS_PHASE",
    "IMPLEMENTS",
    "WITH_PARTNER",
    "HAS_BODY",
    "RESPONSIBLE",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Provenance(_Model):
    """Where a fact was read: the document, the character span and the heading path."""

    doc: str
    span: tuple[int, int]
    path: str


class PlanInfo(_Model):
    id: str
    title: str
    issuer: str | None = None
    doc_number: str | None = None
    issued_date: str | None = None
    period: tuple[str | None, str | None] = (None, None)
    implements: list[str] = Field(default_factory=list)
    place: str | None = None
    level: str | None = None
    doc_id: str
    source: str | None = None


class TaskExtract(_Model):
    #: the number as written when unique in the plan ("(6)"), else the shortest unique heading path
    id: str
    number: str
    #: the full heading path, e.g. 三、(二)3.(6): provenance, and what a reader finds in the text
    path: str = ""
    parent: str | None = None
    level: int
    title: str
    text: str
    lead: list[str] = Field(default_factory=list)
    support: list[str] = Field(default_factory=list)
    persons: list[str] = Field(default_factory=list)
    industries: list[str] = Field(default_factory=list)
    chains: list[str] = Field(default_factory=list)
    enterprises: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)
    deadline: str | None = None
    span: tuple[int, int]
    annotation: str | None = None


class DepartmentExtract(_Model):
    name: str
    aliases: list[str]
    collective: bool = False
    scope: Literal["all", "some"] | None = None


class TargetExtract(_Model):
    id: str
    task: str | None
    text: str
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    comparator: str | None = None
    deadline: str | None = None
    cadence: str | None = None
    span: tuple[int, int]


class PhaseExtract(_Model):
    name: str
    start: str | None = None
    end: str | None = None
    span: tuple[int, int]


class AliasCandidate(_Model):
    """Two names that may denote one body; a person decides (`plankg aliases`)."""

    names: tuple[str, str]
    evidence: str


class Coverage(_Model):
    annotations: int
    tasks: int
    tasks_without_responsibility: list[str] = Field(default_factory=list)


class PlanExtract(_Model):
    plan: PlanInfo
    tasks: list[TaskExtract]
    departments: list[DepartmentExtract]
    targets: list[TargetExtract]
    phases: list[PhaseExtract]
    coordinating_bodies: list[str] = Field(default_factory=list)
    alias_candidates: list[AliasCandidate] = Field(default_factory=list)
    coverage: Coverage
    text: str = Field(default="", exclude=True, repr=False)

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json")

    def task(self, task_id: str) -> TaskExtract:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)


#: the compatibility characters plans are full of, with their NFKC forms. Replacing a character by
#: its NFKC form leaves the NFKC of the whole text unchanged, and once these few are gone NFKC's
#: quick check usually accepts the text as it is (full NFKC of a plan costs ~100 ns a character).
_COMMON_COMPAT = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，（）：；\u3000．！？％")


def normalise_text(text: str) -> str:
    """NFKC, LF line ends, no BOM: the text every span and document id refers to."""
    text = text.replace("\ufeff", "")
    for char, form in _COMMON_COMPAT:
        text = text.replace(char, form)
    if not unicodedata.is_normalized("NFKC", text):
        # NFKC never joins characters across a line end (LF and CR are starters that compose
        # with nothing), so only the lines that still need it are normalised
        text = "\n".join(line if unicodedata.is_normalized("NFKC", line) else unicodedata.normalize("NFKC", line)
                         for line in text.split("\n"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def document_id(normalised_text: str) -> str:
    return hashlib.sha256(normalised_text.encode("utf-8")).hexdigest()


_QUOTES = re.compile(r"[\"'“”‘’《》〈〉\s]")


def plan_id(title: str) -> str:
    """A plan's id comes from its title alone, so a plan named in another's 《…》 resolves to it
    whether or not it is loaded yet, and a new version of a document replaces the old one."""
    key = _QUOTES.sub("", unicodedata.normalize("NFKC", title))
    return "plan:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def department_id(place: str | None, name: str) -> str:
    """Departments of one place are one node across that place's plans; places never merge."""
    return f"dept:{place or '-'}/{name}"


def task_id(pid: str, path: str) -> str:
    return f"{pid}#{path}"
