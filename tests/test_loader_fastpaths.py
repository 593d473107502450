"""The loader's fast paths must find exactly what the plain regexes they replace find."""

from __future__ import annotations

import random
import re
from dataclasses import asdict
from pathlib import Path

from loaders.roles import _ALL_KEYS, KEY_RE, TRIGGER_RE, key_matches, key_search

ROOT = Path(__file__).resolve().parent
#: KEY_RE as first written; the module's version is a prefix tree
KEY_PLAIN = re.compile(r"【(" + _ALL_KEYS + r")】\s*:?\s*|(" + _ALL_KEYS + r")\s*[:]\s*")
#: TRIGGER_RE as first written; the module's version is reordered for speed
TRIGGER_PLAIN = re.compile(
    r"(?:为|是|作为)牵头(?:单位|部门)|按照?职责分工负责|按职责负责|分别负责|共同负责|牵头负责|牵头(?!单位|部门|领导|人|责任)|"
    r"负责(?!人|单位|部门|同志)|协助配合|配合(?!单位|部门)|参与(?!单位|部门)|协助(?!单位)|协办(?!单位)"
)


def _texts() -> list[str]:
    rng = random.Random(9)
    keys = _ALL_KEYS.split("|")
    bits = [*keys, ":", ": ", "【", "】", "\n", "、", "县发改委", "主", "责", "配", "牵头单位", "为", "是", "作为",
            "按照", "职责分工", "负责人", "单位", "部门", " ", "协助", "配合单位"]
    made = ["".join(rng.choice(bits) for _ in range(rng.randrange(1, 25))) for _ in range(3000)]
    files = [*sorted((ROOT / "corpus").glob("*.txt")), *sorted((ROOT / "blind").glob("*.txt"))]
    return made + [p.read_bytes().decode("utf-8", "ignore") for p in files]


def _sig(ms: list[re.Match[str]]) -> list[tuple[tuple[int, int], str | None, str | None]]:
    return [(m.span(), m.group(1), m.group(2)) for m in ms]


