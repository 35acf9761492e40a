//! The web pages: server-rendered from askama templates compiled into the binary, working with plain
//! forms and full page loads, improved by one small script of our own (`static/app.js`). Every asset is
//! served from here; the Content-Security-Policy forbids loading anything from another origin.
//!
//! Pages read the browser session (the `duban_session` cookie); every form that changes something carries
//! the session's CSRF token and a one-time form token, which becomes the write's idempotency key so that a
//! form sent twice writes once.

mod account;
mod assessment;
mod charts;
mod notices;
mod office;
mod reporting;
mod setup;
mod supervision;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use duban_core::PlanId;
use duban_core::{Actor, Error, ErrorKind, Lang, Role};
use duban_store::{Ctx, Idempotency, PeriodRecord, PlanRecord};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{BROWSER_TTL_SECS, SESSION_COOKIE, cookie};
use crate::i18n::Tr;

pub use charts::{heat_map, line_chart, progress_bars, status_bar};

pub const LANG_COOKIE: &str = "duban_lang";

/// The pages' routes (merged into the application's router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route(
            "/login",
            get(login_page)
                .post(login_submit)
                .layer(axum::extract::DefaultBodyLimit::max(crate::api::LOGIN_BODY_BYTES)),
        )
        .route("/logout", post(logout))
        .route("/lang", post(switch_lang))
        .route(
            "/static/app.css",
            get(|| async { asset("text/css; charset=utf-8", include_str!("../../static/app.css")) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", include_str!("../../static/app.js")) }),
        )
        .merge(reporting::routes())
        .merge(office::routes())
        .merge(setup::routes())
        .merge(account::routes())
        .merge(supervision::routes())
        .merge(assessment::routes())
        .merge(notices::routes())
        // Rejections become pages inside, so that the page headers (CSP) apply to them too.
        .layer(axum::middleware::from_fn(html_rejections))
        .layer(axum::middleware::map_response(security_headers))
}

/// axum's own rejections on a page's request (a form field that is not a number, a query without a
/// required field): an error page in the person's language instead of plain English text.
async fn html_rejections(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = crate::error::lang_of(req.headers());
    let res = next.run(req).await;
    match crate::error::as_rejection(res).await {
        Ok((status, e)) => {
            let mut out = error_page(None, Tr::new(lang), &e);
            *out.status_mut() = status;
            out
        }
        Err(res) => res,
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    r
}

/// Nothing from another origin: scripts, styles, images, forms and frames are all limited to this one.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    r
}

/// The signed-in person on a page, with what every page needs.
#[derive(Debug, Clone)]
pub struct PageUser {
    pub actor: Actor,
    pub csrf: String,
    pub display_name: String,
    pub tr: Tr,
    /// The stored key of this browser session (kept when the password changes; the others end).
    pub session_key: String,
    pub must_change_password: bool,
    /// Unread notices, for the count in the header.
    pub unread: i64,
}

impl PageUser {
    pub fn is_admin(&self) -> bool {
        self.actor.role == Role::Admin
    }
    pub fn is_unit(&self) -> bool {
        matches!(self.actor.role, Role::Leader | Role::Reporter)
    }
    /// The administration page: the office's, and the system administrator's (accounts and units).
    pub fn sees_admin(&self) -> bool {
        matches!(self.actor.role, Role::Admin | Role::SysAdmin)
    }
    /// The audit page: the security auditor's, and the office's while the duties are not separated.
    pub fn sees_audit(&self) -> bool {
        matches!(self.actor.role, Role::Admin | Role::Auditor)
    }
}

/// Not signed in: to the login page, coming back afterwards.
#[derive(Debug)]
pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        if self.0 == CHANGE_PASSWORD {
            return Redirect::to(CHANGE_PASSWORD).into_response();
        }
        let next: String = url_encode(&self.0);
        Redirect::to(&format!("/login?next={next}")).into_response()
    }
}

