""".pdf -> plan text (text layer; wrapped lines rejoined, page numbers dropped, task tables rebuilt
from text positions), and text that was copied out of a PDF."""

from __future__ import annotations

import io
import logging
import re

from graph.errors import ParseError

#: a line ending like a title, a notice or a date ends its paragraph even when it is full width
_LINE_END = re.compile(r"(?:通知|方案|意见|办法|计划|规划|决定|函|清单|要点|\d+号|\d+日)$")
#: a line starting like a heading or a label begins a new paragraph whatever the line before
_NEW_BLOCK = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d)|"
                        r"[①-⑳]|第[一二三四五六七八九十]+[章节条]|附件)")
_TABLE_HINT = re.compile(r"牵头|责任单位|配合单位|配合部门|责任部门")
_PAGE_NO = re.compile(r"^\s*[-—]?\s*\d{1,4}\s*[-—]?\s*$|^\s*第\s*\d+\s*页")
_END_PUNCT = "。;;::!?!?)）〕】\"”"


def pdf_text(data: bytes, name: str) -> str:
    # pypdf logs its complaints about broken files; the user gets our one-line ParseError instead
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        return _pdf_text_quiet(data, name)
    finally:
        log.setLevel(level)


def _pdf_text_quiet(data: bytes, name: str) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:
            raise ParseError(f"{name}: the PDF is encrypted") from None
    from loaders.pdftables import page_text_with_tables

    lines: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        plain = page.extract_text() or ""
        # a page with a 任务分工表 is rebuilt from text positions, its table as tab-separated rows
        text = (page_text_with_tables(page) if _TABLE_HINT.search(plain) else None) or plain
        page_lines = [ln.rstrip() for ln in text.split("\n") if ln.strip()]
        # a page number is the first or last line of its page and shows that page's number
        # (- 3 -, 第3页); any other bare number is a table row number
        while page_lines and _is_page_number(page_lines[-1], number):
            page_lines.pop()
        while page_lines and _is_page_number(page_lines[0], number):
            page_lines.pop(0)
        lines.extend(page_lines)
    if not any(lines):
        raise ParseError(f"{name}: the PDF has no text layer (scanned?); OCR it first")
    return unwrap(lines)


def _is_page_number(line: str, number: int) -> bool:
    m = _PAGE_NO.match(line)
    if not m:
        return False
    return not line.strip().isdigit() or int(line.strip()) == number


def unwrap(lines: list[str]) -> str:
    """Join lines a PDF wrapped at the page width back into paragraphs: a line as long as the
    widest lines, not ending in closing punctuation, continues on the next line."""
    # the width of the text lines: a table's rows (an attached 分工表) are often wider
    lengths = sorted(len(ln.strip()) for ln in lines if not _is_row(ln))
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    out: list[str] = []
    cont = False
    for ln in lines:
        row = _is_row(ln)  # a table row is never joined to its neighbours
        s = ln.strip() if not row else ln.rstrip()
        if cont and out and not row and not _NEW_BLOCK.match(s):
            out[-1] += s
        else:
            out.append(s)
        cont = (not row and len(s) >= width * 0.85 and width >= 15 and not s.endswith(tuple(_END_PUNCT))
                and not _LINE_END.search(s))
    return "\n".join(out)


def rejoin_if_wrapped(text: str) -> str:
    """Text copied out of a PDF keeps the PDF's line breaks, page numbers and running headers;
    such text (many lines of one width that stop mid-sentence) is rejoined into paragraphs."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = [ln.strip() for ln in lines if len(ln.strip()) >= 10 and not _is_row(ln)]
    if len(body) < 8:
        return text
    width = sorted(len(b) for b in body)[int(len(body) * 0.9)]
    full = [b for b in body if len(b) >= 0.85 * width]
    open_ended = [b for b in full if not b.endswith(tuple(_END_PUNCT))]
    if len(full) < 0.3 * len(body) or len(open_ended) < 0.6 * len(full):
        return text
    return unwrap(_drop_page_furniture(lines))


def _is_row(line: str) -> bool:
    """A table row: tab- or |-separated, or three or more cells separated by spaces."""
    s = line.strip()
    return "\t" in s or s.count("|") >= 2 or len(re.split(r"\s+", s)) >= 3


def _drop_page_furniture(lines: list[str]) -> list[str]:
    """Page-number lines (— 3 —) and the running header repeated after them."""
    counts: dict[str, int] = {}
    for ln in lines:
        counts[ln.strip()] = counts.get(ln.strip(), 0) + 1
    out: list[str] = []
    after_page_no = False
    for ln in lines:
        s = ln.strip()
        if not s:
            continue
        if (_PAGE_NO.match(s) and not s.isdigit()) or re.fullmatch(r"[-—–]+\s*\d{1,4}\s*[-—–]+", s):
            after_page_no = True
            continue
        if after_page_no and counts[s] >= 2 and len(s) <= 60:
            continue  # the running header at the top of a page
        after_page_no = False
        out.append(ln)
    return out


