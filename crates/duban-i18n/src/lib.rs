//! Every text duban shows a person, in zh-CN (the default) and en: the page text (`locales/*/pages.ftl`)
//! and the error messages (`locales/*/errors.ftl`), Fluent files read by the Fluent project's own
//! `fluent-bundle` and compiled into the binary. Code carries a [`Message`] (a catalog key and named
//! arguments), never the text; the text is chosen in the reader's language where it is shown.
//!
//! Catalog lines are `key = text` with `{ $name }` placeholders. Unicode isolation marks are off, since
//! every value ends up as plain text in an HTML page, a JSON body, a terminal or a Word file.

use std::borrow::Cow;
use std::sync::LazyLock;

/// Language of a message, and of a person's pages: `zh-CN` or `en` in JSON and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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

/// The catalog files of one language, in the order they are added to its bundle.
const ZH: [(&str, &str); 2] = [
    ("zh-CN/pages.ftl", include_str!("../locales/zh-CN/pages.ftl")),
    ("zh-CN/errors.ftl", include_str!("../locales/zh-CN/errors.ftl")),
];
const EN: [(&str, &str); 2] = [
    ("en/pages.ftl", include_str!("../locales/en/pages.ftl")),
    ("en/errors.ftl", include_str!("../locales/en/errors.ftl")),
];

/// Every catalog file as (language, file name, text), for the tests that keep them in step.
pub fn catalog_sources() -> Vec<(Lang, &'static str, &'static str)> {
    let zh = ZH.iter().map(|(n, s)| (Lang::Zh, *n, *s));
    zh.chain(EN.iter().map(|(n, s)| (Lang::En, *n, *s))).collect()
}

type Bundle =
    fluent_bundle::bundle::FluentBundle<fluent_bundle::FluentResource, intl_memoizer::concurrent::IntlLangMemoizer>;

/// The two languages as Fluent bundles. A file with a syntax error keeps the messages that parsed (a
/// test requires there are none).
static BUNDLES: LazyLock<[Bundle; 2]> = LazyLock::new(|| [bundle("zh-CN", &ZH), bundle("en", &EN)]);

fn bundle(lang: &str, files: &[(&str, &str)]) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    for (_, src) in files {
        let resource = fluent_bundle::FluentResource::try_new(src.to_string()).unwrap_or_else(|(partial, _)| partial);
        // Ids are unique across a language's files (a test checks), so adding cannot clash.
        let _ = bundle.add_resource(resource);
    }
    bundle
}

/// The text of catalog message `key` in `lang` with `args` filled (every value given as text, so that
/// Fluent formats no number), or `None` when the catalog has no such message.
pub fn text(lang: Lang, key: &str, args: &[(&str, String)]) -> Option<String> {
    let [zh, en] = &*BUNDLES;
    let bundle = match lang {
        Lang::Zh => zh,
        Lang::En => en,
    };
    let pattern = bundle.get_message(key)?.value()?;
    let mut fluent_args = fluent_bundle::FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, (!args.is_empty()).then_some(&fluent_args), &mut errors);
    Some(text.trim().to_string())
}

/// A message to show someone: a catalog key and its named arguments. Its text is chosen when it is
/// shown, in the reader's language ([`Message::render`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: Cow<'static, str>,
    pub args: Vec<(&'static str, Arg)>,
}

/// The value of a message's argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is (a name, a number, a cell reference).
    Text(String),
    /// Another message, rendered in the same language (the thing that was not found, a report's state).
    Message(Message),
    /// Messages rendered one per line (the problems of an uploaded sheet).
    Lines(Vec<Message>),
    /// Names listed as the language lists them (省发展改革委、省财政厅 / 省发展改革委, 省财政厅).
    List(Vec<String>),
    /// A value that code formats per language, as it does dates (a period's label: 2022年7月 / Jul 2022).
    Formatted { zh: String, en: String },
}

impl Message {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Message {
        Message { key: key.into(), args: Vec::new() }
    }

    /// With `{ $name }` filled with `value` as text.
    pub fn arg(mut self, name: &'static str, value: impl std::fmt::Display) -> Message {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// With `{ $name }` filled with another message in the reader's language.
    pub fn arg_message(mut self, name: &'static str, value: Message) -> Message {
        self.args.push((name, Arg::Message(value)));
        self
    }

    /// With `{ $name }` filled with messages, one per line.
    pub fn arg_lines(mut self, name: &'static str, lines: Vec<Message>) -> Message {
        self.args.push((name, Arg::Lines(lines)));
        self
    }

    /// With `{ $name }` filled with a list of names.
    pub fn arg_list(mut self, name: &'static str, items: &[impl AsRef<str>]) -> Message {
        self.args.push((name, Arg::List(items.iter().map(|s| s.as_ref().to_string()).collect())));
        self
    }

    /// With `{ $name }` filled with a value formatted per language.
    pub fn arg_formatted(mut self, name: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Message {
        self.args.push((name, Arg::Formatted { zh: zh.into(), en: en.into() }));
        self
    }

    /// The text in `lang`; the key itself when the catalog lacks it (a test keeps every key in both).
    pub fn render(&self, lang: Lang) -> String {
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Text(s) => s.clone(),
                    Arg::Message(m) => m.render(lang),
                    Arg::Lines(ms) => ms.iter().map(|m| m.render(lang)).collect::<Vec<_>>().join("\n"),
                    Arg::List(items) => items.join(match lang {
                        Lang::Zh => "、",
                        Lang::En => ", ",
                    }),
                    Arg::Formatted { zh, en } => match lang {
                        Lang::Zh => zh.clone(),
                        Lang::En => en.clone(),
                    },
                };
                (*name, value)
            })
            .collect();
        text(lang, &self.key, &args).unwrap_or_else(|| self.key.to_string())
    }
}

