"""The same plan in every format and encoding gives the same graph (issue #3)."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest

from graph.errors import ParseError
from graph.model import normalise_text as normalise
from loaders import extract_bytes, extract_path, extract_text

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"


def _is_row(line: str) -> bool:
    return "\t" in line


def to_docx(text: str) -> bytes:
    import docx

    doc = docx.Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if _is_row(lines[i]):
            rows = []
            while i < len(lines) and _is_row(lines[i]):
                rows.append(lines[i].split("\t"))
                i += 1
            width = max(len(r) for r in rows)
            table = doc.add_table(rows=len(rows), cols=width)
            for r, cells in enumerate(rows):
                for c, value in enumerate(cells):
                    # names listed one per paragraph inside the cell, as planners type them
                    parts = value.split("、") if "、" in value and len(value) < 60 else [value]
                    cell = table.cell(r, c)
                    cell.text = parts[0]
                    for extra in parts[1:]:
                        cell.add_paragraph(extra)
            continue
        doc.add_paragraph(lines[i])
        i += 1
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_pdf(text: str) -> bytes:
    """A text-layer PDF: CID font STSong-Light, lines wrapped at the page width like a real one;
    tab- or |-separated rows become a real table (cells wrap inside their column)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    flow: list = []
    rows: list[list[str]] = []
    for line in [*text.split("\n"), ""]:
        cells = _row_cells(line)
        if cells is not None:
            if any(c.strip(" -:") for c in cells):
                rows.append(cells)
            continue
        if rows:
            flow.append(Table([[Paragraph(html.escape(c), cell) for c in r] for r in rows], repeatRows=1))
            rows = []
        if line.strip():
            flow.append(Paragraph(html.escape(line), style))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(flow)
    return buf.getvalue()


def _row_cells(line: str) -> list[str] | None:
    if "\t" in line:
        return line.split("\t")
    if line.count("|") > 2:
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return None


def to_html(text: str, title: str = "") -> str:
    """A government portal page: navigation, an info table, the article, a footer."""
    body = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if _is_row(lines[i]):
            rows = []
            while i < len(lines) and _is_row(lines[i]):
                cells = "".join(f"<td>{html.escape(c)}</td>" for c in lines[i].split("\t"))
                rows.append(f"<tr>{cells}</tr>")
                i += 1
            body.append("<table border='1'>" + "".join(rows) + "</table>")
            continue
        body.append(f"<p style='text-indent:2em'>{html.escape(lines[i])}</p>")
        i += 1
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title>"
        "<script>var nav = '首页';</script><style>p{margin:0}</style></head><body>"
        "<div class='nav-menu'><a href='/'>首页</a><a href='/zwgk'>政务公开</a><a href='/zcwj'>政策文件</a></div>"
        "<div class='breadcrumb'>当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>"
        "<div id='zoom' class='article-content'>" + "".join(body) + "</div>"
        "<div class='footer'>主办单位：人民政府办公室 版权所有 ICP备案号</div></body></html>"
    )


