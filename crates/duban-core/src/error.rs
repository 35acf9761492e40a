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

/// Language of a message, and of a person's pages: `zh-CN` or `en` in JSON and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` header value: English only when it comes before Chinese.
    pub fn from_accept_language(header: &str) -> Lang {
        for part in header.split(',') {
            let tag = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// `zh-CN` or `en` (as [`Lang::code`] writes them).
    pub fn parse(code: &str) -> Option<Lang> {
        [Lang::Zh, Lang::En].into_iter().find(|l| l.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    /// Stable identifier for programs: `report.stale_version`, `period.locked` …
    pub code: &'static str,
    pub zh: String,
    pub en: String,
    /// What went wrong inside, for the operator's log; never sent to a client.
    pub detail: Option<String>,
}

impl Error {
    pub fn new(kind: ErrorKind, code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error { kind, code, zh: zh.into(), en: en.into(), detail: None }
    }
    pub fn bad_input(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadInput, code, zh, en)
    }
    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        Self::new(ErrorKind::NotFound, "not_found", format!("{what_zh}不存在"), format!("{what_en} not found"))
    }
    pub fn forbidden() -> Self {
        Self::new(ErrorKind::Forbidden, "forbidden", "无权进行此操作", "You are not allowed to do this")
    }
    pub fn stale(what_zh: &str, what_en: &str) -> Self {
        Self::new(
            ErrorKind::Conflict,
            "stale_version",
            format!("{what_zh}已被他人修改，请刷新后重试"),
            format!("The {what_en} was changed by someone else; reload and try again"),
        )
    }
    /// A failure inside the server: the reader gets a fixed message, the log gets `detail`.
    pub fn internal(detail: impl fmt::Display) -> Self {
        Error {
            detail: Some(detail.to_string()),
            ..Self::new(
                ErrorKind::Internal,
                "internal",
                "服务器内部错误，请稍后重试；如仍失败请联系系统管理员",
                "Internal error; try again later, and tell the administrator if it persists",
            )
        }
    }
    /// The server cannot do it just now (busy, or its storage is failing); the client may retry.
    pub fn unavailable(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, code, zh, en)
    }
    /// The same error with detail for the log.
    pub fn with_detail(mut self, detail: impl fmt::Display) -> Self {
        self.detail = Some(detail.to_string());
        self
    }
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.en, self.code)?;
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_known_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }
}