/// The placeholders of a catalog value, sorted and without repeats.
pub fn placeholders(value: &str) -> Vec<&str> {
    let mut holes: Vec<&str> = value.split("{ $").skip(1).map(|p| p.split(' ').next().unwrap_or("")).collect();
    holes.sort();
    holes.dedup();
    holes
}

/// `key = text` lines of a catalog file; anything else (blank, `#`) is skipped.
pub fn entries(src: &'static str) -> Vec<(&'static str, &'static str)> {
    src.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    #[test]
    fn accept_language_picks_the_first_known_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }

    #[test]
    fn every_catalog_file_is_fluent_without_errors_and_one_entry_per_line() {
        for (_, name, src) in catalog_sources() {
            if let Err((_, errors)) = fluent_bundle::FluentResource::try_new(src.to_string()) {
                panic!("{name}: {errors:?}");
            }
            for (i, line) in src.lines().enumerate() {
                let l = line.trim();
                assert!(l.is_empty() || l.starts_with('#') || l.contains(" = "), "{name}:{}: {line}", i + 1);
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_keys_and_placeholders_and_no_key_twice() {
        let mut by_lang: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
        for (lang, name, src) in catalog_sources() {
            let catalog = by_lang.entry(lang.code()).or_default();
            for (k, v) in entries(src) {
                assert!(catalog.insert(k, v).is_none(), "{name}: {k} is defined twice in {}", lang.code());
            }
        }
        let (zh, en) = (&by_lang["zh-CN"], &by_lang["en"]);
        let zk: BTreeSet<_> = zh.keys().collect();
        let ek: BTreeSet<_> = en.keys().collect();
        assert_eq!(zk.difference(&ek).collect::<Vec<_>>(), Vec::<&&&str>::new(), "keys only in zh-CN");
        assert_eq!(ek.difference(&zk).collect::<Vec<_>>(), Vec::<&&&str>::new(), "keys only in en");
        for (k, v) in zh {
            assert_eq!(placeholders(v), placeholders(en[k]), "placeholders of {k}");
        }
    }

    #[test]
    fn messages_render_with_their_arguments_in_each_language() {
        let thing = Message::new("thing-plan");
        let m = Message::new("error-not_found").arg_message("what", thing);
        assert_eq!(m.render(Lang::Zh), "计划不存在");
        assert_eq!(m.render(Lang::En), "plan not found");
        assert_eq!(Message::new("no-such-key").render(Lang::En), "no-such-key");
        assert_eq!(text(Lang::Zh, "check-warnings", &[("n", "3".into())]).as_deref(), Some("解析提示 3 条"));
    }
}

/// Every error the code raises has its message in both languages: the sources are read for
/// `Error::…("code")` (with `.worded("variant")`) and `CellProblem::new(…, "what")`.
#[cfg(test)]
mod used_keys {
    use std::path::Path;

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path.display().to_string(), text));
            }
        }
    }

    /// The string literal that starts `s` (after spaces), if any.
    fn literal(s: &str) -> Option<&str> {
        let s = s.trim_start().strip_prefix('"')?;
        s.split_once('"').map(|(lit, _)| lit)
    }

    fn keys_in(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for (opener, first_literal_arg) in [
            ("Error::bad_input(", true),
            ("Error::unavailable(", true),
            ("Error::new(", false),
            ("CellProblem::new(", false),
        ] {
            for (at, _) in text.match_indices(opener) {
                let rest = &text[at + opener.len()..];
                let code = if first_literal_arg {
                    literal(rest)
                } else {
                    // The code is the last argument before the closing parenthesis.
                    rest.split_once(')').and_then(|(args, _)| args.rsplit(',').next()).and_then(literal)
                };
                let Some(code) = code else { continue };
                if opener.starts_with("CellProblem") {
                    keys.push(format!("sheet_problem-{code}"));
                    continue;
                }
                let mut key = format!("error-{}", code.replace('.', "-"));
                let after = rest.split_once(')').map(|(_, a)| a).unwrap_or("");
                if let Some(variant) = after.trim_start().strip_prefix(".worded(") {
                    // A variant chosen at run time is checked by the tests of that code.
                    let Some(v) = literal(variant) else { continue };
                    key = format!("{key}-{v}");
                }
                keys.push(key);
            }
        }
        keys
    }

    #[test]
    fn every_error_raised_in_the_code_has_a_message() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        let crates = here.parent().unwrap_or(here);
        let mut files = Vec::new();
        sources(crates, &mut files);
        assert!(files.len() > 50, "found only {} source files under {}", files.len(), crates.display());
        let mut missing = Vec::new();
        let mut seen = 0;
        for (path, text) in files.iter().filter(|(p, _)| !p.contains("/duban-i18n/")) {
            for key in keys_in(text) {
                seen += 1;
                for lang in [super::Lang::Zh, super::Lang::En] {
                    if super::text(lang, &key, &[]).is_none() {
                        missing.push(format!("{path}: {key} ({})", lang.code()));
                    }
                }
            }
        }
        assert!(seen > 100, "found only {seen} errors raised");
        assert!(missing.is_empty(), "{missing:#?}");
    }
}
