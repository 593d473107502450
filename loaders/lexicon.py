"""Lexicons shipped as data: the industry taxonomy, enterprises and partner institutions.

Each lexicon becomes one alternation regex (longest term first), compiled once per set of files,
so matching a task's text is a single linear scan.
"""

from __future__ import annotations

import os
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import yaml

from graph.errors import ParseError
from loaders.departments import DATA

INDUSTRIES_ENV: Final = "PLANKG_INDUSTRIES"
ENTITIES_ENV: Final = "PLANKG_ENTITIES"


def _nfkc(s: object) -> str:
    return unicodedata.normalize("NFKC", str(s)).strip()


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as e:
        raise ParseError(f"{path}: cannot read lexicon ({type(e).__name__})") from e
    if not isinstance(data, dict):
        raise ParseError(f"{path}: lexicon must be a YAML mapping")
    return data


def trie_pattern(words: list[str]) -> str:
    """An alternation of `words` written as a prefix tree (牵(?:头(?:部门|单位)?|…)|…), matching at
    each position the longest word that starts there, like the words sorted longest first: every
    option is greedy, so the first match found is the deepest one. The regex engine rules out a
    position after a character or two instead of trying every word."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[:1], []).append(w[1:])
    ends = "" in groups
    alts = [re.escape(c) + trie_pattern(rest) for c, rest in groups.items() if c]
    if not alts:
        return ""
    if len(alts) == 1 and not ends:
        return alts[0]
    return "(?:" + "|".join(alts) + ")" + ("?" if ends else "")


def _alternation(terms: dict[str, str]) -> re.Pattern[str]:
    if not terms:
        return re.compile(r"(?!x)x")
    return re.compile(trie_pattern(sorted(terms)))


class Occurrences:
    """The spans a regex matches in a document, to ask whether it can match in a part of it.

    Every place a word of the regex occurs lies inside one of the matches of a scan of the whole
    text (the scan either covers that place or tries a match there), so a part of the text that no
    match overlaps holds none of the words. Tasks ask this instead of scanning their own text."""

    def __init__(self, rx: re.Pattern[str], text: str, always: bool = False) -> None:
        self.always = always
        self.starts: list[int] = []
        self.ends: list[int] = []
        if not always:
            for m in rx.finditer(text):
                self.starts.append(m.start())
                self.ends.append(m.end())

    def within(self, start: int, end: int) -> bool:
        if self.always:
            return True
        i = bisect_right(self.ends, start)  # the first match ending after `start`
        return i < len(self.starts) and self.starts[i] < end


@dataclass(frozen=True)
class Lexicon:
    """term -> canonical value, and one regex matching any term."""

    terms: dict[str, str]
    regex: re.Pattern[str]

    def terms_in(self, text: str) -> list[str]:
        """The terms as written of find(text), without building its tuples."""
        return self.regex.findall(text)

    def find(self, text: str) -> list[tuple[str, str, int]]:
        """(term as written, canonical, offset) for each non-overlapping match."""
        return [(m[0], self.terms[m[0]], m.start()) for m in self.regex.finditer(text)]


def _env_paths(var: str) -> tuple[str, ...]:
    return tuple(p for p in os.environ.get(var, "").split(os.pathsep) if p)


@lru_cache(maxsize=8)
def _taxonomy(paths: tuple[str, ...]) -> Lexicon:
    terms: dict[str, str] = {}
    for path in (DATA / "industries.yaml", *map(Path, paths)):
        for raw_chain, words in (_read(path).get("chains") or {}).items():
            chain = _nfkc(raw_chain)
            for w in [chain, *(words or [])]:
                terms[_nfkc(w)] = chain
    return Lexicon(terms, _alternation(terms))


def taxonomy(extra: tuple[str, ...] = ()) -> Lexicon:
    """The industry taxonomy: shipped data, then PLANKG_INDUSTRIES files, then `extra`."""
    return _taxonomy(_env_paths(INDUSTRIES_ENV) + tuple(extra))


@lru_cache(maxsize=8)
def _entities(paths: tuple[str, ...]) -> tuple[Lexicon, Lexicon]:
    ents: dict[str, str] = {}
    parts: dict[str, str] = {}
    for path in (DATA / "entities.yaml", *map(Path, paths)):
        data = _read(path)
        for target, key in ((ents, "enterprises"), (parts, "partners")):
            for raw_name, aliases in (data.get(key) or {}).items():
                name = _nfkc(raw_name)
                for w in [name, *(aliases or [])]:
                    target[_nfkc(w)] = name
    return Lexicon(ents, _alternation(ents)), Lexicon(parts, _alternation(parts))


@lru_cache(maxsize=8)
def _entity_words(paths: tuple[str, ...]) -> tuple[re.Pattern[str], bool]:
    ents, parts = _entities(paths)
    words = sorted({*ents.terms, *parts.terms, *ENTERPRISE_SUFFIXES, *PARTNER_SUFFIXES})
    unsafe = any(not w or any(c.isspace() for c in w) for w in words)  # see Occurrences
    return re.compile(trie_pattern(words)), unsafe


def entity_occurrences(text: str, extra: tuple[str, ...] = ()) -> Occurrences:
    """Where an enterprise or a partner of the lexicons, or a suffix a name pattern ends in
    (公司, 大学 …), occurs in `text`: one scan for all four per-task scans it stands in for."""
    rx, unsafe = _entity_words(_env_paths(ENTITIES_ENV) + tuple(extra))
    return Occurrences(rx, text, always=unsafe)


def entities(extra: tuple[str, ...] = ()) -> tuple[Lexicon, Lexicon]:
    """(enterprises, partners): shipped data, then PLANKG_ENTITIES files, then `extra`."""
    return _entities(_env_paths(ENTITIES_ENV) + tuple(extra))


# Name patterns; the left edge is trimmed after the last verb or function word.
ENTERPRISE_SUFFIXES: Final = ("股份有限公司", "有限责任公司", "有限公司", "集团")
PARTNER_SUFFIXES: Final = ("大学", "科学院", "研究院", "研究所", "学院")
_ENTERPRISE_SUFFIX: Final = re.compile("|".join(ENTERPRISE_SUFFIXES))
_PARTNER_SUFFIX: Final = re.compile("|".join(PARTNER_SUFFIXES))
_ENTERPRISE_CHARS: Final = re.compile(r"[\u4e00-\u9fff()]+$")
_PARTNER_CHARS: Final = re.compile(r"[\u4e00-\u9fff]+$")
_LEFT_STOP: Final = re.compile(
    r".*(?:支持|依托|推动|鼓励|引导|加快|实施|推进|培育|引进|联合|深化|加强|发挥|组织|协调|"
    r"整合|打造|建设|扶持|对接|与|同|和|、|及|以|由|在|为|对|向|的|等|是)"
)
_NOT_NAMES: Final = re.compile(r"^(?:企业|龙头|公司|国有|民营|重点|骨干|相关|有关|各|本|该|大型|中小|小微|院士|高等|职业)")


def _trim(name: str) -> str:
    m = _LEFT_STOP.match(name)
    return name[m.end():] if m else name


def pattern_names(text: str, kind: str) -> list[str]:
    ent = kind == "enterprise"
    rx, chars, width = (_ENTERPRISE_SUFFIX, _ENTERPRISE_CHARS, 16) if ent else (_PARTNER_SUFFIX, _PARTNER_CHARS, 12)
    out: list[str] = []
    last = 0
    prev_end = -1  # end of the last name emitted
    for m in rx.finditer(text):
        # the run of name characters (at most `width`) before the suffix, not reaching back
        # into the previous name
        run = chars.search(text, max(last, m.start() - width), m.start())
        last = m.end()
        if run is None or run.end() != m.start() or m.start() - run.start() < 2:
            continue
        name = _trim(text[run.start(): m.end()])
        suffix_len = 4 if kind == "enterprise" and name.endswith("有限公司") else 2
        if len(name) - suffix_len >= 2 and not _NOT_NAMES.match(name):
            if not ent and out and run.start() == prev_end:
                # 福建农林大学安溪茶学院, 中国科学院地球化学研究所: a college or institute of the one before
                out[-1] += name
            else:
                out.append(name)
            prev_end = m.end()
    return out