/// Where an account that must change its password is sent, whatever page it asks for.
pub const CHANGE_PASSWORD: &str = "/password";

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = ToLogin;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let back = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        let back = if parts.method == axum::http::Method::GET { back } else { "/".into() };
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(|| ToLogin(back.clone()))?;
        let session = state
            .store
            .session(&token, state.now(), state.idle_secs)
            .await
            .ok()
            .flatten()
            .ok_or_else(|| ToLogin(back.clone()))?;
        if session.kind != "browser" {
            return Err(ToLogin(back));
        }
        // An initial or reset password is changed before anything else (the change and sign-out stay open).
        if session.must_change_password && !matches!(parts.uri.path(), CHANGE_PASSWORD | "/logout" | "/lang") {
            return Err(ToLogin(CHANGE_PASSWORD.to_string()));
        }
        let lang = session.lang;
        crate::trace::record_user(&session.actor.username);
        // The count on every page; a failure to read it is no reason to refuse the page.
        let unread = state.store.unread_notices(&session.actor).await.unwrap_or(0);
        Ok(PageUser {
            unread,
            actor: session.actor,
            csrf: session.csrf,
            display_name: session.display_name,
            tr: Tr::new(lang),
            session_key: session.key,
            must_change_password: session.must_change_password,
        })
    }
}

/// What the layout shows around every page.
#[derive(Debug, Clone)]
pub struct Nav {
    pub tr: Tr,
    pub user: Option<PageUser>,
    /// The menu entry to mark as current.
    pub current: &'static str,
    pub plan_id: Option<PlanId>,
    pub period: Option<String>,
    /// A confirmation after a redirect (from a fixed list of keys, never from the URL's text).
    pub flash: Option<String>,
}

impl Nav {
    pub fn new(user: &PageUser, current: &'static str) -> Nav {
        Nav { tr: user.tr, user: Some(user.clone()), current, plan_id: None, period: None, flash: None }
    }
    pub fn anonymous(tr: Tr) -> Nav {
        Nav { tr, user: None, current: "", plan_id: None, period: None, flash: None }
    }
    pub fn csrf(&self) -> &str {
        self.user.as_ref().map(|u| u.csrf.as_str()).unwrap_or("")
    }
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(PageUser::is_admin)
    }
    pub fn is_unit(&self) -> bool {
        self.user.as_ref().is_some_and(PageUser::is_unit)
    }
    pub fn sees_admin(&self) -> bool {
        self.user.as_ref().is_some_and(PageUser::sees_admin)
    }
    pub fn sees_audit(&self) -> bool {
        self.user.as_ref().is_some_and(PageUser::sees_audit)
    }
    pub fn unread(&self) -> i64 {
        self.user.as_ref().map_or(0, |u| u.unread)
    }
    pub fn sees_supervisions(&self) -> bool {
        self.user.as_ref().is_some_and(supervision::reads_supervisions)
    }
    pub fn name(&self) -> &str {
        self.user.as_ref().map(|u| u.display_name.as_str()).unwrap_or("")
    }
    /// `?plan=…&period=…` for menu links.
    pub fn q(&self) -> String {
        let mut q = Vec::new();
        if let Some(p) = self.plan_id {
            q.push(format!("plan={p}"));
        }
        if let Some(p) = &self.period {
            q.push(format!("period={}", url_encode(p)));
        }
        if q.is_empty() { String::new() } else { format!("?{}", q.join("&")) }
    }
    /// A fresh one-time token for a form.
    pub fn form_token(&self) -> String {
        duban_store::random_token()
    }
    pub fn with_flash(mut self, key: Option<&str>) -> Nav {
        const KNOWN: [&str; 27] = [
            "requested",
            "saved",
            "submitted",
            "approved",
            "returned",
            "reminded",
            "uploaded",
            "published",
            "mapped",
            "created",
            "granted",
            "decided",
            "imported",
            "checked",
            "created_units",
            "password_changed",
            "ended",
            "sheet_applied",
            "units_applied",
            "supervised",
            "replied",
            "accepted",
            "escalated",
            "rules_set",
            "signed",
            "sent_back",
            "mode_set",
        ];
        self.flash = key.filter(|k| KNOWN.contains(k)).map(|k| self.tr.t(&format!("flash-{k}")));
        self
    }
}

