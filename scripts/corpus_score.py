#!/usr/bin/env python3
"""Score `duban parse` against the shared gold corpora, as given and in the other forms real plans
arrive in: GBK-encoded .txt, .docx (tables as Word tables), a web page saved from a government site
(GBK, tables as HTML tables), a PDF exported page by page (its text layer), and text copied out of a PDF
(hard-wrapped lines, page numbers, running headers, lost indents).

`corpus` (the four documents the rules were written on) fails the run (exit 1) below the thresholds.
`corpus2` (ten plans of other house styles, issue #12) is scored the same way and its figures printed,
with one line per document for the as-given form; with `--require-corpus2` (as CI runs it, since
corpus2 reached the thresholds in every form) it fails the run below them too.

usage: corpus_score.py DUBAN_BIN SHARED_DIR [--keep DIR] [--require-corpus2]
"""
import json, os, subprocess, sys, tempfile, zipfile
from xml.sax.saxutils import escape

THRESHOLDS = {"tasks": 0.98, "units": 0.97, "leads": 0.95, "targets": 0.95, "ops": 0.95}


def hard_wrap(text, width, headers=True):
    """Mimic a PDF copy: paragraphs broken every `width` characters, page numbers and headers."""
    out, lines_on_page, page = [], 0, 1
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        chunks = [para[i:i + width] for i in range(0, len(para), width)]
        for n, chunk in enumerate(chunks):
            out.append(("\u3000\u3000" if n == 0 and width % 2 == 0 else "") + chunk)
            lines_on_page += 1
            if lines_on_page == 22:
                out.append("")
                out.append(f"— {page} —")
                if headers:
                    out.append("工作方案（印发稿）")
                page += 1
                lines_on_page = 0
    return "\n".join(out) + "\n"


def blocks(text):
    """The text's lines as ("p", line) and ("table", [cells per row]): a run of TAB-separated lines is a
    table (the corpus writes tables so), its single-cell group rows included."""
    out, rows = [], None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "\t" in line:
            rows = rows if rows is not None else []
            rows.append(line.split("\t"))
            continue
        nxt = next((l for l in lines[i + 1:] if l.strip()), "")
        if rows is not None and line.strip() and "\t" in nxt:
            rows.append([line])  # a group row inside the table
            continue
        if rows is not None:
            out.append(("table", rows))
            rows = None
        out.append(("p", line))
    if rows is not None:
        out.append(("table", rows))
    return out


def docx_bytes(text):
    """A .docx as Word holds it: paragraphs, and tables as w:tbl (a group row merged across)."""
    def para(t):
        return f'<w:p><w:r><w:t xml:space="preserve">{escape(t)}</w:t></w:r></w:p>'
    parts = []
    for kind, v in blocks(text):
        if kind == "p":
            parts.append(para(v))
            continue
        width = max(len(r) for r in v)
        trs = []
        for r in v:
            if len(r) == 1 and width > 1:
                trs.append(f'<w:tr><w:tc><w:tcPr><w:gridSpan w:val="{width}"/></w:tcPr>{para(r[0])}</w:tc></w:tr>')
            else:
                trs.append("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in r) + "</w:tr>")
        parts.append("<w:tbl>" + "".join(trs) + "</w:tbl>")
    paras = "".join(parts)
    doc = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paras}</w:body></w:document>"
    )
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def html_bytes(text):
    """A page saved from a government site: GBK, a navigation bar, scripts, tables with colspan."""
    body = []
    for kind, v in blocks(text):
        if kind == "p":
            body.append(f"<p>{escape(v)}</p>")
            continue
        width = max(len(r) for r in v)
        rows = []
        for r in v:
            if len(r) == 1 and width > 1:
                rows.append(f'<tr><td colspan="{width}">{escape(r[0])}</td></tr>')
            else:
                rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>")
        body.append('<table border="1">' + "".join(rows) + "</table>")
    page = (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "<title>政府网站</title><script>var nav = '<p>首页</p>';</script><style>p{margin:0}</style></head>"
        '<body><nav><a href="/">首页</a> &gt; <a href="/zc">政策文件</a></nav><div class="article">'
        + "\n".join(body)
        + "</div><footer>主办：人民政府办公厅</footer></body></html>"
    )
    return page.encode("gb18030")


