//! One error type for every layer above the parser: a kind (which becomes the HTTP status), a stable
//! machine code, and the message in both languages so that the caller picks the reader's.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed or breaks a rule of the data (HTTP 400/422).
    BadInput,
    /// Not signed in, or the credentials are wrong (401).
    Unauthenticated,
    /// Signed in but not allowed (403).
    Forbidden,
    NotFound,
    /// A stale version, a duplicate, or a state that does not allow the action (409).
    Conflict,
    /// The reporting period is locked (423).
    Locked,
    /// Too many attempts (429).
    TooMany,
    /// The database or another part failed. The client is told only that; the detail is for the log.
    Internal,
    /// The server is busy or cannot write just now; try again shortly (503).
    Unavailable,
}

pub use duban_i18n::{Lang, Message};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    /// Stable identifier for programs: `report.stale_version`, `period.locked` …
    pub code: &'static str,
    /// What the reader is told, as a catalog message (`error-<code>` unless the code has several
    /// wordings), rendered in the reader's language by [`Error::message`].
    pub message: Message,
    /// What went wrong inside, for the operator's log; never sent to a client.
    pub detail: Option<String>,
}

/// The catalog key of a code's message: `error-` and the code with its dots as dashes.
fn key_of(code: &str) -> String {
    format!("error-{}", code.replace('.', "-"))
}

/// Things that can be missing or changed by someone else, named in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thing {
    Plan,
    /// A plan's version by its number.
    PlanVersion(i64),
    Item,
    Task,
    ParentItem,
    Indicator,
    Report,
    Extension,
    Supervision,
    Notice,
    Evidence,
    Unit,
    User,
    /// A signed-in session of an account.
    Session,
    Period,
    /// A period by its key (`2022-07`).
    PeriodKey(String),
}

impl Thing {
    pub fn message(&self) -> Message {
        match self {
            Thing::Plan => Message::new("thing-plan"),
            Thing::PlanVersion(v) => Message::new("thing-plan_version").arg("version", v),
            Thing::Item => Message::new("thing-item"),
            Thing::Task => Message::new("thing-task"),
            Thing::ParentItem => Message::new("thing-parent_item"),
            Thing::Indicator => Message::new("thing-indicator"),
            Thing::Report => Message::new("thing-report"),
            Thing::Extension => Message::new("thing-extension"),
            Thing::Supervision => Message::new("thing-supervision"),
            Thing::Notice => Message::new("thing-notice"),
            Thing::Evidence => Message::new("thing-evidence"),
            Thing::Unit => Message::new("thing-unit"),
            Thing::User => Message::new("thing-user"),
            Thing::Session => Message::new("thing-session"),
            Thing::Period => Message::new("thing-period"),
            Thing::PeriodKey(k) => Message::new("thing-period_key").arg("key", k),
        }
    }
}

impl Error {
    /// An error of `kind` whose message is the catalog's `error-<code>`.
    pub fn new(kind: ErrorKind, code: &'static str) -> Self {
        Error { kind, code, message: Message::new(key_of(code)), detail: None }
    }
    pub fn bad_input(code: &'static str) -> Self {
        Self::new(ErrorKind::BadInput, code)
    }
    pub fn not_found(what: Thing) -> Self {
        Self::new(ErrorKind::NotFound, "not_found").arg_message("what", what.message())
    }
    pub fn forbidden() -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden")
    }
    pub fn stale(what: Thing) -> Self {
        Self::new(ErrorKind::Conflict, "stale_version").arg_message("what", what.message())
    }
    /// A failure inside the server: the reader gets a fixed message, the log gets `detail`.
    pub fn internal(detail: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Internal, "internal").with_detail(detail)
    }
    /// The server cannot do it just now (busy, or its storage is failing); the client may retry.
    pub fn unavailable(code: &'static str) -> Self {
        Self::new(ErrorKind::Unavailable, code)
    }
    /// The same error worded by another catalog message (`error-<code>-<variant>`), for a code that
    /// has more than one wording.
    pub fn worded(mut self, variant: &str) -> Self {
        self.message.key = format!("{}-{variant}", key_of(self.code)).into();
        self
    }
    /// With `{ $name }` of the message filled with `value`.
    pub fn arg(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.message = self.message.arg(name, value);
        self
    }
    /// With `{ $name }` filled with another message in the reader's language.
    pub fn arg_message(mut self, name: &'static str, value: Message) -> Self {
        self.message = self.message.arg_message(name, value);
        self
    }
    /// With `{ $name }` filled with a list of names.
    pub fn arg_list(mut self, name: &'static str, items: &[impl AsRef<str>]) -> Self {
        self.message = self.message.arg_list(name, items);
        self
    }
    /// With `{ $name }` filled with a value formatted per language (a period's label).
    pub fn arg_formatted(mut self, name: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        self.message = self.message.arg_formatted(name, zh, en);
        self
    }
    /// With `{ $name }` filled with messages, one per line.
    pub fn arg_lines(mut self, name: &'static str, lines: Vec<Message>) -> Self {
        self.message = self.message.arg_lines(name, lines);
        self
    }
    /// The same error with detail for the log.
    pub fn with_detail(mut self, detail: impl fmt::Display) -> Self {
        self.detail = Some(detail.to_string());
        self
    }
    /// What the reader is told, in their language.
    pub fn message(&self, lang: Lang) -> String {
        self.message.render(lang)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message(Lang::En), self.code)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
