//! duban's use cases: what the HTTP API, the pages and the command line all do through the same code.
//! Each takes the store, who is asking and (where it matters) the time, and returns records or file bytes;
//! none knows about HTTP.
//!
//! - [`assessment`]: 考核 scores of a period or the year, line by line, under the rules in force;
//! - [`directory`]: the check page's proposals for a plan's unmapped names (map, create, group);
//! - [`exports`]: the Excel/CSV ledger and the Word bulletin, with what a reader may see in them;
//! - [`imports`]: an uploaded plan (document or Excel ledger) read into a draft;
//! - [`offline`]: a unit's offline report sheet, made and applied;
//! - [`supervision`]: 督办 issued with the task's standing as reason, the 督办通知单, open ones as of a day;
//! - [`demo`]: the bundled plan with simulated reports.

pub mod assessment;
pub mod demo;
pub mod directory;
pub mod exports;
pub mod imports;
pub mod offline;
pub mod supervision;