def test_key_matches_is_key_re_finditer() -> None:
    for text in _texts():
        assert _sig(key_matches(text)) == _sig(list(KEY_PLAIN.finditer(text))), text
        assert _sig(list(KEY_RE.finditer(text))) == _sig(list(KEY_PLAIN.finditer(text))), text
        for pos, end in ((1, len(text)), (0, len(text) // 2), (len(text) // 3, len(text) - 1)):
            got = key_search(text, pos, max(pos, end))
            want = KEY_PLAIN.search(text, pos, max(pos, end))
            assert (got and got.span()) == (want and want.span()), text


def test_trigger_re_reordered_finds_the_same() -> None:
    for text in _texts():
        assert [m.span() for m in TRIGGER_RE.finditer(text)] == [m.span() for m in TRIGGER_PLAIN.finditer(text)], text


def _quantities_plain(text: str) -> list[re.Match[str]]:
    """loaders.targets.quantities as first written: every numeral run, tested in Python."""
    from loaders.targets import _AFTER_NUMBER, _QTY_AT, CN_NUM

    out: list[re.Match[str]] = []
    end = 0
    for run in re.finditer(rf"[\d{CN_NUM}]+", text):
        nxt = run.end()
        if nxt < len(text) and text[nxt] not in _AFTER_NUMBER and text[nxt] != " ":
            continue
        if run.start() and text[run.start() - 1] == "第":
            continue
        for pos in range(run.start(), run.end()):
            if pos < end or (pos and text[pos - 1] in "0123456789.第"):
                continue
            m = _QTY_AT.match(text, pos)
            if m:
                out.append(m)
                end = m.end()
                break
    return out


def test_quantities_is_the_plain_scan() -> None:
    from loaders.targets import quantities

    rng = random.Random(3)
    bits = ["1", "20", "3.5", "一", "十", "百", "千", "两", "个", "家", "万", "亿元", "年", "月", "%", " ", "第", "至",
            "-", "余", "多", "以上", "建成", "到", "一体化", "kW", "条", ".", "2025年", "12345"]
    made = ["".join(rng.choice(bits) for _ in range(rng.randrange(1, 20))) for _ in range(5000)]
    for text in made + _texts()[-40:]:
        assert [m.span() for m in quantities(text)] == [m.span() for m in _quantities_plain(text)], text


def test_unvalidated_models_equal_their_validated_round_trip() -> None:
    """loaders.extract builds tasks, targets and departments without pydantic's validation: each
    must hold every field in declaration order, with exactly the types validation would give."""
    from pydantic import BaseModel

    from graph.model import PlanExtract
    from loaders import extract_path

    files = [*sorted((ROOT / "corpus").glob("*.*")), *sorted((ROOT / "blind").glob("*.txt")),
             *sorted((ROOT.parent / "examples").glob("*.txt")), ROOT / "data" / "seed.txt"]
    files = [p for p in files if p.suffix in (".txt", ".html")]
    assert len(files) > 20
    for path in files:
        ex = extract_path(path)
        for model in [*ex.tasks, *ex.targets, *ex.departments, *ex.phases, *ex.alias_candidates]:
            assert isinstance(model, BaseModel)
            assert list(model.__dict__) == list(type(model).model_fields), (path, model)
        again = PlanExtract.model_validate({**ex.model_dump(), "text": ex.text})
        assert repr(again.model_dump()) == repr(ex.model_dump()), path  # repr: 3 vs 3.0, list vs tuple
        assert again == ex


def test_entity_occurrences_rule_out_only_parts_without_a_match() -> None:
    """A task's text is scanned for enterprises and partners only where a scan of the whole
    document found one of them or a name suffix: wherever a part is ruled out, the scans of it
    (blanks and all) find nothing."""
    from loaders import lexicon

    ents, parts = lexicon.entities()
    rng = random.Random(5)
    words = [*list(ents.terms)[:10], *list(parts.terms)[:10], *list(lexicon.taxonomy().terms)[:8], "有限公司",
             "集团", "大学", "研究院", "推进", "建设", "。", "\n", "(牵头单位:县发改委)"]
    for _ in range(500):
        text = "".join(rng.choice(words) for _ in range(rng.randrange(1, 30)))
        occ = lexicon.entity_occurrences(text)
        for _ in range(20):
            a = rng.randrange(len(text) + 1)
            b = rng.randrange(a, len(text) + 1)
            part = "".join(" " if rng.random() < 0.1 else c for c in text[a:b])
            if not occ.within(a, b):
                assert ents.find(part) == [] and parts.find(part) == [], (text, a, b)
                assert lexicon.pattern_names(part, "enterprise") == [] == lexicon.pattern_names(part, "partner")


def test_lexicon_prefix_tree_matches_the_longest_first_alternation() -> None:
    from loaders import lexicon

    rng = random.Random(7)
    for lex in (lexicon.taxonomy(), *lexicon.entities()):
        plain = re.compile("|".join(re.escape(t) for t in sorted(lex.terms, key=len, reverse=True)))
        terms = list(lex.terms)
        pieces = [*terms, *(t[: len(t) // 2] for t in terms), "产业", "的", "。", " "]
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 20))) for _ in range(2000)]
        for text in texts + _texts()[-30:]:
            assert [m.span() for m in lex.regex.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_header_scans_find_what_the_plain_regexes_find() -> None:
    from loaders import header

    implements_plain = re.compile(
        r"(?:贯彻落实|贯彻|落实|根据|按照|依据|对照|结合)[^《。]{0,16}((?:《[^》\n]{4,80}》(?:和|、|及|以及|与)?)+)")
    rng = random.Random(11)
    bits = ["落实", "按照", "贯彻落实", "《", "》", "某县科技行动方案", "的", "和", "、", "以及", "。", "\n", "领导小组",
            "联席会议", "指挥部", "工作专班", "工作", "指挥", "x" * 13, "y" * 79, "z" * 3]
    for _ in range(4000):
        text = "".join(rng.choice(bits) for _ in range(rng.randrange(1, 25)))
        assert [m.span(1) for m in header._IMPLEMENTS.finditer(text)] == [m.span(1) for m in implements_plain.finditer(text)]
        assert header._body_suffixes(text) == [(m.start(), m.group(0)) for m in header._BODY_SUFFIX.finditer(text)]
    bits = ["〔", "[", "【", "(", "〕", "]", "】", ")", "2021", "1999", "20", "号", " ", "12", "阿政办发", "x"]
    for _ in range(20000):
        text = "".join(rng.choice(bits) for _ in range(rng.randrange(1, 15)))
        assert [m.span() for m in header._doc_no_tails(text)] == [m.span() for m in header._DOC_NO_TAIL.finditer(text)]


def test_heading_scan_of_the_whole_text_finds_the_per_line_headings() -> None:
    from graph.model import normalise_text
    from loaders.structure import detect_headings, split_lines

    rng = random.Random(13)
    starts = ["一、", "十二.", "第三部分", "第一章", "第二节", "第五条", "(一)", "(12)", "3.", "3.5", "12、", "(4)", "❶",
              "a)", "(b)", " ", "\u3000", "\t", "", "٣.", "二〇二一年"]
    rests = ["推进乳业发展", "x", "", "牵头单位:县发改委", "。", " 加强", "2025年"]
    texts = []
    for _ in range(1500):
        lines = ["".join(rng.choice(starts) for _ in range(rng.randrange(0, 3))) + rng.choice(rests)
                 for _ in range(rng.randrange(1, 12))]
        texts.append("\n".join(lines))
    files = [*sorted((ROOT / "corpus").glob("*.txt")), *sorted((ROOT / "blind").glob("*.txt"))]
    texts += [normalise_text(p.read_bytes().decode("utf-8", "ignore")) for p in files]
    for text in texts:
        lines = split_lines(text)
        for skip in (0, len(text) // 3):
            slow = detect_headings(lines, {}, skip)
            fast = detect_headings(lines, {}, skip, text)
            assert [asdict(h) for h in fast] == [asdict(h) for h in slow], text


def test_party_suffix_tests_are_the_anchored_regexes() -> None:
    from loaders.extract import _INSTITUTE_ENDS

    institute = re.compile(r"(?:大学|学院|科学院|研究院|研究所)$")
    rng = random.Random(17)
    bits = ["公司", "集团", "大学", "学院", "科学院", "研究院", "研究所", "公", "司", "学", "院", "县", "科技局", "\n", " ", ""]
    for _ in range(20000):
        w = "".join(rng.choice(bits) for _ in range(rng.randrange(0, 5)))
        assert w.endswith(_INSTITUTE_ENDS) == bool(institute.search(w)), repr(w)


def test_numerals_stay_unicode_digits_after_normalising() -> None:
    """`\\d` in the numeral scans cannot become [0-9]: NFKC keeps 580 decimal digits of other scripts
    (Arabic-Indic ٣ and the like), and a target written with one is read."""
    import unicodedata

    from graph.model import normalise_text
    from loaders import extract_text
    from loaders.targets import quantities

    kept = [c for c in map(chr, range(0x110000)) if c.isdecimal() and not unicodedata.normalize("NFKC", c).isascii()]
    assert len(kept) > 500 and "٣" in kept
    assert [m.group("v") for m in quantities(normalise_text("建成٣个平台,新增12家企业"))] == ["٣", "12"]
    ex = extract_text("某县关于印发《某县科技行动方案》的通知\n某县科技行动方案\n一、重点任务\n"
                      "(一)建设平台。到2025年建成٣个平台。(牵头单位:县科技局)")
    assert [(t.value, t.unit) for t in ex.targets] == [(3.0, "个")]


def test_blank_is_the_plain_span_blanking() -> None:
    from loaders.extract import _blank

    def plain(text: str, spans: list[tuple[int, int]]) -> str:
        chars = list(text)
        for start, end in spans:
            for i in range(max(start, 0), min(end, len(text))):
                chars[i] = " "
        return "".join(chars)

    rng = random.Random(21)
    for _ in range(5000):
        text = "".join(rng.choice("牵头单位:县科技局(一)。\n ") for _ in range(rng.randrange(0, 30)))
        spans = [(rng.randrange(-3, 33), rng.randrange(-3, 33)) for _ in range(rng.randrange(0, 4))]
        assert _blank(text, spans) == plain(text, spans), (text, spans)


def test_every_task_phrase_scan_is_the_plain_finditer() -> None:
    from loaders.rules import _EVERY, _every_matches

    rng = random.Random(23)
    bits = ["所有", "各项", "全部", "每项", "每一项", "以下", "各", "重点", "工作", "任务", "任", "务", "项", "一",
            "。", "\n", "x", "县"]
    files = [*sorted((ROOT / "corpus").glob("*.txt")), *sorted((ROOT / "blind").glob("*.txt"))]
    texts = ["".join(rng.choice(bits) for _ in range(rng.randrange(0, 30))) for _ in range(20000)]
    for text in texts + [p.read_bytes().decode("utf-8", "ignore") for p in files]:
        assert [m.span() for m in _every_matches(text)] == [m.span() for m in _EVERY.finditer(text)], text


def test_piece_split_is_the_char_by_char_walk() -> None:
    from loaders.departments import _SPLIT, split_pieces
    from loaders.roles import _PIECE

    def plain(text: str, rx: re.Pattern[str]) -> list[str]:
        """split_pieces as first written: depth kept per character, the separator tried at each."""
        out: list[str] = []
        depth = 0
        cur: list[str] = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch in "(〔【[":
                depth += 1
            elif ch in ")〕】]":
                depth = max(0, depth - 1)
            if depth == 0:
                m = rx.match(text, i)
                if m and m.end() > i:
                    out.append("".join(cur))
                    cur = []
                    i = m.end()
                    continue
            cur.append(ch)
            i += 1
        out.append("".join(cur))
        return out

    rng = random.Random(29)
    bits = ["县发改委", "财政局", "、", ",", ";", "/", "及", "以及", "和", "各", "有", "相", "(", ")", "〔", "〕",
            "【", "】", "[", "]", "牵头", "x", " "]
    for _ in range(20000):
        text = "".join(rng.choice(bits) for _ in range(rng.randrange(0, 16)))
        for rx in (_SPLIT, _PIECE):
            assert split_pieces(text, rx) == plain(text, rx), (text, rx.pattern)
