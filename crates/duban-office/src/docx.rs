//! A small WordprocessingML (.docx) writer for Chinese official documents (公文): A4 with the GB/T 9704
//! margins (top 37 mm, binding side 28 mm, a 156 × 225 mm text block of 22 lines), 仿宋_GB2312 3号 for the
//! body, 黑体 and 楷体_GB2312 for the first and second heading levels, 方正小标宋简体 2号 for the title, page
//! numbers "— 1 —" in 宋体 4号 (odd pages right, even pages left). The fonts are named in the font table with
//! the common fonts Word and WPS substitute when they are missing.
//!
//! The output is deterministic: parts are written in a fixed order with a fixed zip time stamp, and the
//! document dates are given by the caller.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::Error;

/// Text block width: 156 mm in twips (1 mm = 56.7 twips).
pub const TEXT_WIDTH_TWIPS: u32 = 8845;
/// 156 mm in EMU (1 mm = 36,000 EMU), for pictures as wide as the text.
const TEXT_WIDTH_EMU: u64 = 5_616_000;

/// Paragraph styles defined in `styles.xml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Body text: 仿宋_GB2312 3号, first line indented two characters, 28.95 pt lines.
    Body,
    /// Body text without the indent (the addressee line).
    BodyFlush,
    /// 方正小标宋简体 2号, centred.
    Title,
    /// 黑体 3号: 一、
    Heading1,
    /// 楷体_GB2312 3号: （一）
    Heading2,
    /// Centred 仿宋 4号 under a picture or over a table.
    Caption,
    /// 仿宋_GB2312 五号 in table cells, single-spaced (off the 22-line grid).
    TableText,
    /// The masthead (版头): red 方正小标宋简体, centred.
    Masthead,
    /// Signature and date, right-aligned.
    Signature,
}

impl Style {
    fn id(self) -> &'static str {
        match self {
            Style::Body => "Normal",
            Style::BodyFlush => "BodyFlush",
            Style::Title => "DocTitle",
            Style::Heading1 => "Heading1",
            Style::Heading2 => "Heading2",
            Style::Caption => "Caption",
            Style::TableText => "TableText",
            Style::Masthead => "Masthead",
            Style::Signature => "Signature",
        }
    }
}

/// One run of text; `bold` for emphasis inside body text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run { text: text.into(), bold: false }
    }
    pub fn bold(text: impl Into<String>) -> Run {
        Run { text: text.into(), bold: true }
    }
}

/// Fixed document properties (`docProps/core.xml`), so the same data gives the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Properties {
    pub title: String,
    pub author: String,
    /// W3CDTF, e.g. `2022-07-05T00:00:00Z`.
    pub created: String,
}

/// A document being written, body first; [`Docx::finish`] packs it.
#[derive(Debug, Default)]
pub struct Docx {
    body: String,
    images: Vec<Vec<u8>>,
}

/// Escapes text for XML and drops the characters XML 1.0 cannot hold (control characters), which user
/// text may contain.
pub fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn run_xml(run: &Run) -> String {
    let props = if run.bold { "<w:rPr><w:b/><w:bCs/></w:rPr>" } else { "" };
    format!("<w:r>{props}<w:t xml:space=\"preserve\">{}</w:t></w:r>", xml_text(&run.text))
}

impl Docx {
    pub fn new() -> Docx {
        Docx::default()
    }

    pub fn paragraph(&mut self, style: Style, runs: &[Run]) {
        self.body.push_str(&format!("<w:p><w:pPr><w:pStyle w:val=\"{}\"/></w:pPr>", style.id()));
        for r in runs {
            self.body.push_str(&run_xml(r));
        }
        self.body.push_str("</w:p>");
    }

    pub fn text(&mut self, style: Style, text: &str) {
        self.paragraph(style, &[Run::plain(text)]);
    }

    /// The red rule under the masthead (a paragraph with a red bottom border).
    pub fn red_rule(&mut self) {
        self.body.push_str(
            "<w:p><w:pPr><w:pStyle w:val=\"BodyFlush\"/><w:pBdr><w:bottom w:val=\"single\" w:sz=\"18\" \
             w:space=\"1\" w:color=\"E60012\"/></w:pBdr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:p>",
        );
    }

