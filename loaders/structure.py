"""Lines and headings: the numbered outline 一、 / (一) / 1. / (1) / ① of a plan.

Headings are recognised per line by their numbering style; the nesting comes from the order in
which styles first appear under a parent (a stack), so plans that skip a level or use the styles
in another order still nest correctly.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

CN_DIGITS: Final = "零〇一二三四五六七八九十百两"
CIRCLED: Final = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
NEG_CIRCLED: Final = "❶❷❸❹❺❻❼❽❾❿"

# (style, regex on the NFKC line). Style names are stable keys, not levels.
_HEADING_RE: Final = re.compile(
    r"^\s*(?:(?P<cn>[一二三四五六七八九十]{1,3}[、.．]\s*)|(?P<part>第[一二三四五六七八九十]{1,3}部分\s*)"
    r"|(?P<chap>第[一二三四五六七八九十]{1,3}章\s*)|(?P<sect>第[一二三四五六七八九十]{1,3}节\s*)"
    r"|(?P<art>第[一二三四五六七八九十]{1,3}条\s*)"
    r"|(?P<pcn>\([一二三四五六七八九十]{1,3}\)\s*)|(?P<num>\d{1,3}[、.．](?!\d)\s*)|(?P<pnum>\(\d{1,3}\)\s*)"
    r"|(?P<circ>[" + NEG_CIRCLED + r"]\s*)|(?P<alpha>\(?[a-z]\)\s*(?=[\u4e00-\u9fff])))"
)


_BOX: Final = re.compile(r"^\s*专栏\s*\d*\s*[\u4e00-\u9fff]")
_BOX_END: Final = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.]|\([一二三四五六七八九十]{1,3}\))")
_STARTS: Final = frozenset("一二三四五六七八九十(第0123456789abcdefghijklmnopqrstuvwxyz" + NEG_CIRCLED)


@dataclass(init=False)
class Line:
    start: int
    end: int
    text: str

    # written out: mypyc compiles this __init__ (a dataclass's generated one runs as Python code)
    def __init__(self, start: int, end: int, text: str) -> None:
        self.start = start
        self.end = end
        self.text = text


@dataclass(init=False)
class Heading:
    style: str
    number: str  # as written (after NFKC), e.g. "(4)", "2.", "一、", "①"
    line: int  # index into lines
    start: int
    end: int  # end of the heading's own section (before the next heading)
    body_start: int  # offset just after the number
    path: str
    level: int
    parent: int | None
    children: list[int]
    section: str  # for unnumbered paragraphs: the short title line above (保障措施 …)
    #: an inline item's own end when text after it belongs to its parent (…(牵头:A)。到2024年底,…)
    own_end: int

    # written out: mypyc compiles this __init__ (a dataclass's generated one runs as Python code)
    def __init__(self, style: str, number: str, line: int, start: int, end: int, *, body_start: int,
                 section: str = "", own_end: int = -1) -> None:
        self.style = style
        self.number = number
        self.line = line
        self.start = start
        self.end = end
        self.body_start = body_start
        self.path = ""
        self.level = 0
        self.parent = None
        self.children = []
        self.section = section
        self.own_end = own_end


def split_lines(text: str) -> list[Line]:
    out: list[Line] = []
    start = 0
    for part in text.split("\n"):  # (a loop, not map(Line, …): compiled, Line() is a direct call)
        end = start + len(part)
        out.append(Line(start, end, part))
        start = end + 1
    return out


_ANY_CIRCLED: Final = re.compile("[" + CIRCLED + "]")


_ITEM_BEFORE: Final = frozenset("。;:,，；：")


def circled_items(raw: str) -> tuple[dict[int, str], dict[int, list[tuple[int, str]]]]:
    """Where ①..⑳ stand in the raw text (NFKC turns ① into a bare digit, so ③2025年… would otherwise
    read as 32025年…), by one scan of its lines:
    - lines that begin with one: line index -> that character;
    - items inside a line (…。①开展…(A牵头);②发展…(B牵头)。): line index -> (column in the
      normalised line, character) of each one that follows a stop, a colon or a comma."""
    import unicodedata

    starts: dict[int, str] = {}
    inline: dict[int, list[tuple[int, str]]] = {}
    if not _ANY_CIRCLED.search(raw):
        return starts, inline
    for i, line in enumerate(re.split(r"\r\n|\r|\n", raw.replace("\ufeff", ""))):
        if not _ANY_CIRCLED.search(line):
            continue
        first = len(line) - len(line.lstrip(" \t\u3000"))
        if line[first] in CIRCLED:  # (the line holds one, so it is not blank)
            starts[i] = line[first]
        found = []
        for m in _ANY_CIRCLED.finditer(line, first + 1):
            before = line[first: m.start()].rstrip(" \t\u3000")
            if before and before[-1] in _ITEM_BEFORE:
                found.append((len(unicodedata.normalize("NFKC", line[: m.start()])), m.group(0)))
        if found:
            inline[i] = found
    return starts, inline


_ORDINAL_ITEM: Final = re.compile(r"(?<=[。;:,])[^\S\n]*([一二三四五六七八九十]是)")
_ORDINALS: Final = "一二三四五六七八九十"


def inline_ordinals(lines: list[Line], text: str) -> dict[int, list[tuple[int, str]]]:
    """一是…;二是…;三是… inside a line (after a stop, a colon or a comma, numbered on from 一是):
    line index -> (column, 一是) of each item, for lines holding two or more."""
    out: dict[int, list[tuple[int, str]]] = {}
    k = text.find("一是")
    while k >= 0:
        i = bisect_left(lines, k + 1, key=lambda ln: ln.start) - 1  # the line holding k
        ln = lines[i]
        items: list[tuple[int, str]] = []
        for m in _ORDINAL_ITEM.finditer(ln.text):
            if len(items) < len(_ORDINALS) and m.group(1)[0] == _ORDINALS[len(items)]:
                items.append((m.start(1), m.group(1)))
        if len(items) >= 2:
            out[i] = items
        k = text.find("一是", ln.end)
    return out


def detect_headings(lines: list[Line], circled: dict[int, str], skip_until: int = 0,
                    text: str | None = None) -> list[Heading]:
    """Numbered lines from `skip_until` on; `text` (the text `lines` were split from) allows one
    scan of the whole text instead of a regex call per line when no line starts with ① or 专栏."""
    if text is not None and not circled and "专栏" not in text:
        return _scan_headings(lines, text, skip_until)
    heads: list[Heading] = []
    in_box = False
    for i, ln in enumerate(lines):
        if ln.start < skip_until:
            continue
        t = ln.text
        # a 专栏 box (专栏1 …重点工程, then numbered project lines up to a blank line) is part of
        # the task it follows: its numbered lines are not tasks
        if "专栏" in t and _BOX.match(t):
            in_box = True
            continue
        if in_box:
            if not t.strip() or _BOX_END.match(t):
                in_box = False
            else:
                continue
        if not t or (t[0] not in _STARTS and t.lstrip()[:1] not in _STARTS):
            continue
        style = number = None
        m = None
        if i in circled:
            char = circled[i]
            digits = str(CIRCLED.index(char) + 1)
            m = re.compile(r"^\s*" + digits).match(t)
            if m:
                style = "circ"
                number = char
        if style is None:
            m = _HEADING_RE.match(t)
            if m:
                style = m.lastgroup
                number = m.group(0).strip()
        if style is None or number is None or m is None:
            continue
        if len(t) - m.end() < 2:  # a bare number is a table row or a page number, not a heading
            continue
        heads.append(Heading(style, number, i, ln.start, ln.end, body_start=ln.start + m.end()))
    return heads


#: _HEADING_RE for a whole text: its blanks never cross a line end, so a match at a line's start
#: is the match _HEADING_RE finds in that line alone. _HEADING_AFTER_NL starts with the line end
#: before the line instead of ^: a regex that starts with a fixed character is scanned many times
#: faster (^ is tried at every position).
_HEADING_LINE: Final = re.compile(_HEADING_RE.pattern.replace(r"\s", r"[^\S\n]"), re.M)
_HEADING_AFTER_NL: Final = re.compile("\n" + _HEADING_RE.pattern.removeprefix("^").replace(r"\s", r"[^\S\n]"))


def _scan_headings(lines: list[Line], text: str, skip_until: int) -> list[Heading]:
    heads: list[Heading] = []
    k = bisect_left(lines, skip_until, key=lambda ln: ln.start)  # the first line read
    if k == len(lines):
        return heads
    last = lines[k].start
    first = _HEADING_LINE.match(text, last)
    found = _HEADING_AFTER_NL.finditer(text, last)  # each match starts at the line end before its line
    for m, at in ([(first, last)] if first else []) + [(m, m.start() + 1) for m in found]:
        k += text.count("\n", last, at)  # the line the match is in
        last = at
        ln = lines[k]
        t = ln.text
        if t.lstrip()[:1] not in _STARTS:  # as in detect_headings: \d is more than 0-9
            continue
        if ln.end - m.end() < 2 or m.lastgroup is None:  # a bare number is a table row or a page number
            continue
        heads.append(Heading(m.lastgroup, m[0].strip(), k, ln.start, ln.end, body_start=m.end()))
    return heads


def nest(heads: list[Heading], text_end: int) -> None:
    """Assign parents, levels, paths and section ends in place."""
    stack: list[int] = []  # indices into heads
    open_styles: set[str] = set()
    for k, h in enumerate(heads):
        style = h.style
        # a style already open on the stack closes the levels opened since
        while stack and style in open_styles:
            open_styles.discard(heads[stack.pop()].style)
        if stack:
            up = heads[stack[-1]]
            h.parent = stack[-1]
            up.children.append(k)
            h.path = up.path + _path_part(h.number)
        else:
            h.path = _path_part(h.number)
        h.level = len(stack) + 1
        stack.append(k)
        open_styles.add(style)
    for h, after in pairwise(heads):
        h.end = max(after.start - 1, h.start)
    if heads:
        heads[-1].end = max(text_end, heads[-1].start)


def _path_part(number: str) -> str:  # (no lru_cache: compiled, its wrapper costs more than this)
    if number.startswith("第") or number.endswith(("部分", "章", "节", "条")):
        return number
    return number.strip().replace("．", ".")


_TITLE_END: Final = re.compile(r"[。;!?]")


def heading_title(text: str) -> str:
    """A heading's title: its text up to the first full stop, without an annotation."""
    m = _TITLE_END.search(text)
    title = text[: m.start()] if m else text
    c = title.find(":") if ":" in title else -1  # (`in` and slices below: no argument tuple to build)
    if ((0 < c <= 30 and m is None) or 0 < c <= 20) and not _ROLE_WORDS.search(title, 0, c):
        title = title[:c]
    if title[-1:] in (")", "〕", "】"):
        title = _TRAILING_ANNOTATION.sub("", title)
    # (most titles hold no bracket: three rfind calls cost more than the three `in` tests)
    k = max(title.rfind("("), title.rfind("〔"), title.rfind("【")) if "(" in title or "〔" in title or "【" in title else -1
    if k > 0 and not any(c in title[k:] for c in ")〕】") and _ANNOTATION_WORDS.search(title, k):
        # 推动跨境电商高质量发展(主责单位:A;协同单位:B)。: the stop inside the bracket cut it open
        title = title[:k]
    return title.strip().rstrip("。.,;")


_ROLE_WORDS: Final = re.compile(r"牵头|责任|配合|单位|部门")
_ANNOTATION_WORDS: Final = re.compile(r"牵头|责任|配合|协办|参与|主办|负责|主责|协同")
_TRAILING_ANNOTATION: Final = re.compile(
    r"\s*[(〔【][^()〔〕【】]*(?:牵头|责任|配合|协办|参与|主办|负责|主责|协同)[^()〔〕【】]*[)〕】]\s*$"
)
