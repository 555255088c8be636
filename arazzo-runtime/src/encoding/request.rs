//! One HTTP request of a step: method, path template, parameters, credentials and body.
//!
//! The builder only records; everything is checked and encoded by [`Request::prepare`] when the
//! request is sent, so a bad value fails the step before anything goes on the wire.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::encoding::encode;
pub use crate::encoding::param::ParamValue;
use crate::encoding::param::{IntoParamRef, ParamRef};
use crate::encoding::query_string::QueryStringKind;
use crate::encoding::{Method, Style};
use crate::secrets::{BasicCredentials, SecretString};

#[path = "request_prepare.rs"]
mod prepare;
pub(crate) use prepare::Prepared;

/// How a credential is attached to a request.
#[derive(Clone)]
enum Credential {
    Bearer(SecretString),
    /// The user name and password, already joined and base64-encoded.
    Basic(SecretString),
    Header(Cow<'static, str>, SecretString),
    Query(Cow<'static, str>, SecretString),
    Cookie(Cow<'static, str>, SecretString),
}

/// A path, query, header or cookie parameter as recorded; checked and encoded when sent.
#[derive(Clone)]
struct Param<'a> {
    /// Names from generated code are `&'static str`: not copied.
    name: Cow<'static, str>,
    /// Borrowed until the request is sent: encoded straight from the value then. Absent
    /// (`None`) values are left out (a path parameter then has no value).
    value: ParamRef<'a>,
    style: Style,
    explode: bool,
    /// Headers built from secrets are marked sensitive.
    sensitive: bool,
}

#[derive(Clone)]
enum Body {
    /// The JSON text, written when the body was given.
    Json(Vec<u8>),
    Form(Value),
    Raw {
        content_type: String,
        bytes: Vec<u8>,
    },
    Multipart(Value),
    /// JSON text written in the workflow document, sent as written.
    JsonText {
        content_type: String,
        bytes: Vec<u8>,
    },
    /// The JSON form of an XML body, written as XML when sent (see `crate::encoding::xml`).
    Xml {
        content_type: String,
        value: Value,
    },
}

/// One request of a step. Built with chained calls; nothing is validated until it is sent.
///
/// Parameter values are borrowed (`'a`) until then, and encoded straight from them: build the
/// request where it is sent, or keep the values alive as long as the request.
///
/// ```
/// use arazzo_runtime::{Method, Request, SecretString};
///
/// let token = SecretString::from("sk_test");
/// let request = Request::new(Method::Get, "/api/v1/app/{app_id}/integration/{integ_id}")
///     .path_param("app_id", "app_1")
///     .path_param("integ_id", "integ_2")
///     .query_param("limit", &10_i64)
///     .bearer_auth(&token);
/// // Debug shows names only, never values.
/// assert!(!format!("{request:?}").contains("sk_test"));
/// ```
#[derive(Clone)]
pub struct Request<'a> {
    method: Method,
    path_template: Cow<'static, str>,
    path_params: Vec<Param<'a>>,
    query: Vec<Param<'a>>,
    /// The whole query string (OpenAPI 3.2 `in: querystring`), before any query parameter.
    query_string: Option<(QueryStringKind, ParamRef<'a>)>,
    headers: Vec<Param<'a>>,
    cookies: Vec<Param<'a>>,
    credentials: Vec<Credential>,
    body: Option<Body>,
    /// The step's `timeout` (Arazzo 1.1), which bounds this request.
    timeout: Option<Duration>,
    secrets: Vec<SecretString>,
    /// JSON pointers of the response body whose values are secrets (a new key), to scrub them too.
    secret_pointers: &'static [&'static str],
    /// Whether the response keeps what was sent, for criteria that read it.
    keep_sent: bool,
    /// The first value [`Request::require`] or [`Request::require_not_null`] found absent, and
    /// whether it was `null`: the request fails before it is sent.
    missing: Option<(&'static str, bool)>,
}

impl<'a> Request<'a> {
    /// A request for `method` and the operation's path template, e.g. `/api/v1/app/{app_id}`.
    pub fn new(method: Method, path_template: impl Into<Cow<'static, str>>) -> Self {
        Self {
            method,
            path_template: path_template.into(),
            path_params: Vec::new(),
            query: Vec::new(),
            query_string: None,
            headers: Vec::new(),
            cookies: Vec::new(),
            credentials: Vec::new(),
            body: None,
            timeout: None,
            secrets: Vec::new(),
            secret_pointers: &[],
            keep_sent: false,
            missing: None,
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The path template as given to [`Request::new`].
    pub fn path_template(&self) -> &str {
        &self.path_template
    }

    /// The path template, shared (a template from generated code is never copied).
    pub(crate) fn path_template_shared(&self) -> Cow<'static, str> {
        self.path_template.clone()
    }

    fn param(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl IntoParamRef<'a>,
        style: Style,
        explode: bool,
    ) -> Param<'a> {
        let value = value.into_param_ref();
        let before = self.secrets.len();
        value.collect_secrets(&mut self.secrets);
        let sensitive = self.secrets.len() > before;
        Param { name: name.into(), value, style, explode, sensitive }
    }

    /// Fills the `{name}` placeholder. The value is percent-encoded as exactly one path segment
    /// (`simple` style, not exploded: arrays `a,b`, objects `k,v`).
    /// A placeholder left without a value fails the step with an error naming it.
    pub fn path_param(self, name: impl Into<Cow<'static, str>>, value: impl IntoParamRef<'a>) -> Self {
        self.path_param_styled(name, value, Style::Simple, false)
    }

    /// Fills the `{name}` placeholder in `style` (`Simple`, `Label` or `Matrix`; see [`Style`]).
    /// Every piece of data is percent-encoded, so the value stays inside its path segment; a
    /// value that would leave the segment empty, `.` or `..` fails the step, as does a
    /// placeholder left without a value.
    pub fn path_param_styled(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl IntoParamRef<'a>,
        style: Style,
        explode: bool,
    ) -> Self {
        let param = self.param(name, value, style, explode);
        self.path_params.push(param);
        self
    }

    /// Adds a query parameter (form style, exploded: arrays repeat the name). Absent values
    /// (`None`) are left out.
    pub fn query_param(self, name: impl Into<Cow<'static, str>>, value: impl IntoParamRef<'a>) -> Self {
        self.query_param_styled(name, value, Style::Form, true)
    }

    /// Adds a query parameter in `style` (`Form`, `SpaceDelimited`, `PipeDelimited` or
    /// `DeepObject`; see [`Style`]). Absent values (`None`) are left out.
    pub fn query_param_styled(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl IntoParamRef<'a>,
        style: Style,
        explode: bool,
    ) -> Self {
        let param = self.param(name, value, style, explode);
        self.query.push(param);
        self
    }

    /// Sets the whole query string (OpenAPI 3.2 `in: querystring`, Arazzo 1.1) of an operation whose
    /// query string is `application/x-www-form-urlencoded`: text is sent as written
    /// (`filter=active&sort=desc`), with what a query cannot hold percent-encoded (a space, a `#`,
    /// a `%` that starts no escape, anything outside ASCII); an object is sent as form fields
    /// (`foo=a+%2B+b&bar=true`). An absent value (`None`) or empty text sends no query string.
    /// Query parameters and API keys in the query follow it, after `&`.
    ///
    /// ```
    /// use arazzo_runtime::{Method, Request};
    ///
    /// let request = Request::new(Method::Get, "/items").query_string("filter=active&sort=desc");
    /// ```
    pub fn query_string(mut self, value: impl IntoParamRef<'a>) -> Self {
        let value = value.into_param_ref();
        value.collect_secrets(&mut self.secrets);
        self.query_string = Some((QueryStringKind::Form, value));
        self
    }

    /// Sets the whole query string, as [`Request::query_string`] does, of an operation whose query
    /// string has another media type (`application/json`, `text/plain`, ...): the value's text (a
    /// JSON value's JSON text) is percent-encoded whole, every character outside RFC 3986
    /// `unreserved` included, as OpenAPI 3.2 says: `{"a":1}` is sent as `?%7B%22a%22%3A1%7D`.
    pub fn query_string_escaped(mut self, value: impl IntoParamRef<'a>) -> Self {
        let value = value.into_param_ref();
        value.collect_secrets(&mut self.secrets);
        self.query_string = Some((QueryStringKind::Escaped, value));
        self
    }

    /// Bounds this request by the step's `timeout` (Arazzo 1.1): when the response (body
    /// included) has not arrived within `limit`, the attempt fails with
    /// [`StepError::StepTimeout`](crate::StepError::StepTimeout), which the step's failure actions
    /// handle like any failure (a `retry` sends the request again, with the whole limit again). The
    /// client's request and workflow timeouts still apply.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// The step's `timeout`, when [`Request::timeout`] set one.
    pub(crate) fn step_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Adds a header (appended: setting a name twice sends it twice). Secret values, and values
    /// of `Authorization`, `Proxy-Authorization` and `Cookie`, are marked sensitive.
    /// A value with CR, LF or another forbidden byte fails the step; nothing is sent.
    pub fn header(self, name: impl Into<Cow<'static, str>>, value: impl IntoParamRef<'a>) -> Self {
        self.header_styled(name, value, Style::Simple, false)
    }

    /// Adds a header in `style` (only `Simple` is allowed in headers; `explode` sends objects as
    /// `k=v,k=v`). Otherwise as [`Request::header`].
    pub fn header_styled(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl IntoParamRef<'a>,
        style: Style,
        explode: bool,
    ) -> Self {
        let param = self.param(name, value, style, explode);
        self.headers.push(param);
        self
    }

    /// Adds a cookie; all cookies go in one `Cookie` header, values percent-encoded. Arrays and
    /// objects are exploded: `name=a; name=b`, `k1=v1; k2=v2`.
    pub fn cookie(self, name: impl Into<Cow<'static, str>>, value: impl IntoParamRef<'a>) -> Self {
        self.cookie_styled(name, value, Style::Form, true)
    }

    /// Adds a cookie in `style` (only `Form` is allowed in cookies; unexploded arrays and
    /// objects are one cookie, `name=a,b`). Otherwise as [`Request::cookie`].
    pub fn cookie_styled(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl IntoParamRef<'a>,
        style: Style,
        explode: bool,
    ) -> Self {
        let param = self.param(name, value, style, explode);
        self.cookies.push(param);
        self
    }

    fn credential(mut self, credential: Credential, secret: &SecretString) -> Self {
        self.secrets.push(secret.clone());
        self.credentials.push(credential);
        self
    }

    /// `Authorization: Bearer <token>`, unless the request sets `Authorization` itself.
    pub fn bearer_auth(self, token: &SecretString) -> Self {
        self.credential(Credential::Bearer(token.clone()), token)
    }

    /// `Authorization: Basic ...`, unless the request sets `Authorization` itself.
    pub fn basic_auth(mut self, credentials: &BasicCredentials) -> Self {
        let encoded = SecretString::from(encode::base64(
            format!("{}:{}", credentials.username, credentials.password.expose_secret()).as_bytes(),
        ));
        self.secrets.push(encoded.clone());
        self.credential(Credential::Basic(encoded), &credentials.password)
    }

    /// An API key in header `name`, unless the request sets that header itself.
    pub fn api_key_header(self, name: impl Into<Cow<'static, str>>, key: &SecretString) -> Self {
        self.credential(Credential::Header(name.into(), key.clone()), key)
    }

    /// A header whose value is the token as is (Backblaze B2 takes its authorization token
    /// without a scheme), unless the request sets that header itself.
    pub fn raw_auth_header(self, name: impl Into<Cow<'static, str>>, token: &SecretString) -> Self {
        self.api_key_header(name, token)
    }

    /// An API key in query parameter `name`, unless the request sets that parameter itself.
    pub fn api_key_query(self, name: impl Into<Cow<'static, str>>, key: &SecretString) -> Self {
        self.credential(Credential::Query(name.into(), key.clone()), key)
    }

    /// An API key in cookie `name`, unless the request sets that cookie itself.
    pub fn api_key_cookie(self, name: impl Into<Cow<'static, str>>, key: &SecretString) -> Self {
        self.credential(Credential::Cookie(name.into(), key.clone()), key)
    }

    /// A JSON body (`Content-Type: application/json` unless set), written at once from the value
    /// (a [`crate::json::object`], a `serde_json::Value`, any [`ParamValue`]). An absent value
    /// (`None`) sends no body. Secrets inside it are scrubbed from error excerpts.
    pub fn json_body<V: ParamValue + ?Sized>(mut self, body: &V) -> Self {
        body.collect_secrets(&mut self.secrets);
        // As `serde_json::to_vec` starts: room for a typical small body, without regrowing.
        let mut bytes = Vec::with_capacity(128);
        self.body = body.write_json(&mut bytes).then_some(Body::Json(bytes));
        self
    }

    /// An `application/x-www-form-urlencoded` body from a JSON object (arrays repeat the name).
    /// An absent value (`None`) sends no body; a value that is not an object fails the step when sent.
    pub fn form_body<V: ParamValue + ?Sized>(mut self, body: &V) -> Self {
        body.collect_secrets(&mut self.secrets);
        self.body = body.to_json().map(Body::Form);
        self
    }

    /// A body sent as is with the given media type (`text/plain`, `application/xml`,
    /// `application/octet-stream`, ...), as `Content-Type` unless the request sets it. A media
    /// type that cannot be a header value fails the step when sent.
    pub fn raw_body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(Body::Raw { content_type: content_type.to_owned(), bytes: body.into() });
        self
    }

    /// A body the workflow document writes as JSON text (its values filled in JSON-encoded), sent as
    /// written with the given media type (`application/json`, `*+json`), as `Content-Type` unless the
    /// request sets it. Unlike [`Request::raw_body`], criteria and step outputs can read it
    /// ([`Request::keep_sent`]: `$request.body#/name`); text that is not JSON is still sent, and
    /// what was sent then reads as absent.
    pub fn json_text_body(mut self, content_type: &str, text: impl Into<Vec<u8>>) -> Self {
        self.body = Some(Body::JsonText { content_type: content_type.to_owned(), bytes: text.into() });
        self
    }

    /// A `multipart/form-data` body (RFC 7578) from a JSON object: strings, numbers and booleans
    /// as text parts, arrays as one part per item under the same name, objects as JSON parts
    /// (`Content-Type: application/json`); null fields and items are left out. `None` sends no
    /// body; a value that is not an object fails the step when sent.
    ///
    /// The boundary is derived from the content (the same body always gives the same bytes) and
    /// never occurs inside it. `Content-Type` is always `multipart/form-data; boundary=...`,
    /// replacing one set by the request, since only this body knows its boundary.
    pub fn multipart_body<V: ParamValue + ?Sized>(mut self, body: &V) -> Self {
        body.collect_secrets(&mut self.secrets);
        self.body = body.to_json().map(Body::Multipart);
        self
    }

    /// An XML body (`application/xml`, `text/xml`, `*+xml`) written from the JSON form of the value:
    /// its one member is the root element, objects are elements, arrays repeat their element, and
    /// members named `@name` are attributes (the rules are in the `xml` module). Values are escaped;
    /// a value without an XML form (several roots, a name XML cannot have, a control character)
    /// fails the step with [`StepError::InvalidRequest`](crate::StepError::InvalidRequest) before
    /// anything is sent. `content_type` is sent as `Content-Type` unless the request sets it; an
    /// absent value (`None`) sends no body. Secrets inside it are scrubbed from error excerpts.
    pub fn xml_body<V: ParamValue + ?Sized>(mut self, content_type: &str, body: &V) -> Self {
        body.collect_secrets(&mut self.secrets);
        self.body = body.to_json().map(|value| Body::Xml { content_type: content_type.to_owned(), value });
        self
    }

    /// Declares that the response body holds secrets at these JSON pointers (the step reads a new
    /// key there): an error excerpt of the body scrubs them, a body that is not JSON is withheld, and
    /// the run scrubs them from the excerpts of its later steps too.
    pub fn secrets_in_response(mut self, pointers: &'static [&'static str]) -> Self {
        self.secret_pointers = pointers;
        self
    }