/// Renders a template, or an error page when rendering fails.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("template: {e}")).into_response(),
    }
}

/// What every office and unit page shows while there is no plan yet.
#[derive(Debug, Template)]
#[template(path = "empty.html")]
pub struct EmptyPage {
    nav: Nav,
}

impl EmptyPage {
    pub fn new(user: &PageUser) -> EmptyPage {
        EmptyPage { nav: Nav::new(user, "") }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Nav,
    message: String,
}

/// An error as a page in the person's language, with the status the API would give.
pub fn error_page(user: Option<&PageUser>, tr: Tr, e: &Error) -> Response {
    crate::error::log_error(e, "page", "");
    let status = crate::error::status_of(e.kind);
    let nav = match user {
        Some(u) => Nav::new(u, ""),
        None => Nav::anonymous(tr),
    };
    let mut r = render(&ErrorPage { nav, message: e.message(tr.lang).to_string() });
    *r.status_mut() = status;
    r
}

/// A page handler's result: a page, or an error page.
pub type PageResult = Result<Response, PageError>;

/// An error shown as a page to the person (boxed: it travels in every page handler's `Result`).
#[derive(Debug)]
pub struct PageError(Box<(Option<PageUser>, Tr, Error)>);

impl PageError {
    pub fn new(user: Option<&PageUser>, tr: Tr, error: Error) -> PageError {
        PageError(Box::new((user.cloned(), tr, error)))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (user, tr, error) = *self.0;
        error_page(user.as_ref(), tr, &error)
    }
}

/// Turns store errors into error pages for `user`.
pub trait OrPage<T> {
    fn or_page(self, user: &PageUser) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, Error> {
    fn or_page(self, user: &PageUser) -> Result<T, PageError> {
        self.map_err(|error| PageError::new(Some(user), user.tr, error))
    }
}

/// The fields every state-changing form carries. (Forms list them as fields of their own rather than
/// through `#[serde(flatten)]`, which would make serde_urlencoded read every other field as text.)
#[derive(Debug, Deserialize)]
pub struct FormGuard {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub form_token: String,
}

/// Checks the form's CSRF token and makes the write's context, with the form token as its idempotency key.
fn form_ctx(state: &AppState, user: &PageUser, csrf: &str, form_token: &str, what: &str) -> Result<Ctx, PageError> {
    let ok = crate::auth::constant_time_eq(csrf.as_bytes(), user.csrf.as_bytes());
    if !ok {
        return Err(PageError::new(Some(user), user.tr, Error::new(ErrorKind::Forbidden, "csrf").worded("form")));
    }
    let mut ctx = Ctx::new(user.actor.clone(), state.now());
    let token = form_token.trim();
    if !token.is_empty() && token.len() <= 200 {
        // One answer per form: the same form sent twice is written once.
        ctx.idempotency =
            Some(Idempotency { key: format!("form:{}:{token}", user.actor.user_id), fingerprint: what.to_string() });
    }
    Ok(ctx)
}

/// A submitted form that changes something: who sent it, the write's context (the CSRF token checked, the
/// form's one-time token as the idempotency key) and the form's own fields. The form structs leave out
/// `csrf` and `form_token`; serde_urlencoded ignores fields a struct does not name.
#[derive(Debug)]
pub struct PageForm<T> {
    pub user: PageUser,
    pub ctx: Ctx,
    pub form: T,
}

/// Forms are small; files come as multipart and are limited elsewhere.
const MAX_FORM_BYTES: usize = 1024 * 1024;

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = PageUser::from_request_parts(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        let bad = |e: &dyn std::fmt::Display| {
            PageError::new(Some(&user), user.tr, Error::bad_input("form.invalid").arg("e", e)).into_response()
        };
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES).await.map_err(|e| bad(&e))?;
        let guard: FormGuard = serde_urlencoded::from_bytes(&bytes).map_err(|e| bad(&e))?;
        let form: T = serde_urlencoded::from_bytes(&bytes).map_err(|e| bad(&e))?;
        let ctx = form_ctx(state, &user, &guard.csrf, &guard.form_token, parts.uri.path())
            .map_err(IntoResponse::into_response)?;
        Ok(PageForm { user, ctx, form })
    }
}

