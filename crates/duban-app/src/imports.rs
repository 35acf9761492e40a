//! Reading an uploaded plan: a document (.txt, .docx, .doc, .ofd, .pdf, .html) through the parser, or a ledger kept in Excel
//! (.xlsx) through `duban-office`. Both give a `duban.plan/1` draft for the same review step.

use duban_core::Error;
use duban_plan::Plan;

/// Is this an Excel workbook (by its name, or by a ZIP package holding `xl/`)?
pub fn is_workbook(bytes: &[u8], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xlsx")
        || lower.ends_with(".xlsm")
        || lower.ends_with(".xls")
        || (bytes.starts_with(b"PK") && bytes.windows(15).take(64 * 1024).any(|w| w == b"xl/workbook.xml"))
}

/// The plan in an uploaded file, and the text to keep as its source.
pub fn read_plan(bytes: &[u8], name: &str) -> Result<(Plan, String), Error> {
    if is_workbook(bytes, name) {
        let imported = duban_office::ledger_import::plan_from_xlsx(bytes, name)?;
        return Ok((imported.plan, imported.source_text));
    }
    let decoded = duban_plan::decode::decode(bytes).map_err(|e| unreadable(&e))?;
    Ok((duban_plan::parse_text(&decoded.text), decoded.text))
}

/// Why the document could not be read, in the reader's language.
fn unreadable(e: &duban_plan::DecodeError) -> Error {
    use duban_plan::DecodeError as D;
    let worded = |variant: &str| Error::bad_input("plan.unreadable").worded(variant);
    match e {
        D::Empty => worded("empty"),
        D::TooLarge { size, limit } => worded("too_large").arg("size", size).arg("limit", limit),
        D::PdfNoText => worded("pdf_no_text"),
        D::PdfNoUnicode => worded("pdf_no_unicode"),
        D::BadPdf(why) => worded("bad_pdf").arg("reason", why),
        D::PdfInflated { limit_mb } => worded("pdf_inflated").arg("limit_mb", limit_mb),
        D::LegacyDoc => worded("legacy_doc"),
        D::WpsNative => worded("wps_native"),
        D::Encrypted => worded("encrypted"),
        D::BadDoc(why) => worded("bad_doc").arg("reason", why),
        D::BadOfd(why) => worded("bad_ofd").arg("reason", why),
        D::OfdNoText => worded("ofd_no_text"),
        D::NotDocx(why) => worded("not_docx").arg("reason", why),
        D::BadDocx(why) => worded("bad_docx").arg("reason", why),
        D::Binary(why) => worded("binary").arg("reason", why),
        D::UnknownEncoding => worded("encoding"),
        D::NoText => worded("no_text"),
    }
}