def write_all(text: str, folder: Path, stem: str) -> dict[str, Path]:
    """The plan in every supported format and encoding, keyed by a label."""
    files = {
        "utf8.txt": text.encode("utf-8"),
        "utf8-bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gb18030.txt": text.encode("gb18030"),
        "utf16.txt": text.encode("utf-16"),
        "utf16-le-nobom.txt": text.encode("utf-16-le"),
        "utf16-be.txt": b"\xfe\xff" + text.encode("utf-16-be"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "gbk-crlf.txt": text.replace("\n", "\r\n").encode("gbk", errors="strict"),
        "portal.html": to_html(text).encode("utf-8"),
        "portal-gb18030.htm": to_html(text).replace("utf-8", "gb2312").encode("gb18030"),
        "plan.docx": to_docx(text),
        "plan.pdf": to_pdf(text),
    }
    out = {}
    for label, data in files.items():
        path = folder / f"{stem}.{label}"
        path.write_bytes(data)
        out[label] = path
    return out


def _signature(ex):
    return {
        "tasks": [(t.number, t.title, t.lead, t.support, t.persons) for t in ex.tasks],
        "targets": [(g.value, g.value_max, g.unit, g.comparator, g.deadline, g.cadence) for g in ex.targets],
        "phases": [(p.name, p.start, p.end) for p in ex.phases],
        "plan": (ex.plan.title, ex.plan.issuer, ex.plan.doc_number, ex.plan.issued_date, ex.plan.period,
                 ex.plan.implements, ex.plan.place),
        "departments": sorted((d.name, d.collective) for d in ex.departments),
    }


DOCUMENTS = [
    ROOT / "data" / "seed.txt",
    CORPUS / "heilongjiang_dadou_circled.txt",
    CORPUS / "zhuzhou_wuran_fangzhi_lingdao.txt",
    CORPUS / "ganzhou_qicheng_table_tabs.txt",
    CORPUS / "shuangliu_jiuye_table_pipes.txt",
    CORPUS / "wangqing_linxia_table_cells.txt",
    CORPUS / "guilin_wenlv_lines.txt",
    CORPUS / "shinan_yanglao_sentences.txt",
    # body tasks without roles + an attached 分工表 wider than the text lines (blind round 4)
    ROOT / "blind" / "round4" / "zhanjiang_haiyang_muchang_fujian.txt",
]


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    """document -> (signature of the .txt, {label: path of the same plan in that form})."""
    out = {}
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        files = write_all(text, tmp_path_factory.mktemp(doc.stem), doc.stem)
        out[doc.name] = (_signature(extract_path(doc)), files)
    return out


LABELS = ["utf8.txt", "utf8-bom.txt", "gb18030.txt", "utf16.txt", "utf16-le-nobom.txt", "utf16-be.txt",
          "crlf.txt", "gbk-crlf.txt", "portal.html", "portal-gb18030.htm", "plan.docx", "plan.pdf"]


CASES = [(doc.name, label) for doc in DOCUMENTS for label in LABELS]


@pytest.mark.parametrize(("doc", "label"), CASES)
def test_every_format_and_encoding_gives_the_same_graph(variants, doc, label):
    base, files = variants[doc]
    assert _signature(extract_path(files[label])) == base


def test_docx_keeps_paragraph_and_table_order(tmp_path):
    text = (CORPUS / "ganzhou_qicheng_table_tabs.txt").read_text(encoding="utf-8")
    ex = extract_bytes(to_docx(text), "plan.docx")
    assert [t.number for t in ex.tasks] == ["1", "2", "3", "4", "5", "6", "7"]
    assert ex.tasks[0].lead == ["果业发展中心"] or ex.tasks[0].lead == ["市果业发展中心"]


def test_the_portal_chrome_is_not_read_as_plan_text():
    text = (ROOT / "data" / "seed.txt").read_text(encoding="utf-8")
    ex = extract_bytes(to_html(text).encode("utf-8"), "page.html")
    assert "首页" not in ex.text and "版权所有" not in ex.text


def test_spans_point_into_the_normalised_text():
    ex = extract_path(ROOT / "data" / "seed.txt")
    for t in ex.tasks:
        assert ex.text[t.span[0]: t.span[1]].lstrip().startswith(t.number)
    for g in ex.targets:
        assert ex.text[g.span[0]: g.span[1]] == g.text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"   \n\n  ", "blank.txt", "empty"),
        (bytes(range(256)) * 20, "noise.bin", "binary"),
        (b"\x00\x01\x02\x03" * 500, "zeros.txt", "binary"),
        (b"%PDF-1.4 this is not really a pdf", "broken.pdf", "not a readable .pdf"),
        (b"PK\x03\x04 not a zip", "broken.docx", "corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.doc", "legacy Word"),
        (b"just some ascii words, no plan", "ascii.txt", "no Chinese text"),
    ],
)
def test_unreadable_input_is_one_line_parse_error(data, name, message):
    with pytest.raises(ParseError) as e:
        extract_bytes(data, name)
    assert message in str(e.value)
    assert name in str(e.value)
    assert "\n" not in str(e.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ParseError, match="no such file"):
        extract_path(tmp_path / "nope.txt")
    with pytest.raises(ParseError, match="directory"):
        extract_path(tmp_path)


def test_text_api_refuses_empty_text():
    with pytest.raises(ParseError, match="empty"):
        extract_text("  \n ")


def test_portal_page_in_a_layout_table_with_a_rowspan_task_table():
    page = """<html><body><table><tr><td><div class='nav'>首页 政务公开</div></td></tr><tr><td>
    <p>某市人民政府办公室关于印发《某市冷链物流方案》的通知</p><p>某市冷链物流方案</p><p>二、重点任务</p>
    <table border=1><tr><th>序号</th><th>重点任务</th><th>具体措施</th><th>牵头单位</th><th>配合单位</th></tr>
    <tr><td>1</td><td rowspan=2>建设冷链物流</td><td>新建冷库10万吨。</td><td>市发改委</td><td>市商务局</td></tr>
    <tr><td>2</td><td>建设产地仓20个。</td><td>市农业农村局</td><td>市商务局<br>市财政局</td></tr></table>
    <p>三、保障措施</p><p>（一）加强组织领导。</p></td></tr></table></body></html>"""
    ex = extract_bytes(page.encode("utf-8"), "page.htm")
    assert ex.plan.title == "某市冷链物流方案"
    assert [(t.number, t.title, t.lead, t.support) for t in ex.tasks] == [
        ("1", "建设冷链物流", ["发改委"], ["商务局"]),
        ("2", "建设冷链物流", ["农业农村局"], ["商务局", "财政局"]),
    ]
    assert [(g.value, g.unit) for g in ex.targets] == [(10, "万吨"), (20, "个")]


