"""Bytes -> plan text: format by extension or sniffing, encoding by BOM / strict decoding /
charset-normalizer. Every failure is a one-line ParseError naming the file."""

from __future__ import annotations

import io
import logging
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from graph.errors import ParseError
from graph.model import PlanExtract

TEXT_EXT = {".txt", ".text", ".md", ".csv", ".tsv"}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml", ".jhtml"}


def extract_path(path: str | os.PathLike[str], **kw: Any) -> PlanExtract:
    """Read a plan document from disk (.txt .html .docx .pdf .xlsx)."""
    from loaders.limits import read_limited

    p = Path(path)
    if p.is_dir():
        raise ParseError(f"{p}: is a directory, not a document")
    if not p.exists():
        raise ParseError(f"{p}: no such file")
    return extract_bytes(read_limited(p), str(p), **kw)


def extract_bytes(data: bytes, name: str, **kw: Any) -> PlanExtract:
    """Read a plan document given as bytes; `name` gives the format by its extension."""
    from loaders.extract import extract_text
    from loaders.limits import check_archive, check_size, parse_deadline

    check_size(len(data), name)
    check_archive(data, name)
    with parse_deadline(name):
        if _kind(data, name) == "xlsx":
            from loaders import worksheet

            if worksheet.is_task_table(data):  # a workbook plankg exported (or one in its layout)
                return worksheet.extract_xlsx(data, Path(name).name)
        text = document_text(data, name)
        try:
            return extract_text(text, source=Path(name).name, raw=text, **kw)
        except ParseError:
            raise
        except Exception as e:  # a bug must still not leak a traceback to a user
            raise ParseError(f"{name}: could not extract a plan ({type(e).__name__}: {e})") from e


def document_text(data: bytes, name: str) -> str:
    """The plain text of a document, lines as in the source."""
    if not data or not data.strip():
        raise ParseError(f"{name}: the file is empty")
    kind = _kind(data, name)
    try:
        if kind == "docx":
            return _docx_text(data)
        if kind == "pdf":
            return _pdf_text(data, name)
        if kind == "xlsx":
            return _xlsx_text(data)
    except ParseError:
        raise
    except Exception as e:
        raise ParseError(f"{name}: not a readable .{kind} file ({type(e).__name__})") from e
    text = decode(data, name)
    if kind == "html" or (kind == "text" and re.match(r"\s*<(?:!doctype|html|head|body)", text[:200], re.I)):
        return html_text(text)
    return rejoin_if_wrapped(text)


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


def _kind(data: bytes, name: str) -> str:
    ext = Path(name).suffix.lower()
    if data[:4] == b"%PDF" or ext == ".pdf":
        return "pdf"
    if data[:4] == b"PK\x03\x04" or ext in (".docx", ".xlsx"):
        if ext == ".xlsx":
            return "xlsx"
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError):  # a damaged header field
            raise ParseError(f"{name}: corrupt {ext or 'zip'} file (not a valid zip archive)") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        raise ParseError(f"{name}: a zip archive that is neither .docx nor .xlsx")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or ext in (".doc", ".wps"):
        raise ParseError(f"{name}: legacy Word (.doc/.wps) is not supported; save it as .docx")
    if ext in HTML_EXT:
        return "html"
    return "text"


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 (BOM or not), GB18030/GBK; binary is refused."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError:
                raise ParseError(f"{name}: declares {enc} by its byte-order mark but does not decode") from None
    sample = data[:4000]
    if sample.count(0) > len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        enc = "utf-16-be" if even > odd else "utf-16-le"
        try:
            return _check(data.decode(enc), name)
        except UnicodeDecodeError:
            raise ParseError(f"{name}: binary data, not a text document") from None
    for enc in ("utf-8", "gb18030"):
        try:
            return _check(data.decode(enc), name)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ParseError(f"{name}: unknown text encoding or binary data")
    return _check(str(best), name)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _check(text: str, name: str) -> str:
    if len(_CONTROL.findall(text[:20000])) > max(3, len(text[:20000]) // 100):
        raise ParseError(f"{name}: binary data, not a text document")
    return text


# ---- HTML -----------------------------------------------------------------------------------

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
           "article", "dd", "dt", "ul", "ol", "pre", "blockquote", "center"}