    /// Keeps what was sent (URL, headers, path parameters, JSON or form body) with the response, for
    /// criteria that read it: [`Response::request_url`], [`Response::request_header`],
    /// [`Response::request_query`], [`Response::request_path`] and [`Response::request_body_at`]
    /// are empty or `None` without it ([`Response::request_method`] always answers). Generated
    /// code asks for it only on steps whose criteria read the request: the copy has a cost.
    ///
    /// [`Response::request_url`]: crate::Response::request_url
    /// [`Response::request_header`]: crate::Response::request_header
    /// [`Response::request_query`]: crate::Response::request_query
    /// [`Response::request_path`]: crate::Response::request_path
    /// [`Response::request_body_at`]: crate::Response::request_body_at
    /// [`Response::request_method`]: crate::Response::request_method
    pub fn keep_sent(mut self) -> Self {
        self.keep_sent = true;
        self
    }

    /// Fails the step with [`StepError::InvalidRequest`](crate::StepError::InvalidRequest) naming
    /// `name`, before anything is sent, when `value` is absent. Generated code requires the optional
    /// inputs a document embeds in a path parameter or a string: left out, they would leave a
    /// segment empty or send half a value.
    pub fn require<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        if self.missing.is_none() && value.to_json().is_none() {
            self.missing = Some((name, false));
        }
        self
    }

    /// Fails the step with [`StepError::InvalidRequest`](crate::StepError::InvalidRequest) naming
    /// `name`, before anything is sent, when `value` is `null` (`None`). Generated code requires the
    /// values whose schema allows `null` (a step output read as an `Option`) that a document puts in
    /// a path parameter, a required parameter or a string: the request cannot be sent without them.
    pub fn require_not_null<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        if self.missing.is_none() && value.to_json().is_none() {
            self.missing = Some((name, true));
        }
        self
    }

    /// Registers a secret to scrub from error excerpts, e.g. one that is only inside the body.
    pub fn redact<V: ParamValue + ?Sized>(mut self, value: &V) -> Self {
        // Accepts `Option<SecretString>` and lists too, so an optional secret input can be registered as is.
        value.collect_secrets(&mut self.secrets);
        self
    }
}

impl fmt::Debug for Request<'_> {
    /// Names only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn names<'p>(params: &'p [Param<'_>]) -> Vec<&'p str> {
            params.iter().map(|param| &*param.name).collect()
        }
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("path_params", &names(&self.path_params))
            .field("query", &names(&self.query))
            .field("has_query_string", &self.query_string.is_some())
            .field("headers", &names(&self.headers))
            .field("cookies", &names(&self.cookies))
            .field("credentials", &self.credentials.len())
            .field("has_body", &self.body.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