    /// The issuing line under the masthead: `left` at the left margin, `right` at the right one.
    pub fn split_line(&mut self, left: &str, right: &str) {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"BodyFlush\"/><w:tabs><w:tab w:val=\"right\" w:pos=\"{TEXT_WIDTH_TWIPS}\"/></w:tabs></w:pPr>\
             <w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_text(left),
            xml_text(right)
        ));
    }

    /// A table as wide as the text: `widths` are relative column weights; the header row repeats on every
    /// page and rows do not break across pages.
    pub fn table(&mut self, widths: &[u32], header: &[&str], rows: &[Vec<String>]) {
        let total: u32 = widths.iter().sum::<u32>().max(1);
        let cols: Vec<u32> = widths.iter().map(|w| TEXT_WIDTH_TWIPS * w / total).collect();
        self.body.push_str(
            "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/><w:tblBorders>\
             <w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
             <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/></w:tblBorders>\
             <w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"80\" w:type=\"dxa\"/>\
             <w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>",
        );
        for w in &cols {
            self.body.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        self.body.push_str("</w:tblGrid>");
        let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        self.row(&cols, &head, true);
        for r in rows {
            self.row(&cols, r, false);
        }
        self.body.push_str("</w:tbl>");
    }

    fn row(&mut self, cols: &[u32], cells: &[String], header: bool) {
        let tr =
            if header { "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" } else { "<w:trPr><w:cantSplit/></w:trPr>" };
        self.body.push_str(&format!("<w:tr>{tr}"));
        for (i, w) in cols.iter().enumerate() {
            let text = cells.get(i).map(String::as_str).unwrap_or("");
            let shade = if header { "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7E6E6\"/>" } else { "" };
            let run = if header { run_xml(&Run::bold(text)) } else { run_xml(&Run::plain(text)) };
            self.body.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/>{shade}<w:vAlign w:val=\"center\"/></w:tcPr>\
                 <w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr>{run}</w:p></w:tc>"
            ));
        }
        self.body.push_str("</w:tr>");
    }

    /// A PNG picture as wide as the text, in its own centred paragraph. `width`/`height` are the picture's
    /// pixels (for the aspect ratio).
    pub fn picture(&mut self, png: Vec<u8>, width: u32, height: u32, name: &str) {
        self.images.push(png);
        let n = self.images.len();
        let cx = TEXT_WIDTH_EMU;
        let cy = TEXT_WIDTH_EMU * u64::from(height) / u64::from(width.max(1));
        let name = xml_text(name);
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Caption\"/><w:snapToGrid w:val=\"0\"/><w:spacing w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:r><w:drawing>\
             <wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/>\
             <wp:docPr id=\"{n}\" name=\"{name}\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/>\
             </wp:cNvGraphicFramePr><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
             <pic:pic><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"chart{n}.png\"/><pic:cNvPicPr/></pic:nvPicPr>\
             <pic:blipFill><a:blip r:embed=\"rIdImage{n}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
             <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm>\
             <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>\
             </wp:inline></w:drawing></w:r></w:p>"
        ));
    }

    /// Packs the document.
    pub fn finish(self, props: &Properties) -> Result<Vec<u8>, Error> {
        let mut parts: Vec<(String, Vec<u8>)> = vec![
            ("[Content_Types].xml".into(), CONTENT_TYPES.as_bytes().to_vec()),
            ("_rels/.rels".into(), ROOT_RELS.as_bytes().to_vec()),
            ("docProps/core.xml".into(), core_xml(props).into_bytes()),
            ("docProps/app.xml".into(), APP_XML.as_bytes().to_vec()),
            ("word/document.xml".into(), self.document_xml().into_bytes()),
            ("word/_rels/document.xml.rels".into(), self.document_rels().into_bytes()),
            ("word/styles.xml".into(), STYLES.as_bytes().to_vec()),
            ("word/fontTable.xml".into(), FONT_TABLE.as_bytes().to_vec()),
            ("word/settings.xml".into(), SETTINGS.as_bytes().to_vec()),
            ("word/footer1.xml".into(), footer_xml("right").into_bytes()),
            ("word/footer2.xml".into(), footer_xml("left").into_bytes()),
        ];
        for (i, png) in self.images.into_iter().enumerate() {
            parts.push((format!("word/media/chart{}.png", i + 1), png));
        }
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(DateTime::default());
        for (name, bytes) in parts {
            zip.start_file(name, opts).map_err(zip_error)?;
            zip.write_all(&bytes).map_err(|e| Error::internal(format!("writing the document: {e}")))?;
        }
        Ok(zip.finish().map_err(zip_error)?.into_inner())
    }

    fn document_xml(&self) -> String {
        format!(
            "{XML_DECL}<w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\" xmlns:wp=\"{NS_WP}\" xmlns:a=\"{NS_A}\" \
             xmlns:pic=\"{NS_PIC}\"><w:body>{}<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/>\
             <w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
             <w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" \
             w:footer=\"1247\" w:gutter=\"0\"/><w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>\
             </w:body></w:document>",
            self.body
        )
    }

    fn document_rels(&self) -> String {
        let mut out = format!(
            "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rIdStyles\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>\
             <Relationship Id=\"rIdSettings\" Type=\"{REL}/settings\" Target=\"settings.xml\"/>\
             <Relationship Id=\"rIdFonts\" Type=\"{REL}/fontTable\" Target=\"fontTable.xml\"/>\
             <Relationship Id=\"rIdFooterOdd\" Type=\"{REL}/footer\" Target=\"footer1.xml\"/>\
             <Relationship Id=\"rIdFooterEven\" Type=\"{REL}/footer\" Target=\"footer2.xml\"/>"
        );
        for i in 1..=self.images.len() {
            out.push_str(&format!(
                "<Relationship Id=\"rIdImage{i}\" Type=\"{REL}/image\" Target=\"media/chart{i}.png\"/>"
            ));
        }
        out.push_str("</Relationships>");
        out
    }
}