_BOILER = re.compile(r"nav|menu|footer|breadcrumb|share|copyright|crumb|toolbar|sidebar", re.I)


def html_text(html: str) -> str:
    """Visible text of a portal page, one block per line, table rows as tab-separated cells."""
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(html, "html.parser")
    for t in soup(["script", "style", "noscript", "head", "nav", "footer", "iframe", "form", "button"]):
        t.decompose()
    for t in list(soup.find_all(True)):
        if not isinstance(t, Tag) or t.attrs is None:
            continue
        ident = " ".join([str(t.get("id") or ""), *(t.get("class") or [])])
        if ident.strip() and _BOILER.search(ident):
            t.decompose()
    for table in reversed(soup.find_all("table")):  # innermost first
        grid = _table_grid(table)
        if _is_data_table(grid):
            rows = ["\t".join(r) for r in grid if any(r)]
            table.replace_with(soup.new_string("\n" + "\n".join(rows) + "\n"))
        else:  # a layout table (the whole article in a cell): keep its content as blocks
            blocks = [td.get_text("\n") for td in table.find_all(["td", "th"])]
            table.replace_with(soup.new_string("\n" + "\n".join(blocks) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    parts: list[str] = []
    for el in soup.descendants:
        if isinstance(el, Tag):
            if el.name in _BLOCKS:
                parts.append("\n")
        else:
            parts.append(str(el))
    text = "".join(parts).replace("\xa0", " ")
    lines = [ln.strip(" \t\u3000") if "\t" not in ln.strip() else ln.strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def _table_grid(table: Any) -> list[list[str]]:
    """Rows of cell texts, a rowspan cell repeated in the rows it spans (重点任务 over its 措施)."""
    grid: list[list[str]] = []
    pending: dict[int, list[Any]] = {}  # column -> [rows left, text]
    for tr in table.find_all("tr"):
        cells = iter(tr.find_all(["td", "th"], recursive=False))
        row: list[str] = []
        col = 0
        while True:
            if col in pending:
                left, text = pending[col]
                row.append(text)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col][0] = left - 1
                col += 1
                continue
            td = next(cells, None)
            if td is None:
                break
            text = _cell_text(td)
            span_r, span_c = _span(td, "rowspan"), _span(td, "colspan")
            for k in range(span_c):
                row.append(text if k == 0 else "")
                if span_r > 1:
                    pending[col] = [span_r - 1, text if k == 0 else ""]
                col += 1
        for c in sorted(k for k in pending if k >= col):  # spans reaching past the row's last cell
            row.extend([""] * (c - len(row)) + [pending[c][1]])
            pending[c][0] -= 1
            if pending[c][0] <= 0:
                del pending[c]
        grid.append(row)
    return grid


def _span(td: Any, attr: str) -> int:
    try:
        return max(1, min(50, int(str(td.get(attr) or 1))))
    except ValueError:
        return 1


def _is_data_table(grid: list[list[str]]) -> bool:
    """A table of records (cells of a line or two), not a page layout holding the article."""
    rows = [r for r in grid if any(r)]
    if len(rows) < 2:
        return len(rows) == 1 and len(rows[0]) > 1 and max(len(c) for c in rows[0]) <= 200
    multi = sum(1 for r in rows if sum(1 for c in r if c) >= 2)
    return multi * 2 >= len(rows) and max(len(c) for r in rows for c in r) <= 400


def _cell_text(td: Any) -> str:
    parts = [s.strip() for s in td.get_text("\n").split("\n") if s.strip()]
    return _join_cell(parts)


def _join_cell(parts: list[str]) -> str:
    if len(parts) > 1 and all(len(p) <= 20 for p in parts):
        return "、".join(parts)
    return "".join(parts)


# ---- DOCX, XLSX, PDF --------------------------------------------------------------------------

def _docx_text(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = docx.Document(io.BytesIO(data))
    out: list[str] = []
    body = doc.element.body
    numbering = _Numbering(doc)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(numbering.prefix(child) + Paragraph(child, doc).text)
        elif tag == "tbl":
            table = Table(child, doc)
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(_join_cell([p.text.strip() for p in cell.paragraphs if p.text.strip()]))
                if any(cells):
                    out.append("\t".join(cells))
    return "\n".join(out)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TYPED_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[①-⑳])")


class _Numbering:
    """Word's automatic list numbers, which are not in the paragraph text: rendered from the list
    definitions (numbering.xml: format and text per level) so 一、 (一) 1. (1) come back."""

    def __init__(self, doc: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.styles: dict[str, Any] = {}
        try:
            numbering = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in numbering.findall(f"{_W}abstractNum"):
            lv: dict[int, tuple[str, str, int]] = {}
            for lvl in an.findall(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                txt = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lv[int(lvl.get(f"{_W}ilvl") or 0)] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    txt.get(f"{_W}val") if txt is not None else "%1.",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[an.get(f"{_W}abstractNumId") or ""] = lv
        for num in numbering.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId") or ""] = abstract.get(ref.get(f"{_W}val") or "", {})
        for st in doc.styles:
            el = getattr(st, "element", None)
            if el is not None and el.find(f"{_W}pPr/{_W}numPr") is not None:
                self.styles[st.style_id] = el.find(f"{_W}pPr/{_W}numPr")

    def prefix(self, p: Any) -> str:
        if not self.levels:
            return ""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            num_pr = self.styles.get(style.get(f"{_W}val")) if style is not None else None
        if num_pr is None:
            return ""
        num_id_el, ilvl_el = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
        num_id = num_id_el.get(f"{_W}val") if num_id_el is not None else None
        levels = self.levels.get(num_id or "")
        if not levels:
            return ""
        text = "".join(t.text or "" for t in p.iter(f"{_W}t"))
        if _TYPED_NUMBER.match(text):
            return ""
        level = int(ilvl_el.get(f"{_W}val") or 0) if ilvl_el is not None else 0
        fmt, pattern, start = levels.get(level, ("decimal", "%1.", 1))
        if fmt in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(num_id or "", {})
        counts[level] = counts.get(level, start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]  # a new item restarts the levels below it

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f = levels.get(k, ("decimal", "", 1))[0]
            return _format_number(counts.get(k, levels.get(k, ("", "", 1))[2]), f)

        return re.sub(r"%(\d)", render, pattern).replace("（", "(").replace("）", ")")


_CN_NUM = "一二三四五六七八九十"


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "taiwanese", "japanese")):
        if n <= 10:
            return _CN_NUM[n - 1]
        if n < 20:
            return "十" + _CN_NUM[n - 11]
        if n < 100:
            return _CN_NUM[n // 10 - 1] + "十" + (_CN_NUM[n % 10 - 1] if n % 10 else "")
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[n - 1]
    return str(n)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    out: list[str] = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells = ["" if v is None else re.sub(r"\s*\n\s*", "、", str(v).strip()) for v in row]
            if any(cells):
                out.append("\t".join(cells).rstrip("\t"))
    return "\n".join(out)


#: a line ending like a title, a notice or a date ends its paragraph even when it is full width
_LINE_END = re.compile(r"(?:通知|方案|意见|办法|计划|规划|决定|函|清单|要点|\d+号|\d+日)$")
#: a line starting like a heading or a label begins a new paragraph whatever the line before
_NEW_BLOCK = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d)|"
                        r"[①-⑳]|第[一二三四五六七八九十]+[章节条]|附件)")
_TABLE_HINT = re.compile(r"牵头|责任单位|配合单位|配合部门|责任部门")
_PAGE_NO = re.compile(r"^\s*[-—]?\s*\d{1,4}\s*[-—]?\s*$|^\s*第\s*\d+\s*页")
_END_PUNCT = "。;;::!?!?)）〕】\"”"


def _pdf_text(data: bytes, name: str) -> str:
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
    lengths = sorted(len(ln.strip()) for ln in lines)
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
