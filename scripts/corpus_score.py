#!/usr/bin/env python3
"""Score `duban parse` against the shared gold corpora, as given and in the other forms real plans
arrive in: GBK-encoded .txt, .docx, and text copied out of a PDF (hard-wrapped lines, page numbers,
running headers, lost indents).

`corpus` (the four documents the rules were written on) fails the run (exit 1) below the thresholds.
`corpus2` (ten plans of other house styles, issue #12) is scored the same way and its figures printed,
with one line per document for the as-given form; it does not fail the run until `--require-corpus2`
(set once corpus2 reaches the thresholds).

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


def docx_bytes(text):
    paras = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in text.split("\n")
    )
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


FORMS = {
    "as-given": lambda t: ("txt", t.encode("utf-8")),
    "gbk": lambda t: ("txt", t.encode("gb18030")),
    "utf8-bom-crlf": lambda t: ("txt", ("\ufeff" + t.replace("\n", "\r\n")).encode("utf-8")),
    "docx": lambda t: ("docx", docx_bytes(t)),
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
        print("corpus2 (ten other house styles; " + ("fails" if require2 else "reported, not yet required") + "):")
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