fn zip_error(e: zip::result::ZipError) -> Error {
    Error::internal(format!("writing the document: {e}"))
}

fn core_xml(p: &Properties) -> String {
    format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}</dcterms:modified></cp:coreProperties>",
        xml_text(&p.title),
        xml_text(&p.author),
        xml_text(&p.created),
        xml_text(&p.created)
    )
}

fn footer_xml(side: &str) -> String {
    // GB/T 9704: "— 1 —" in 宋体 4号, a character in from the outer edge.
    let ind = if side == "right" { "<w:ind w:right=\"320\"/>" } else { "<w:ind w:left=\"320\"/>" };
    format!(
        "{XML_DECL}<w:ftr xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\"><w:p><w:pPr><w:jc w:val=\"{side}\"/>{ind}</w:pPr>\
         <w:r><w:rPr><w:rFonts w:ascii=\"宋体\" w:eastAsia=\"宋体\" w:hAnsi=\"宋体\"/><w:sz w:val=\"28\"/></w:rPr>\
         <w:t xml:space=\"preserve\">— </w:t></w:r><w:fldSimple w:instr=\" PAGE \"><w:r><w:rPr><w:rFonts w:ascii=\"宋体\" \
         w:eastAsia=\"宋体\" w:hAnsi=\"宋体\"/><w:sz w:val=\"28\"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>\
         <w:r><w:rPr><w:rFonts w:ascii=\"宋体\" w:eastAsia=\"宋体\" w:hAnsi=\"宋体\"/><w:sz w:val=\"28\"/></w:rPr>\
         <w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>"
    )
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const NS_PIC: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const APP_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>duban</Application></Properties>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:evenAndOddHeaders/><w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>";

// charset 86 is GB2312. The altName is what Word and WPS fall back to when the named font is not installed.
const FONT_TABLE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>\
<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"方正小标宋简体\"><w:altName w:val=\"宋体\"/><w:charset w:val=\"86\"/><w:family w:val=\"script\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"黑体\"><w:altName w:val=\"SimHei\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"楷体_GB2312\"><w:altName w:val=\"楷体\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>\
<w:font w:name=\"宋体\"><w:altName w:val=\"SimSun\"/><w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>\
</w:fonts>";

const STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
<w:kern w:val=\"2\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"BodyFlush\"><w:name w:val=\"Body Flush\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/></w:pPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"DocTitle\"><w:name w:val=\"Document Title\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:spacing w:before=\"579\" w:after=\"579\" w:line=\"700\" w:lineRule=\"exact\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"方正小标宋简体\" w:eastAsia=\"方正小标宋简体\" w:hAnsi=\"方正小标宋简体\"/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"黑体\" w:eastAsia=\"黑体\" w:hAnsi=\"黑体\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
<w:pPr><w:keepNext/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"楷体_GB2312\" w:eastAsia=\"楷体_GB2312\" w:hAnsi=\"楷体_GB2312\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Caption\"><w:name w:val=\"caption\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:keepNext/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:line=\"260\" w:lineRule=\"auto\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Masthead\"><w:name w:val=\"Masthead\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:spacing w:before=\"240\" w:after=\"240\" w:line=\"1000\" w:lineRule=\"exact\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:rFonts w:ascii=\"方正小标宋简体\" w:eastAsia=\"方正小标宋简体\" w:hAnsi=\"方正小标宋简体\"/><w:color w:val=\"E60012\"/><w:sz w:val=\"72\"/><w:szCs w:val=\"72\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Signature\"><w:name w:val=\"Signature\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\" w:right=\"1280\"/><w:jc w:val=\"right\"/></w:pPr></w:style>\
</w:styles>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_break_the_xml() {
        assert_eq!(xml_text("<w:p>&\"\u{1}x\ty"), "&lt;w:p&gt;&amp;&quot;x y");
    }
}
