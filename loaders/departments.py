"""The department registry: as-written names -> canonical names, collective parties, splitting.

The registry is data (loaders/data/departments.yaml) merged with the user's own files named by
PLANKG_DEPARTMENTS (os.pathsep-separated) or passed explicitly. Canonicalisation is deliberately
conservative: only the plan's own place name and level prefix are stripped, and two names are
merged only when the registry (or the document itself, through 以下简称) says they are one body;
look-alike names become alias candidates for a person to judge.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Final

import yaml

from graph.errors import ParseError

#: the shipped data files (by the package, not __file__: a compiled module's __file__ is the path
#: mypyc compiled it from)
DATA: Final = Path(str(resources.files("loaders"))) / "data"
ENV_VAR: Final = "PLANKG_DEPARTMENTS"

LEVEL_CHARS: Final = "省市县区旗盟州"
#: Endings of a body's name; a phrase that ends in none of these is not taken for a department.
SUFFIXES: Final = (
    "局", "委", "办", "部", "厅", "院", "中心", "公司", "馆", "队", "委员会", "协会", "商会", "联合会",
    "管委会", "总工会", "学会", "促进会", "研究会", "政府", "办事处", "联", "电视台", "气象台", "海关",
    "集团", "银行", "支行", "分行", "分局", "支队", "大队", "中队", "学校", "大学", "园区", "机场",
    "部门", "单位", "机构", "医院", "街道", "供销社", "合作社", "联社", "研究所", "派出所", "事务所",
    "管理所", "管理处", "办公室", "研究室", "处", "室", "站", "所", "报社", "机关", "成员单位", "居委会", "村委会", "署",
)
_SUFFIX_RE: Final = re.compile("(?:" + "|".join(sorted(SUFFIXES, key=len, reverse=True)) + ")$")
_COLLECTIVE_RE: Final = re.compile(
    r"^(?:[省市县区旗州盟]直)?(各|有关|相关|其他|其它)|.(?:各|有关|相关)(?:成员)?(?:单位|部门)$"
)
#: bodies that coordinate rather than carry tasks; never read as a department
_NOT_DEPT: Final = re.compile(
    r"(?:领导小组|联席会议|指挥部|工作专班|责任单位|牵头单位|配合单位|全部|内部|外部|局部|东部|西部|南部|"
    r"北部|中部|干部|俱乐部|总部|本部|基层单位|用人单位|中心城区|网站|车站|基站|加油站|充电站|换电站|场所|住所|厕所|"
    r"工作站|好处|到处|此处|深处|用处|益处|住处|难处|教室|会议室|卫生室|值班室|档案室|阅览室|活动室|实验室|科室|温室)$"
)
_BAD_CHARS: Final = re.compile(r"\d+(?:\.\d+)?[个家项名万亿元%批所座处条]|[。;:!?\"“”《》]|负责|推进|加强|建立|开展|实施|落实|任务|第一位|工作$")


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()


@dataclass(frozen=True)
class Entry:
    name: str
    collective: bool = False
    scope: str | None = None


@dataclass
class Registry:
    """Alias -> entry, built from the shipped YAML plus user files."""

    aliases: dict[str, Entry] = field(default_factory=dict)
    #: place-level parties named as written (villages, communities): patterns, and the endings
    #: that make a match a common noun instead (美丽乡村, 示范村)
    place_parties: list[re.Pattern[str]] = field(default_factory=list)
    not_places: tuple[str, ...] = ()
    #: place names of the document being read (set per document; used to split glued cells)
    places: tuple[str, ...] = ()
    _heads: list[str] | None = field(default=None, repr=False)
    #: name -> looks like a department (pure given the aliases; shared by per-document copies)
    _dept_cache: dict[str, bool] = field(default_factory=dict, repr=False)
    #: (place, level, name) -> entry, shared by per-document copies like _dept_cache
    _canon_cache: dict[tuple[str | None, str | None, str], Entry] = field(default_factory=dict, repr=False)
    #: other pure results that depend only on the aliases (e.g. names read back from a phrase)
    _memo: dict[tuple[str, str], tuple[tuple[str, ...], bool]] = field(default_factory=dict, repr=False)

    def heads(self) -> list[str]:
        """Registry names of three characters or more (where a glued name may start)."""
        if self._heads is None:
            self._heads = [a for a in self.aliases if len(a) >= 3]
        return self._heads

    def add_file(self, path: Path) -> None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as e:
            raise ParseError(f"{path}: cannot read department registry ({type(e).__name__})") from e
        if not isinstance(data, dict):
            raise ParseError(f"{path}: department registry must be a mapping with 'departments'")
        for name, aliases in (data.get("departments") or {}).items():
            entry = Entry(_nfkc(str(name)))
            self._add(entry, [name, *(aliases or [])])
        places = data.get("place_parties") or {}
        if not isinstance(places, dict):
            raise ParseError(f"{path}: 'place_parties' must be a mapping with 'patterns' and 'not'")
        try:
            self.place_parties.extend(re.compile(str(p)) for p in places.get("patterns") or [])
        except re.error as e:
            raise ParseError(f"{path}: bad place_parties pattern ({e})") from e
        self.not_places += tuple(_nfkc(str(w)) for w in places.get("not") or [])
        for name, raw_spec in (data.get("collective") or {}).items():
            spec = raw_spec or {}
            entry = Entry(_nfkc(str(name)), True, spec.get("scope") or scope_of(str(name)))
            self._add(entry, [name, *(spec.get("aliases") or [])])

    def _add(self, entry: Entry, names: Iterable[object]) -> None:
        for n in names:
            self.aliases[_nfkc(str(n))] = entry

    def lookup(self, name: str) -> Entry | None:
        return self.aliases.get(name)


def scope_of(name: str) -> str:
    return "some" if ("有关" in name or "相关" in name) else "all"


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> Registry:
    reg = Registry()
    reg.add_file(DATA / "departments.yaml")
    for p in paths:
        reg.add_file(Path(p))
    return reg


def load_registry(extra: Iterable[str | os.PathLike[str]] | None = None) -> Registry:
    """The shipped registry, then PLANKG_DEPARTMENTS files, then `extra` files (later wins)."""
    env = [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    return _load(tuple(env) + tuple(str(p) for p in (extra or ())))


def looks_like_department(name: str, reg: Registry) -> bool:
    cache = reg._dept_cache
    got = cache.get(name)
    if got is None:
        got = _looks_like_department(name, reg)
        if len(cache) < 200_000:
            cache[name] = got
    return got


def _looks_like_department(name: str, reg: Registry) -> bool:
    if not name or len(name) > 40 or _BAD_CHARS.search(name) or _NOT_DEPT.search(name):
        return False
    if reg.lookup(name) or (_COLLECTIVE_RE.match(name) and 3 <= len(name) <= 24):
        return True
    if name[0] in _PREFIX_CHARS and len(name) >= 3 and reg.lookup(name[1:]):
        return True  # 市贸促会, 县科协: a registry name under a level prefix
    if any(p.match(name) for p in reg.place_parties) and not name.endswith(reg.not_places):
        return True  # 槐植村, 城东社区: a village or community named as a party
    m = _COMPOSITE.match(name)
    if m:  # 市委宣传部(市新闻出版局): one body under two names
        return _looks_like_department(m.group(1), reg) and _looks_like_department(m.group(2), reg)
    if len(name) > 24:
        return False
    return len(name) >= 2 and bool(_SUFFIX_RE.search(name))


_PREFIX_CHARS: Final = frozenset(LEVEL_CHARS + "镇乡")
_SPLIT: Final = re.compile(r"[、,;/]|及|以及|和(?=[各有相])")
_TRAIL: Final = re.compile(r"(?:等(?:部门|单位)?|按职责分工负责|按职责分工|按照职责分工负责|分别负责|共同负责|负责|牵头|配合|参与|落实|分别)+$")


_COMPOSITE: Final = re.compile(r"^([^()]{2,24})\(([^()、,]{2,16})\)$")


def split_names(text: str) -> list[str]:
    """Split a list of parties on 、 , ; / 及, never inside brackets: 各县(市、区)人民政府 is one."""
    return list(_split_names(text))


@lru_cache(maxsize=65536)
def _split_names(text: str) -> tuple[str, ...]:
    names = []
    for raw in split_pieces(text):
        name = clean_name(raw)
        if name:
            names.append(name)
    return tuple(distribute_suffix(names))


_BRACKETS: Final = re.compile(r"[(〔【\[]")
_ANY_BRACKET: Final = re.compile(r"[(〔【\[)〕】\]]")


def split_pieces(text: str, splitter: re.Pattern[str] | None = None) -> list[str]:
    """Raw pieces between separators at bracket depth 0."""
    rx = splitter or _SPLIT
    if not _BRACKETS.search(text):
        return rx.split(text)
    # separators hold no bracket, so only the brackets move the depth, and where it is 0 the
    # separators of the stretch up to the next bracket are found by one regex scan
    out: list[str] = []
    piece = 0  # where the current piece starts
    depth = 0
    pos = 0  # next position a separator may start at
    for b in (*_ANY_BRACKET.finditer(text), None):
        stop = b.start() if b is not None else len(text)
        if depth == 0 and pos < stop:
            for m in rx.finditer(text, pos):
                if m.start() >= stop:
                    break
                if m.end() > m.start():
                    out.append(text[piece: m.start()])
                    piece = m.end()
            pos = stop
        if b is None:
            break
        depth = depth + 1 if b[0] in "(〔【[" else max(0, depth - 1)
        pos = max(pos, stop + 1)
    out.append(text[piece:])
    return out


_BARE_PLACE: Final = re.compile(r"^[\u4e00-\u9fff]{1,6}[县市区旗镇乡]$")
_PLACE_ENDS: Final = frozenset("县市区旗镇乡")
_PLACE_BODY: Final = re.compile(r"^([\u4e00-\u9fff]{1,6}?[县市区旗镇乡])((?:人民)?政府|[\u4e00-\u9fff]{2,8}局)$")


def distribute_suffix(names: list[str]) -> list[str]:
    """阳朔县、灵川县人民政府 names two governments: a bare place before a place+body takes its body."""
    out = list(names)
    for i in range(len(out) - 1, -1, -1):
        if out[i].rstrip("\n")[-1:] not in _PLACE_ENDS or not _BARE_PLACE.match(out[i]):
            continue  # (the first test: what every _BARE_PLACE match ends in, far cheaper)
        for j in range(i + 1, len(out)):
            m = _PLACE_BODY.match(out[j])
            if m:
                out[i] = out[i] + m.group(2)
                break
            if not _BARE_PLACE.match(out[j]):
                break
    return out


_TRAIL_LAST: Final = frozenset("等门位责工头合与实别")


#: clean_name's answers: the same few names are cleaned again and again across a document's
#: annotations (pure, so shared by all documents; bounded like the registry's memos)
_CLEANED: dict[str, str] = {}


def clean_name(raw: str) -> str:
    got = _CLEANED.get(raw)
    if got is None:
        got = _clean_name(raw)
        if len(_CLEANED) < 100_000:
            _CLEANED[raw] = got
    return got


#: (以下简称区住建交局) after a name defines an abbreviation: it is no part of the name
_ABBREVIATION: Final = re.compile(r"\((?:(?:以下|下文)?简称|下称)[^()]{1,20}\)")


def _clean_name(raw: str) -> str:
    # a leading dash opens roles written after a paragraph: …。——A负责,B协助
    name = raw.strip().strip("\"'“”‘’ \t。.").lstrip("—–-~").replace("〔", "(").replace("〕", ")")
    if "称" in name:
        name = _ABBREVIATION.sub("", name)
    if name and name[-1] in _TRAIL_LAST:
        name = _TRAIL.sub("", name).strip()
    if name.startswith("由"):
        name = name[1:]
    return name


#: 市发展和改革委员会(以下简称市发改委) / (下称"市发改委"): the document's own short name for a body
_DEFINED: Final = re.compile(r"\((?:(?:以下|下文)?简称|下称)[\"“]?([^()\"“”]{2,20}?)[\"”]?\)")
_DEFINED_CUT: Final = re.compile(r"[,;。:、\n—()]")


def defined_abbreviations(text: str, reg: Registry) -> dict[str, str]:
    """Short name -> full name, for each body the document names with (以下简称…). The full name is
    the piece before the bracket (back to a separator); both must look like bodies, and the full one
    must start with a level prefix or the plan's place or be a registry name (not 会同市发改委)."""
    out: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        short = m.group(1)
        before = text[max(0, m.start() - 40): m.start()]
        cuts = list(_DEFINED_CUT.finditer(before))
        full = clean_name(before[cuts[-1].end():] if cuts else before)
        if not full or full == short or not looks_like_department(short, reg) or not looks_like_department(full, reg):
            continue
        if reg.lookup(full) or full[0] in _PREFIX_CHARS or any(full.startswith(p) for p in reg.places):
            out[short] = full
    return out