def pdf_bytes(text, width=30):
    """A PDF exported from Word: body lines wrapped at `width` characters, the page's number at its foot,
    Chinese set in a Type0 font with a ToUnicode map; a table ruled as Word draws it (a cell's text wrapped
    within its column, a group row merged across, an empty task cell merged with the one above), rows
    running on over pages."""
    top, bottom, left, right = 780.0, 98.0, 60.0, 560.0
    pages, page = [], []
    y = top

    def new_page():
        nonlocal page, y
        page.append(("text", 16, 280, 60, f"— {len(pages) + 1} —"))
        pages.append(page)
        page, y = [], top

    def text_at(size, x, at, s):
        page.append(("text", size, x, at, s))

    def rule(x0, y0, x1, y1):
        page.append(("rule", x0, y0, x1, y1))

    for kind, v in blocks(text):
        if kind == "p":
            para = v.replace("\t", " ").strip()
            for i in range(0, len(para), width):
                if y < bottom:
                    new_page()
                text_at(16, 90, y, para[i:i + width])
                y -= 22
            continue
        ncols = max(len(r) for r in v)
        longest = [max((len(r[c]) for r in v if len(r) == ncols and c < len(r)), default=2) for c in range(ncols)]
        weights = [min(max(n, 2), 30) for n in longest]
        # Every column wide enough for a few characters (序号, 备注), the rest shared by content.
        least = 3 * 10.5 + 10
        spare = (right - left) - least * ncols
        widths = [least + spare * w / sum(weights) for w in weights]
        xs = [left]
        for w in widths:
            xs.append(xs[-1] + w)
        size, lead, pad = 10.5, 13.5, 5.0
        y -= 6
        above = None  # the previous row's cells, to merge an empty task cell with
        for r in v:
            group = len(r) == 1 and ncols > 1
            spans = [(0, ncols, r[0])] if group else [(c, c + 1, r[c] if c < len(r) else "") for c in range(ncols)]
            wrapped = []
            for c0, c1, cell in spans:
                per_line = max(1, int((xs[c1] - xs[c0] - 2 * pad) // size))
                wrapped.append([cell[i:i + per_line] for i in range(0, len(cell), per_line)] or [""])
            height = max(len(w) for w in wrapped) * lead + 2 * pad
            if y - height < bottom:
                rule(left, y, right, y)  # the table's foot on this page
                new_page()
                above = None
                y -= 6
            row_top, row_bottom = y, y - height
            for (c0, c1, cell), lines in zip(spans, wrapped):
                for k, line in enumerate(lines):
                    if line:
                        text_at(size, xs[c0] + pad, row_top - pad - size * 0.88 - k * lead, line)
                merged = (not group and c0 == 1 and not cell.strip() and above is not None
                          and len(above) == ncols)
                if not merged:
                    rule(xs[c0], row_top, xs[c1], row_top)
            for c in sorted({c0 for c0, _, _ in spans} | {ncols}):
                rule(xs[c], row_top, xs[c], row_bottom)
            above = None if group else r
            y = row_bottom
        rule(left, y, right, y)
        y -= 16
    if page or not pages:
        new_page()

    chars = sorted({c for p in pages for item in p if item[0] == "text" for c in item[4]})
    code = {c: i + 1 for i, c in enumerate(chars)}
    cmap = ["/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Duban def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    for i in range(0, len(chars), 100):
        chunk = chars[i:i + 100]
        cmap.append(f"{len(chunk)} beginbfchar")
        for c in chunk:
            u = c.encode("utf-16-be").hex().upper()
            cmap.append(f"<{code[c]:04X}> <{u}>")
        cmap.append("endbfchar")
    cmap.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    cmap = "\n".join(cmap) + "\n"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "",
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /FontDescriptor 6 0 R >>",
        f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}endstream",
        "<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 859 /StemV 80 >>",
    ]
    kids = []
    for page in pages:
        content = ""
        for item in page:
            if item[0] == "text":
                _, size, x, at, line = item
                hexed = "".join(f"{code[c]:04X}" for c in line)
                content += f"BT /F1 {size} Tf {x:.2f} {at:.2f} Td <{hexed}> Tj ET\n"
            else:
                _, x0, y0, x1, y1 = item
                content += f"0.5 w {x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S\n"
        objs.append(f"<< /Length {len(content.encode())} >>\nstream\n{content}endstream")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {len(objs)} 0 R >>")
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += f"{i + 1} 0 obj\n{o}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


FORMS = {
    "as-given": lambda t: ("txt", t.encode("utf-8")),
    "gbk": lambda t: ("txt", t.encode("gb18030")),
    "utf8-bom-crlf": lambda t: ("txt", ("\ufeff" + t.replace("\n", "\r\n")).encode("utf-8")),
    "docx": lambda t: ("docx", docx_bytes(t)),
    "html-gbk": lambda t: ("html", html_bytes(t)),
    "pdf": lambda t: ("pdf", pdf_bytes(t)),
    "pdf-copy-34": lambda t: ("txt", hard_wrap(t, 34).encode("utf-8")),
    "pdf-copy-27-no-indent": lambda t: ("txt", hard_wrap(t, 27).encode("utf-8")),
}


def score_corpus(duban, scorer, docs, gold, work, per_document=False):
    """Scores every form; returns the forms below the thresholds."""
    below = []
    for form, make in FORMS.items():
        src = os.path.join(work, form, "in")
        out = os.path.join(work, form, "out")
        os.makedirs(src, exist_ok=True)
        files = []
        for name in sorted(os.listdir(docs)):
            if not name.endswith(".txt"):
                continue
            text = open(os.path.join(docs, name), encoding="utf-8").read()
            ext, data = make(text)
            path = os.path.join(src, name[:-4] + "." + ext)
            open(path, "wb").write(data)
            files.append(path)
        subprocess.run([duban, "parse", *files, "-o", out], check=True)
        res = subprocess.run([sys.executable, scorer, "--dir", out, gold], check=True, capture_output=True, text=True)
        total = [l for l in res.stdout.splitlines() if l.startswith("ALL:")][0]
        figures = dict(kv.split("=") for kv in total[4:].split())
        low = [k for k, v in THRESHOLDS.items() if float(figures[k]) < v]
        print(f"{form:>22}: {total[5:]}" + (f"   below: {', '.join(low)}" if low else ""))
        if per_document and form == "as-given":
            for line in res.stdout.splitlines():
                if not line.startswith("ALL:") and "tasks=" in line:
                    print(f"{'':>24}{line}")
        if low:
            below.append(form)
    return below


def main():
    duban, shared = sys.argv[1], sys.argv[2]
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    require2 = "--require-corpus2" in sys.argv
    scorer = os.path.join(shared, "tools", "score_plan.py")
    work = keep or tempfile.mkdtemp(prefix="duban-corpus-")
    thresholds = ", ".join(f"{k}>={v}" for k, v in THRESHOLDS.items())
    print("corpus (the rules' own four documents; fails below the thresholds):")
    failed = bool(score_corpus(duban, scorer, os.path.join(shared, "corpus", "docs"),
                               os.path.join(shared, "corpus", "gold"), os.path.join(work, "corpus")))
    corpus2 = os.path.join(shared, "corpus2")
    if os.path.isdir(os.path.join(corpus2, "gold")):
        print("corpus2 (ten other house styles; " + ("fails below the thresholds" if require2 else "reported, not required") + "):")
        low2 = score_corpus(duban, scorer, os.path.join(corpus2, "docs"), os.path.join(corpus2, "gold"),
                            os.path.join(work, "corpus2"), per_document=True)
        if low2 and require2:
            failed = True
        elif low2:
            print(f"corpus2: below the thresholds in {len(low2)} of {len(FORMS)} forms (not failing yet: issue #12)")
    print("corpus score:", "FAILED" if failed else "ok", f"(thresholds: {thresholds})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