/// After a write: back to a page (Post/Redirect/Get).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The plan and period a page is about: the ones asked for, else the newest published plan and, for the
/// office and leadership, the latest period that has ended (before the first, the first); for a unit, the
/// period it can report on today.
#[derive(Debug, Clone)]
pub struct Scope {
    pub plan: PlanRecord,
    pub periods: Vec<PeriodRecord>,
    pub period: Option<PeriodRecord>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ScopeQuery {
    #[serde(default)]
    pub plan: Option<PlanId>,
    #[serde(default)]
    pub period: Option<String>,
}

pub async fn scope(state: &AppState, user: &PageUser, q: &ScopeQuery) -> Result<Option<Scope>, PageError> {
    let plan = match q.plan {
        Some(id) => Some(state.store.plan(id).await.or_page(user)?),
        None => {
            let plans = state.store.list_plans().await.or_page(user)?;
            plans.iter().find(|p| p.state == duban_model::PlanState::Published).or(plans.first()).cloned()
        }
    };
    let Some(plan) = plan else { return Ok(None) };
    let periods = state.store.periods(plan.id).await.or_page(user)?;
    let today = duban_core::periods::local_date(state.now());
    let period = match &q.period {
        Some(k) => periods.iter().find(|p| &p.spec.key == k).cloned(),
        None if user.is_unit() => open_period(&periods, today),
        None => default_period(&periods, today),
    };
    Ok(Some(Scope { plan, periods, period }))
}

/// For a unit: the first period still open for its reports (begun, not locked); else as for the office.
pub fn open_period(periods: &[PeriodRecord], today: NaiveDate) -> Option<PeriodRecord> {
    periods
        .iter()
        .find(|p| p.spec.starts_on <= today && !p.spec.is_locked(today))
        .cloned()
        .or_else(|| default_period(periods, today))
}

pub fn default_period(periods: &[PeriodRecord], today: NaiveDate) -> Option<PeriodRecord> {
    periods.iter().rev().find(|p| p.spec.ends_on < today).or(periods.first()).cloned()
}

// ---- login, language, home -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    /// The form's CSRF token, also set as the `duban_login` cookie (double submit: a page of another
    /// site can neither read the cookie nor make the browser send it, SameSite=Strict).
    login_token: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

fn anonymous_lang(headers: &HeaderMap, asked: Option<&str>) -> Lang {
    match asked.map(str::to_string).or_else(|| cookie(headers, LANG_COOKIE)).as_deref() {
        Some("en") => Lang::En,
        Some(_) => Lang::Zh,
        None => crate::error::lang_of(headers),
    }
}

/// Only paths on this site are followed after login (and by the other `back` links): a `/` and then only
/// the characters of a URL path and query. Anything else (another host as `//x` or `/\\x`, a scheme, a
/// TAB or newline that a browser drops or a header cannot carry, `/%09/x` decoded) goes to `/`.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    let ok = |n: &str| {
        let mut chars = n.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/') | Some('\\'))
            && n.chars().all(|c| c.is_ascii_alphanumeric() || "/-._~?=&%+,;:@!$'()*".contains(c))
            && !n.contains("/../")
    };
    match next {
        Some(n) if ok(n) => n.to_string(),
        _ => "/".into(),
    }
}