def test_docx_automatic_list_numbers_are_written_back():
    import docx

    d = docx.Document()
    d.add_paragraph("某市人民政府办公室关于印发《某市甲方案》的通知")
    d.add_paragraph("某市甲方案")
    d.add_paragraph("重点任务", style="List Number")
    d.add_paragraph("建设平台。(牵头单位:市科技局;配合单位:市财政局)", style="List Number 2")
    d.add_paragraph("开放数据。(牵头单位:市大数据局)", style="List Number 2")
    d.add_paragraph("2.保障措施")  # typed numbers are left alone
    buf = io.BytesIO()
    d.save(buf)
    ex = extract_bytes(buf.getvalue(), "auto.docx")
    assert [(t.number, t.title, t.lead, t.support) for t in ex.tasks] == [
        ("1.", "建设平台", ["科技局"], ["财政局"]), ("2.", "开放数据", ["大数据局"], [])]


def test_large_and_dense_documents():
    """Many headings, or one task holding thousands of annotations (the code paths that once went
    quadratic; the timing itself lives in benchmarks/)."""
    seed = (ROOT / "data" / "seed.txt").read_text(encoding="utf-8")
    many = extract_text(seed + "".join(f"\n({i})任务{i}。(牵头单位:农牧局)" for i in range(18, 999)))
    assert len(many.tasks) == 1007 and many.tasks[-1].id == "(998)"
    assert many.tasks[-1].lead == ["农牧局"]
    huge = extract_text(seed + "\n(18)大任务。" + "".join(f"推进工作{i}。(牵头单位:农牧局)" for i in range(5000)))
    assert huge.coverage.annotations == 18 + 5000
    assert huge.tasks[-1].id == "(18)" and huge.tasks[-1].lead == ["农牧局"]


def test_twenty_thousand_annotations_in_one_task():
    """The reported worst case (~500 KB, 20,000 annotations in one task, brackets and label lines
    mixed): every annotation is found, in order, and the roles are the union of them all."""
    seed = (ROOT / "data" / "seed.txt").read_text(encoding="utf-8")
    parts = []
    for i in range(20000):
        if i % 2:
            parts.append(f"推进工作{i}。(牵头单位:农牧局;配合单位:财政局)")
        else:
            parts.append(f"落实事项{i}。\n牵头单位:工信局\n配合单位:商务局\n")
    ex = extract_text(seed + "\n(18)大任务。" + "".join(parts))
    assert len(ex.text.encode()) > 500_000
    assert ex.coverage.annotations == 18 + 20000
    last = ex.tasks[-1]
    assert last.id == "(18)" and set(last.lead) == {"农牧局", "工信局"}
    assert set(last.support) == {"财政局", "商务局"}
    assert last.annotation is not None and last.annotation.count("牵头单位") == 20000


@pytest.mark.parametrize("enc, bom", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-16-le", b""),
])
def test_text_cut_inside_its_last_character_is_still_read(enc, bom):
    """A truncated download: the last multibyte character is cut off. The broken tail is dropped
    and the rest reads exactly like the same text cut before that character."""
    seed = (ROOT / "data" / "seed.txt").read_text(encoding="utf-8")
    head = seed[: len(seed) // 2].rstrip() + "推进"  # ends in a CJK character
    whole = bom + head.encode(enc)
    cut = whole[:-1]
    ex = extract_bytes(cut, "cut.txt")
    ref = extract_bytes(bom + head[:-1].encode(enc), "cut.txt")
    assert ex.text == ref.text and ex.text.endswith(normalise(head[-6:-1]))
    assert [(t.id, t.lead, t.support) for t in ex.tasks] == [(t.id, t.lead, t.support) for t in ref.tasks]
    assert len(ex.tasks) >= 5 and any(t.lead for t in ex.tasks)


def test_bad_byte_inside_utf8_is_not_taken_for_a_cut_tail():
    """Only the very end is forgiven: a broken sequence mid-file still fails strict UTF-8 (and
    detection, as before) instead of being silently truncated there."""
    seed = (ROOT / "data" / "seed.txt").read_text(encoding="utf-8").encode("utf-8")
    broken = seed[:300] + b"\xe4" + seed[300:]
    with pytest.raises(ParseError, match="encoding"):
        extract_bytes(broken, "broken.txt")
