"""Responsibility annotations: who leads, who supports, who is the responsible leader.

Three shapes carry the same facts:
  keyed     (牵头部门:A、B;配合部门:C) / lines 牵头单位:A / 〔责任单位:A、B按职责分工负责〕
  sentence  由A牵头,B、C配合 / A负责,B配合 / B、C按职责分工负责
  table     a 任务分工表 row (loaders.tables), which ends in the keyed shape.
All are reduced to `Roles`; `resolve` then applies the rule that 责任单位 support when a 牵头单位
is named and lead otherwise (or only the first leads, under a 排在第一位的为牵头单位 convention).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Final

from loaders.departments import (
    _BARE_PLACE,
    _PLACE_BODY,
    _PLACE_ENDS,
    Registry,
    _split_names,
    clean_name,
    looks_like_department,
    split_names,
    split_pieces,
)
from loaders.lexicon import trie_pattern

PERSON_KEYS: Final = (
    "责任领导|牵头领导|分管领导|包联领导|联系领导|责任人|负责人|牵头市领导|牵头县领导|牵头旗领导|牵头区领导|"
    "牵头省领导|责任市领导|责任县领导|责任区领导|分管市领导|分管县领导|分管区领导|包联县领导"
)
LEAD_KEYS: Final = "牵头部门|牵头单位|牵头责任单位|主责部门|主责单位|主办单位|主办部门|牵头处室|牵头"
RESP_KEYS: Final = "责任单位|责任处室|责任部门|负责单位|负责部门|实施单位|承办单位|落实单位|责任主体|主体责任单位"
SUPPORT_KEYS: Final = (
    "配合部门|配合单位|协办单位|协办部门|参与单位|参与部门|协同单位|协同部门|协助单位|协作单位|参加单位|"
    "配合责任单位|支持单位|配合处室|配合"
)
DEADLINE_KEYS: Final = "完成时限|完成时间|时间节点|时限要求|完成期限|时限|进度安排"
_ALL_KEYS: Final = "|".join((PERSON_KEYS, RESP_KEYS, SUPPORT_KEYS, LEAD_KEYS, DEADLINE_KEYS))


#: `牵头单位:` or `【牵头单位】` (the key in black brackets, no colon). The keys are written as a
#: prefix tree; the order of the alternatives does not matter, as at most one key can be followed
#: by 】 or by a colon (keys hold neither, nor spaces).
KEY_RE: Final = re.compile(r"【(" + trie_pattern(_ALL_KEYS.split("|")) + r")】\s*:?\s*|(" + trie_pattern(_ALL_KEYS.split("|")) + r")\s*[:]\s*")
#: where a KEY_RE match can start: 【 closed within a key's length, or a key's first two characters
#: followed, within the rest of a key's length, by a colon. KEY_RE tries all its keys at every
#: position (~100 ns a character); this alternation of literals is scanned far faster, and KEY_RE is
#: then tried only where it may match (配合 and 责任 are common words; a colon after them is not).
_KEY_LONGEST: Final = max(len(k) for k in _ALL_KEYS.split("|"))
#: (the lookahead is repeated in each alternative so that each starts with a literal: that is what
#: lets the regex engine skip ahead to the next possible first character)
_KEY_HEAD: Final = re.compile("|".join(
    [rf"【(?=[^】]{{1,{_KEY_LONGEST}}}】)"]
    + [rf"{h}(?=[^\s:]{{0,{_KEY_LONGEST - 2}}}\s*:)" for h in sorted({k[:2] for k in _ALL_KEYS.split("|")})]
))


def key_matches(text: str, pos: int = 0, endpos: int | None = None) -> list[re.Match[str]]:
    """KEY_RE.finditer(text, pos, endpos), faster: the same matches."""
    end = len(text) if endpos is None else endpos
    out: list[re.Match[str]] = []
    head = _KEY_HEAD.search
    match = KEY_RE.match
    while True:
        c = head(text, pos, end)
        if c is None:
            return out
        m = match(text, c.start(), end)
        if m:
            out.append(m)
            pos = m.end()  # a key is never empty, so the scan always moves on
        else:
            pos = c.start() + 1


def key_search(text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
    """KEY_RE.search(text, pos, endpos), faster: the same match."""
    end = len(text) if endpos is None else endpos
    while True:
        c = _KEY_HEAD.search(text, pos, end)
        if c is None:
            return None
        m = KEY_RE.match(text, c.start(), end)
        if m:
            return m
        pos = c.start() + 1


_KIND: Final = {}
for _kind, _keys in (("person", PERSON_KEYS), ("lead", LEAD_KEYS), ("resp", RESP_KEYS),
                     ("support", SUPPORT_KEYS), ("deadline", DEADLINE_KEYS)):
    for _k in _keys.split("|"):
        _KIND[_k] = _kind

# every alternative starts with a plain character, so the regex engine skips to the characters
# that can start one instead of trying each alternative at every position (same matches as
# (?:为|是|作为)牵头(?:单位|部门)|…)
TRIGGER_RE: Final = re.compile(
    r"为牵头(?:单位|部门)|是牵头(?:单位|部门)|作为牵头(?:单位|部门)|按照?职责分工负责|按职责负责|分别负责|共同负责|牵头负责|牵头(?!单位|部门|领导|人|责任)|"
    r"负责(?!人|单位|部门|同志|解释)|协助配合|配合(?!单位|部门)|参与(?!单位|部门)|协助(?!单位)|协办(?!单位)"
)
_TRIGGER_KIND: Final = {"牵头负责": "lead", "牵头": "lead", "负责": "lead_or_resp"}
BRACKET_RE: Final = re.compile(
    r"[(〔【\[]([^()〔〕【】\[\]]*(?:(?:\([^()]*\)|〔[^〔〕]*〕)[^()〔〕【】\[\]]*)*)[)〕】\]]"
)
_ROLE_HINT: Final = re.compile(r"牵头|责任|配合|协办|参与|主办|负责|协助|协同|领导")
FIRST_IS_LEAD_RE: Final = re.compile(r"(?:排|列|位)在?(?:第一|首)位的?(?:单位|部门)?为牵头|第一(?:个|位)?(?:单位|部门)为牵头|首位(?:单位|部门)?为牵头")
_STICKY: Final = re.compile(r"[,(]?\s*下同\s*\)?")


def _add_new(mine: list[str], names: list[str]) -> None:
    """Append the names not in `mine` yet, one at a time, so a name twice in `names` is added once."""
    for n in names:
        if n not in mine:
            mine.append(n)


@dataclass(init=False)
class Roles:
    lead: list[str]
    resp: list[str]
    support: list[str]
    persons: list[str]
    deadline: str | None
    sticky: list[tuple[str, str]]  # (role, name) marked 下同

    def __init__(self, *, lead: list[str] | None = None, resp: list[str] | None = None,
                 support: list[str] | None = None, persons: list[str] | None = None,
                 deadline: str | None = None, sticky: list[tuple[str, str]] | None = None) -> None:
        # written out: dataclass default factories cost twice as much, and a task reads dozens of these
        self.lead = [] if lead is None else lead
        self.resp = [] if resp is None else resp
        self.support = [] if support is None else support
        self.persons = [] if persons is None else persons
        self.deadline = deadline
        self.sticky = [] if sticky is None else sticky

    def empty(self) -> bool:
        return not (self.lead or self.resp or self.support or self.persons)

    def copy(self) -> Roles:
        return Roles(lead=list(self.lead), resp=list(self.resp), support=list(self.support),
                     persons=list(self.persons), deadline=self.deadline, sticky=list(self.sticky))

    def merge(self, other: Roles) -> None:
        # per role, and only for roles `other` has (most are empty): merging runs for every annotation
        if other.lead:
            _add_new(self.lead, other.lead)
        if other.resp:
            _add_new(self.resp, other.resp)
        if other.support:
            _add_new(self.support, other.support)
        if other.persons:
            _add_new(self.persons, other.persons)
        self.deadline = self.deadline or other.deadline
        self.sticky.extend(other.sticky)


def resolve(r: Roles, first_is_lead: bool) -> tuple[list[str], list[str]]:
    """(lead, support) as written, before canonicalisation."""
    if r.lead:
        lead, support = list(r.lead), [*r.resp, *r.support]
    elif first_is_lead and r.resp:
        lead, support = r.resp[:1], [*r.resp[1:], *r.support]
    else:
        lead, support = list(r.resp), list(r.support)
    # dict.fromkeys keeps the first of each name; with fewer than two there is nothing to drop
    support = [n for n in (dict.fromkeys(support) if len(support) > 1 else support) if n not in lead]
    return (list(dict.fromkeys(lead)) if len(lead) > 1 else lead), support


def _names(value: str, reg: Registry) -> list[str]:
    known = reg._dept_cache  # looks_like_department's own memo, read directly on this hot path
    return [n for n in _split_names(value) if (known[n] if n in known else looks_like_department(n, reg))]


_REPEATED_LEAD: Final = re.compile(r"(?:共同|联合)(?:牵头|负责)$")


def parse_keyed(seg: str, reg: Registry, keys: list[re.Match[str]] | None = None) -> Roles:
    """`牵头单位:A、B;配合单位:C` (keys in any order, any separators between the roles); `keys` are
    key_matches(seg) when the caller has them already."""
    r = Roles()
    if keys is None:
        keys = key_matches(seg)
    for i, m in enumerate(keys):
        kind = _KIND[m[1] or m[2]]
        value = seg[m.end(): keys[i + 1].start() if i + 1 < len(keys) else len(seg)]
        value = value.strip().strip(";,。.").strip()
        if kind in ("lead", "resp") and value.endswith(("牵头", "负责")):  # 牵头:A、B共同牵头 — the verb repeats the key
            value = _REPEATED_LEAD.sub("", value)
        if kind == "deadline":
            r.deadline = value.split("\n")[0].strip(";,。") or None
            continue
        if kind == "person":
            r.persons.extend(person_names(value))
            continue
        if not _SPECIAL.search(value):  # a plain list of names: the common case
            getattr(r, kind).extend(_names(value, reg))
            continue
        sticky = bool(_STICKY.search(value))
        if sticky:
            value = _STICKY.sub("", value)
        value = _PAREN_DUTY.sub("", value)
        if _LEAD_MARK.search(value):
            # 责任单位:市发改委(牵头)、市财政局 -> the marked name leads, the others support
            marked = _marked_lead(value, reg)
            if marked is not None:
                r.merge(marked)
                continue
        if "牵头" in value and _MARKED_AS_LEAD.search(value):
            # 责任单位:A、B、C,A为牵头单位 -> A leads, B and C support
            sub = parse_sentence(value, reg)
            if sub.lead:
                rest = _names(_MARKED_AS_LEAD.sub("", value), reg)
                r.lead.extend(n for n in sub.lead if n not in r.lead)
                r.support.extend(n for n in [*rest, *sub.support] if n not in sub.lead and n not in r.support)
                continue
        if TRIGGER_RE.search(value) and not TRIGGER_RE.fullmatch(value.strip()):
            sub = parse_sentence(value, reg)
            if not sub.empty():
                if kind == "support":
                    sub = Roles(support=[*sub.lead, *sub.resp, *sub.support])
                r.merge(sub)
                continue
        names = _names(value, reg)
        getattr(r, kind).extend(names)
        if sticky and names:
            r.sticky.append((kind, names[-1]))
    return r


#: characters without which a role's value is a plain list of names (no 下同, (牵头), trigger words)
_SPECIAL: Final = re.compile(r"[下(牵按负配参协]")
_MARKED_AS_LEAD: Final = re.compile(r"[^、,;。]{0,30}(?:为|是|作为)牵头(?:单位|部门)")
_PAREN_DUTY: Final = re.compile(r"\((?:按照?职责分工负责|按职责分工|按职责负责|分别负责|共同负责|按职责)\)")
_LEAD_MARK: Final = re.compile(r"\((?:牵头|牵头单位|牵头部门|主责|总牵头)\)")


def _marked_lead(value: str, reg: Registry) -> Roles | None:
    out = Roles()
    for piece in split_names(_LEAD_MARK.sub("@@", value).replace("@@", "@")):
        is_lead = piece.endswith("@")
        name = piece.rstrip("@")
        if looks_like_department(name, reg):
            (out.lead if is_lead else out.support).append(name)
    return out if out.lead else None


_OFFICE: Final = re.compile(
    r"^.*?(?:副?(?:市|县|旗|区|省|州|盟)长|副?主任|副?书记|副?局长|副?部长|副?厅长|秘书长|副?组长|常委|委员|助理)"
)


_TITLE_AFTER: Final = re.compile(r"\s*\([^()]{2,20}\)\s*$")


def person_names(value: str) -> list[str]:
    """责任领导 values: '张三', '张三、李四', '市政府副市长 李某某', '王五同志' -> the names."""
    out = []
    for raw in split_names(value):
        piece = _TITLE_AFTER.sub("", raw)  # 林丽华(镇党委副书记): the bracket is her title
        name = piece.split()[-1] if piece.split() else piece
        name = _OFFICE.sub("", name).removesuffix("同志").strip()
        if 2 <= len(name) <= 4 and name not in out:
            out.append(name)
    return out


def parse_sentence(text: str, reg: Registry) -> Roles:
    """由A牵头,B、C配合 / A负责,B配合 / A、B按职责分工负责: parties are read backwards from the
    trigger word while they look like departments."""
    r = Roles()
    if "会同" in text:
        # A会同B、C负责: A acts with B and C, in charge: read as A牵头,B、C配合
        text = _TOGETHER.sub(r"牵头,\1配合", text)
    for m in TRIGGER_RE.finditer(text):
        word = m[0]
        if word.endswith(("牵头单位", "牵头部门")):
            # A为牵头单位: only the names right before it (back to a comma) lead
            cut = max(text.rfind(",", 0, m.start()), text.rfind("。", 0, m.start()))
            names, by = _names_before_by(text[cut + 1:], m.start() - cut - 1, reg)
            r.lead.extend(n for n in names if n not in r.lead)
            continue
        names, by = _names_before_by(text, m.start(), reg)
        if not names:
            continue
        kind = _TRIGGER_KIND.get(word)
        if kind is None:
            kind = "resp" if "负责" in word else "support"
        if kind == "lead_or_resp":
            # 由A负责 and A负责,B配合 name the lead; a bare A负责 is a responsible unit
            kind = "lead" if by or _later_support(text, m.end()) else "resp"
        target = getattr(r, kind)
        target.extend(n for n in names if n not in target)
    if (r.lead or r.resp) and ("指导" in text or "实施" in text or "落实" in text):
        # A负责,B、C指导 / …,相关街道办事处具体实施: after a named lead, the parties that guide or
        # carry out the work support it (only at a clause's end: 在A指导下 is no role)
        for m in _ASSIST_RE.finditer(text):
            names = [n for n in _names_before(text, m.start(), reg) if n not in r.lead and n not in r.resp]
            r.support.extend(n for n in names if n not in r.support)
    return r


_ASSIST_RE: Final = re.compile(r"(?:指导|具体实施|具体落实|组织实施|落实)(?=[,;。)]|$)")
_TOGETHER: Final = re.compile(r"会同([^,;。()会]{2,80}?)(?:共同)?(?:负责|牵头)(?=[,;。)]|$)")


_SUPPORT_WORD: Final = re.compile(r"配合|协助|参与|协办")


def _later_support(text: str, pos: int) -> bool:
    return bool(_SUPPORT_WORD.search(text, pos, pos + 60))


_PIECE: Final = re.compile(r"[、,]|以及|及")


def _names_before(text: str, pos: int, reg: Registry) -> list[str]:
    names, _ = _names_before_by(text, pos, reg)
    return names


def _names_before_by(text: str, pos: int, reg: Registry) -> tuple[list[str], bool]:
    """Names read backwards from `pos`, and whether they were introduced by 由."""
    start = max(text.rfind("。", 0, pos), text.rfind(";", 0, pos), text.rfind(":", 0, pos),
                text.rfind("\n", 0, pos)) + 1
    region = text[start:pos]
    memo = reg._memo
    key = ("back", region)
    got = memo.get(key)
    if got is None:
        got = _read_back(region, reg)
        if len(memo) < 100_000:
            memo[key] = got
    names, by = got
    return list(names), by


def _read_back(region: str, reg: Registry) -> tuple[tuple[str, ...], bool]:
    pieces = split_pieces(region, _PIECE)
    out: list[str] = []
    by = False
    for piece in reversed(pieces):
        raw = piece
        cut = raw.rfind("由")
        if cut > 0:
            raw = raw[cut:]  # 安全生产隐患排查整治由区民政局: the party follows 由
        if TRIGGER_RE.search(raw):
            break
        name = clean_name(raw)
        if out and name[-1:] in _PLACE_ENDS and _BARE_PLACE.match(name):
            # 长沙市、株洲市、湘潭市人民政府: a bare place before a place+body takes its body
            pb = _PLACE_BODY.match(out[-1])
            if pb:
                name += pb.group(2)
        if not name or not looks_like_department(name, reg):
            break
        out.append(name)
        if raw.strip().startswith("由"):
            by = True
            break
    return tuple(reversed(out)), by


@dataclass(init=False)
class Annotation:
    start: int
    end: int
    roles: Roles
    #: read from a free sentence (A负责…), not from brackets, labels or a table
    sentence: bool

    # written out: mypyc compiles this __init__ (a dataclass's generated one runs as Python code)
    def __init__(self, start: int, end: int, roles: Roles, sentence: bool = False) -> None:
        self.start = start
        self.end = end
        self.roles = roles
        self.sentence = sentence


_DATE_IN: Final = re.compile(r"(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末)?(?:前|以前)?")
_NOT_A_LIST: Final = re.compile(r"简称|下同|含|包括|即|如|以下|详见|见附件|试行|暂行|草案|修订|年|月|%")


_TOKEN_BEFORE: Final = re.compile(r"[^、,;:】\s。()]{2,24}$")


def _bare_list(text: str, m: re.Match[str], reg: Registry) -> Roles | None:
    """(市住房城乡建设局、市城管局,各区政府) closing a task's sentence: the units named are the
    responsible ones. Only when every part is a body and one is known (registry or collective);
    None when the bracket is no such list."""
    after = text[m.end(): m.end() + 1]
    before = text[m.start() - 1: m.start()] if m.start() else ""
    inner = m[1]
    if (after not in ("", "。", ";", "\n") and before != "。") or _NOT_A_LIST.search(inner):
        return None
    lead_in = _TOKEN_BEFORE.search(text, max(0, m.start() - 24), m.start())
    if lead_in and looks_like_department(lead_in.group(0), reg):
        return None  # 区商务局(区投资促进局): the second name of a body, not a list
    names = split_names(inner)
    if not names or not all(looks_like_department(n, reg) for n in names):
        return None
    if not any(_known(n, reg) for n in names):
        return None
    return Roles(resp=names)


def _known(name: str, reg: Registry) -> bool:
    if reg.lookup(name) or name.startswith(("各", "有关", "相关")):
        return True
    return any(reg.lookup(name[k:]) for k in (1, 2, 3) if len(name) - k >= 2)


_BARE_DUTY: Final = re.compile(r"(?:按职责分工|按照职责分工|按职责|分别|共同)?负责")
_ANY_ROLE: Final = re.compile(r"牵头|责任|配合|协办|参与|主办|负责|协助|协同|领导|主责|承办|实施单位|落实单位|时限")


def find_annotations(text: str, offset: int, reg: Registry) -> list[Annotation]:
    """Every annotation in one task's own text (offsets made absolute with `offset`)."""
    found: list[Annotation] = []
    taken: list[tuple[int, int]] = []
    has_bracket = "(" in text or "〔" in text or "【" in text or "[" in text
    if not has_bracket and not _ANY_ROLE.search(text):
        return found
    for m in BRACKET_RE.finditer(text) if has_bracket else ():
        inner = m[1]
        start = m.start()
        if _ROLE_HINT.search(inner):
            keys = key_matches(inner)
            r = parse_keyed(inner, reg, keys) if keys else parse_sentence(inner, reg)
            if r.empty() and _BARE_DUTY.fullmatch(inner.strip()):
                # 州国资委、州文化和旅游局(按职责分工负责): the parties stand before the bracket
                clause = max([text.rfind(c, 0, m.start()) + 1 for c in "。;\n"] + [taken[-1][1] if taken else 0])
                if not key_search(text, clause, m.start()):  # 责任单位:A(负责) is read as a keyed line
                    start = clause
                    r = parse_sentence(text[start: m.start()] + inner, reg)
        else:  # no role word inside (a heading's own (1), 以下简称…): at most a bare list of units
            bare = _bare_list(text, m, reg)
            if bare is None:
                continue
            r = bare
        if r.empty():
            continue
        if r.deadline is None:
            dm = _DATE_IN.search(inner) if "年" in inner else None  # every _DATE_IN match holds 年
            r.deadline = dm.group(0) if dm else None
        found.append(Annotation(offset + start, offset + m.end(), r))
        taken.append((start, m.end()))
    has_roles = bool(found)  # a bracket is kept only with roles; a keyed line may hold a deadline alone
    # keyed text outside brackets: from the first key to the end of its line, lines chained
    taken.sort()
    # keys outside the brackets already read: only when some colon lies outside them
    if ":" not in text and "】" not in text:
        keyed = []
    elif not taken:
        keyed = key_matches(text)
    else:
        outside = text.count(":") + text.count("】") - sum(
            text.count(":", a, b) + text.count("】", a, b) for a, b in taken)
        keyed = [m for m in key_matches(text) if not _in(taken, m.start())] if outside > 0 else []
    i = 0
    while i < len(keyed):
        s = keyed[i].start()
        e = text.find("\n", s)
        e = len(text) if e < 0 else e
        j = i + 1
        while j < len(keyed) and keyed[j].start() <= e + 1:
            e2 = text.find("\n", keyed[j].start())
            e = len(text) if e2 < 0 else e2
            j += 1
        r = parse_keyed(text[s:e], reg)
        if not r.empty() or r.deadline:
            has_roles = has_roles or not r.empty()
            found.append(Annotation(offset + s, offset + e, r))
            taken.append((s, e))
        i = j
    taken.sort()
    if not has_roles and TRIGGER_RE.search(text):
        for sent in _sentences(text):
            a, b = sent
            if _in(taken, a) or not TRIGGER_RE.search(text, a, b) or _rule_sentence(text, a, b):
                continue
            r = parse_sentence(text[a:b], reg)
            if r.lead or r.resp or r.support:
                found.append(Annotation(offset + a, offset + b, r, sentence=True))
    if len(found) > 1:
        found.sort(key=lambda x: x.start)
    return found


_SENT_END: Final = re.compile(r"[。;\n]")
#: sentences about the document or its conventions, not a task's owners: 本措施由市商务局负责解释,
#: 排在第一位的为牵头单位,其他单位按职责分工负责 (the convention; its 其他单位 is no party)
_ABOUT_DOCUMENT: Final = re.compile(r"\s*本(?:措施|方案|办法|意见|细则|规定|计划|通知|政策|实施方案|行动方案)")


def _rule_sentence(text: str, a: int, b: int) -> bool:
    return bool(_ABOUT_DOCUMENT.match(text, a, b) or FIRST_IS_LEAD_RE.search(text, a, b))


def _sentences(text: str) -> list[tuple[int, int]]:
    out = []
    a = 0
    for m in _SENT_END.finditer(text):
        out.append((a, m.start()))
        a = m.end()
    if a < len(text):
        out.append((a, len(text)))
    return out


def _in(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether `pos` falls in one of `spans` (sorted by start, non-overlapping)."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]
