//! Office files made from duban's records, without I/O (records in, bytes out; the caller reads the
//! store and writes the bytes where they go):
//!
//! - [`ledger`]: the task ledger (任务分解台账) as an Excel workbook in the customary layout, and as CSV;
//! - [`bulletin`]: the periodic 调度通报 as a Word document in the layout of Chinese official documents,
//!   with charts ([`chart`]) drawn as PNG and a small .docx writer ([`docx`]);
//! - [`ledger_import`]: a ledger kept in Excel, read into a plan for review ([`workbook`] reads uploads
//!   and refuses bad files with a clear message);
//! - [`assessment_sheet`]: the 考核 scores and their lines as an Excel workbook;
//! - [`supervision_notice`]: the 督办通知单 of a 督办, printed and sent by the office;
//! - [`report_sheet`]: offline reporting, the sheet a unit downloads pre-filled and uploads back.

pub mod accounts;
pub mod assessment_sheet;
pub mod bulletin;
pub mod chart;
pub mod directory_sheets;
pub mod docx;
pub mod ledger;
pub mod ledger_import;
pub mod report_sheet;
pub mod supervision_notice;
pub mod workbook;

pub use bulletin::{BulletinInput, bulletin_docx};
pub use duban_core::Error;
pub use ledger::{HEADERS, ProgressLine, Row, format_value, ledger_csv, ledger_rows, ledger_xlsx, target_text};
pub use supervision_notice::{NoticeInput, notice_docx};
