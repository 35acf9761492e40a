#!/usr/bin/env python3
"""Test data: writes a small plan as .docx (a body and a task table with merged cells) and converts it
to Word 97 .doc and to PDF with LibreOffice, for the .doc and PDF readers' tests. Run by hand (LibreOffice is not needed in
CI); the results are committed.

usage: make_doc_fixture.py OUT_DIR
"""
import os, subprocess, sys, zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def p(t):
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(t)}</w:t></w:r></w:p>'


def cell(t, pr=""):
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{p(t)}</w:tc>"


RESTART, CONT = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
ROWS = [
    [cell(h) for h in ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]],
    [cell("一、扩大有效投资", '<w:gridSpan w:val="6"/>')],
    [cell("1", RESTART), cell("加快项目建设", RESTART), cell("新开工重点项目120个"), cell("市发展改革委", RESTART), cell("市财政局、市自然资源局"), cell("2024年底前")],
    [cell("", CONT), cell("", CONT), cell("完成投资不低于500亿元"), cell("", CONT), cell("各区政府"), cell("2024年底前")],
    [cell("2"), cell("用好专项债券"), cell("争取专项债券额度80亿元以上"), cell("", CONT), cell("—"), cell("2024年9月底前")],
    [cell("二、优化营商环境", '<w:gridSpan w:val="6"/>')],
    [cell("3"), cell("压减审批时限"), cell("工程建设项目审批时间控制在50个工作日以内"), cell("市政务服务局"), cell("市住房城乡建设局"), cell("长期坚持")],
]
BODY = [
    "某市2024年稳增长工作方案",
    "为推动经济稳中向好，制定本方案。",
    "一、总体要求",
    "（一）稳住投资。全年固定资产投资增长6%以上。（市发展改革委、市统计局按职责分工负责）",
    "重点任务分工表",
]


def docx():
    # Borders as Word's "Table Grid" style draws them: the PDF's reader finds the cells by these rules.
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ["top", "left", "bottom", "right", "insideH", "insideV"])
    props = f"<w:tblPr><w:tblW w:w=\"8400\" w:type=\"dxa\"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>"
    grid = "<w:tblGrid>" + "<w:gridCol w:w=\"1400\"/>" * 6 + "</w:tblGrid>"
    table = "<w:tbl>" + props + grid + "".join("<w:tr>" + "".join(r) + "</w:tr>" for r in ROWS) + "</w:tbl>"
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>'
           + "".join(p(t) for t in BODY) + table + p("此件公开发布。") + "</w:body></w:document>")
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    return types, rels, doc


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "task-table.docx")
    types, rels, doc = docx()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)
    subprocess.run(["soffice", "--headless", "--convert-to", "doc:MS Word 97", "--outdir", out, path], check=True)
    # The PDF as LibreOffice exports it (Chinese set in a font with a Unicode map: fonts-noto-cjk).
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", out, path], check=True)


if __name__ == "__main__":
    main()