const LOGIN_COOKIE: &str = "duban_login";

fn login_cookie(token: &str, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    ))
    .ok()
}

/// The login page with a fresh form token (and its cookie).
fn login_form(state: &AppState, tr: Tr, next: String, username: String, error: Option<String>) -> Response {
    let token = duban_store::random_token();
    let mut r = render(&LoginPage { nav: Nav::anonymous(tr), login_token: token.clone(), next, username, error });
    if let Some(v) = login_cookie(&token, state.secure_cookies) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<NextQuery>,
) -> Response {
    let lang = anonymous_lang(&headers, q.lang.as_deref());
    let mut r = login_form(&state, Tr::new(lang), safe_next(q.next.as_deref()), String::new(), None);
    if q.lang.is_some()
        && let Ok(v) =
            HeaderValue::from_str(&format!("{LANG_COOKIE}={}; Path=/; SameSite=Strict; Max-Age=31536000", lang.code()))
    {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    login_token: String,
}

async fn login_submit(
    State(state): State<AppState>,
    client: crate::serve::ClientAddr,
    headers: HeaderMap,
    axum::extract::Form(f): axum::extract::Form<LoginForm>,
) -> Response {
    let lang = anonymous_lang(&headers, None);
    let tr = Tr::new(lang);
    let sent = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if f.login_token.is_empty() || !crate::auth::constant_time_eq(sent.as_bytes(), f.login_token.as_bytes()) {
        let e = Error::new(ErrorKind::Forbidden, "csrf").worded("login");
        let mut r = login_form(&state, tr, safe_next(f.next.as_deref()), f.username, Some(e.message(lang).to_string()));
        *r.status_mut() = StatusCode::FORBIDDEN;
        return r;
    }
    match crate::auth::authenticate(&state, &f.username, &f.password, client).await {
        Ok(user) => match state.store.create_session(&user, "browser", state.now(), BROWSER_TTL_SECS).await {
            Ok((token, _csrf)) => {
                let mut r = see_other(&safe_next(f.next.as_deref()));
                let secure = if state.secure_cookies { "; Secure" } else { "" };
                let c = format!(
                    "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={BROWSER_TTL_SECS}{secure}"
                );
                if let Ok(v) = HeaderValue::from_str(&c) {
                    r.headers_mut().append(header::SET_COOKIE, v);
                }
                if let Ok(v) = HeaderValue::from_str(&format!("{LOGIN_COOKIE}=; Path=/login; Max-Age=0")) {
                    r.headers_mut().append(header::SET_COOKIE, v);
                }
                r
            }
            Err(e) => error_page(None, tr, &e),
        },
        Err(e) => {
            let status = crate::error::status_of(e.0.kind);
            let mut r =
                login_form(&state, tr, safe_next(f.next.as_deref()), f.username, Some(e.0.message(lang).to_string()));
            *r.status_mut() = status;
            r
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm { user, .. }: PageForm<FormGuard>,
) -> PageResult {
    if let Some(t) = cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&t).await.or_page(&user)?;
    }
    let mut r = see_other("/login");
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("duban_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(r)
}

#[derive(Debug, Deserialize)]
struct LangForm {
    lang: String,
    #[serde(default)]
    back: Option<String>,
}

/// The language switch, remembered with the account.
async fn switch_lang(State(state): State<AppState>, PageForm { user, ctx, form: f }: PageForm<LangForm>) -> PageResult {
    let lang = if f.lang == "en" { Lang::En } else { Lang::Zh };
    state.store.set_user_lang(&ctx, lang).await.or_page(&user)?;
    Ok(see_other(&safe_next(f.back.as_deref())))
}

async fn home(user: PageUser) -> Response {
    if user.is_unit() { see_other("/todo") } else { see_other("/dashboard") }
}