class Canon:
    """Canonicalises as-written names for one document (place- and level-aware)."""

    def __init__(self, reg: Registry, place: str | None, level: str | None) -> None:
        self.reg = reg
        self.place = place
        self.level = level
        self.local: dict[str, str] = {}  # 以下简称 definitions of this document
        prefixes = []
        if place:
            prefixes += [place + "委", place]
        if level:
            prefixes += [level + "委", level]
        self.prefixes = prefixes
        self._seen: dict[str, Entry] = {}  # this document's names: a task names the same few again and again

    def entry(self, name: str) -> Entry:
        if self.local:
            return self._entry(name)
        got = self._seen.get(name)
        if got is None:
            got = self._seen[name] = self._shared_entry(name)
        return got

    def _shared_entry(self, name: str) -> Entry:
        key = (self.place, self.level, name)
        cache = self.reg._canon_cache
        got = cache.get(key)
        if got is None:
            got = self._entry(name)
            if len(cache) < 200_000:
                cache[key] = got
        return got

    def _entry(self, name: str) -> Entry:
        if name in self.local:
            name = self.local[name]
        e = self.reg.lookup(name)
        if e:
            return e
        for p in self.prefixes:
            if name.startswith(p) and len(name) > len(p) + 1:
                rest = name[len(p):]
                e = self.reg.lookup(rest)
                if e:
                    return e
                # the plan's own place or level prefix goes (县商务和投资促进局 -> 商务和投资促进局),
                # unless it starts a word (市场…, 区域…, 县级…)
                if not _WORD_AFTER_PREFIX.match(name) and looks_like_department(rest, self.reg):
                    return Entry(rest, bool(_COLLECTIVE_RE.match(rest)), _scope(rest))
        if _COLLECTIVE_RE.match(name):
            return Entry(name, True, scope_of(name))
        return Entry(name)


_WORD_AFTER_PREFIX: Final = re.compile(r"^(?:市场|市政(?!府|务)|市民|区域|区块|县域|旗县|市县|县乡|[省市县区旗]级|[省市县区旗]直)")


def _scope(name: str) -> str | None:
    return scope_of(name) if _COLLECTIVE_RE.match(name) else None


def is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)
