//! Why a document could not be read: the one error of the readers (`decode` and the formats it hands to).

/// Why a document could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is too large ({size} bytes; the limit is {limit} bytes)")]
    TooLarge { size: usize, limit: usize },
    #[error(
        "this PDF has no text layer (it is a scan or a picture of the pages): ask for the .docx or a PDF exported from Word or WPS"
    )]
    PdfNoText,
    #[error(
        "this PDF's fonts have no Unicode map, so its text cannot be read (common in typeset official PDFs): ask for the .docx, or copy the text into a .txt file"
    )]
    PdfNoUnicode,
    #[error("the PDF file cannot be read: {0}")]
    BadPdf(String),
    #[error("the PDF's compressed contents expand to more than {limit_mb} MB: it is not a plan's text")]
    PdfInflated { limit_mb: u64 },
    #[error("this is an Office 97–2003 file that is not a Word document (an Excel or PowerPoint file?)")]
    LegacyDoc,
    #[error("this .wps file is in WPS Office's own format, not Word's: open it in WPS and save it as .docx")]
    WpsNative,
    #[error("the Word document is password-protected: save a copy without the password")]
    Encrypted,
    #[error("the Word .doc file is damaged: {0}")]
    BadDoc(String),
    #[error("the OFD file cannot be read: {0}")]
    BadOfd(String),
    #[error("this OFD sets its text as glyphs only, without the characters, so it cannot be read: ask for the .docx")]
    OfdNoText,
    #[error("this is a ZIP archive but not a Word .docx document ({0})")]
    NotDocx(String),
    #[error("the .docx file is damaged: {0}")]
    BadDocx(String),
    #[error("this is a binary file, not text ({0})")]
    Binary(String),
    #[error("the text is neither UTF-8 nor GB18030/GBK")]
    UnknownEncoding,
    #[error("the document contains no text")]
    NoText,
}
