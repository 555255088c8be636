//! One HTTP request of a step: method, path template, parameters, credentials and body.
//!
//! The builder only records; everything is checked and encoded by [`Request::prepare`] when the
//! request is sent, so a bad value fails the step before anything goes on the wire.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::encoding::encode::{self, Location};
use crate::encoding::multipart;
pub use crate::encoding::param::ParamValue;
use crate::encoding::param::{IntoParamRef, ParamRef};
use crate::encoding::query_string::{self, QueryStringKind};
use crate::encoding::sent::SentRequest;
use crate::encoding::xml;
use crate::error::StepError;
use crate::secrets::{BasicCredentials, SecretString};

/// An HTTP method of an OpenAPI operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
}

impl Method {
    /// The method as sent on the wire, e.g. `"GET"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Put => reqwest::Method::PUT,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
            Method::Options => reqwest::Method::OPTIONS,
            Method::Head => reqwest::Method::HEAD,
            Method::Patch => reqwest::Method::PATCH,
            Method::Trace => reqwest::Method::TRACE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a parameter value is serialized: the OpenAPI `style` of a parameter (with its `explode`
/// flag passed alongside), following RFC 6570 where OpenAPI does.
///
/// Allowed per location, as in OpenAPI's Style Values table: path `Simple` (default), `Label`,
/// `Matrix`; query `Form` (default, exploded), `SpaceDelimited`, `PipeDelimited`, `DeepObject`;
/// header `Simple` (default); cookie `Form` (default, exploded). Any other combination, and
/// `SpaceDelimited`/`PipeDelimited` with a scalar or `DeepObject` with a non-object, fails the
/// step when the request is sent, naming the parameter; nothing is sent.
///
/// With the parameter `color` and the values `"blue"`, `["blue", "black", "brown"]` and
/// `{"R": 100, "G": 200, "B": 150}`:
///
/// | style | explode | string | array | object |
/// |---|---|---|---|---|
/// | `Simple` | false | `blue` | `blue,black,brown` | `R,100,G,200,B,150` |
/// | `Simple` | true | `blue` | `blue,black,brown` | `R=100,G=200,B=150` |
/// | `Label` | false | `.blue` | `.blue,black,brown` | `.R,100,G,200,B,150` |
/// | `Label` | true | `.blue` | `.blue.black.brown` | `.R=100.G=200.B=150` |
/// | `Matrix` | false | `;color=blue` | `;color=blue,black,brown` | `;color=R,100,G,200,B,150` |
/// | `Matrix` | true | `;color=blue` | `;color=blue;color=black;color=brown` | `;R=100;G=200;B=150` |
/// | `Form` | false | `color=blue` | `color=blue,black,brown` | `color=R,100,G,200,B,150` |
/// | `Form` | true | `color=blue` | `color=blue&color=black&color=brown` | `R=100&G=200&B=150` |
/// | `SpaceDelimited` | false | refused | `color=blue%20black%20brown` | `color=R%20100%20G%20200%20B%20150` |
/// | `PipeDelimited` | false | refused | `color=blue%7Cblack%7Cbrown` | `color=R%7C100%7CG%7C200%7CB%7C150` |
/// | `DeepObject` | either | refused | refused | `color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150` |
///
/// Data is always percent-encoded, so a delimiter inside a value is never taken for one: path
/// values as RFC 3986 `unreserved` (plus `.` for `Label`), query values
/// `application/x-www-form-urlencoded`, cookie values as path values; header values are sent as
/// is. The `|`, `[`, `]` and space delimiters are percent-encoded too, as OpenAPI 3.1.1 requires
/// (Appendix E). `SpaceDelimited` and `PipeDelimited` with `explode` (undefined in OpenAPI)
/// repeat the name like exploded `Form`; `DeepObject` ignores `explode`. Exploded cookies are
/// separate cookies (`color=blue; color=black`), never joined with `&`. Null items and properties
/// are left out, nested arrays and objects are sent as JSON text, and an empty array or object
/// counts as absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `simple`: `blue,black,brown` (path and header).
    Simple,
    /// `label`: `.blue` (path).
    Label,
    /// `matrix`: `;color=blue` (path).
    Matrix,
    /// `form`: `color=blue` (query and cookie).
    Form,
    /// `spaceDelimited`: `color=blue%20black%20brown` (query, arrays and objects).
    SpaceDelimited,
    /// `pipeDelimited`: `color=blue%7Cblack%7Cbrown` (query, arrays and objects).
    PipeDelimited,
    /// `deepObject`: `color%5BR%5D=100` (query, objects).
    DeepObject,
}

impl Style {
    /// The name used in OpenAPI documents, e.g. `"deepObject"`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Style::Simple => "simple",
            Style::Label => "label",
            Style::Matrix => "matrix",
            Style::Form => "form",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }
}

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

/// A request checked and encoded, ready for the wire.
pub(crate) struct Prepared {
    pub(crate) method: reqwest::Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Vec<u8>>,
    /// Every secret the request carries, to scrub from error excerpts.
    pub(crate) secrets: Vec<SecretString>,
    /// Where the response body holds secrets.
    pub(crate) secret_pointers: &'static [&'static str],
    /// The method, for `$method`.
    pub(crate) method_sent: Method,
    /// When the request asked to keep it ([`Request::keep_sent`]), what criteria may read of it:
    /// path parameters as given and the JSON body; the transport adds the URL and headers. Boxed:
    /// it is large, and a prepared request moves several times on its way out.
    pub(crate) sent: Option<Box<SentRequest>>,
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
    /// [`StepError::StepTimeout`], which the step's failure actions handle like any failure (a
    /// `retry` sends the request again, with the whole limit again). The client's request and
    /// workflow timeouts still apply.
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
    /// fails the step with [`StepError::InvalidRequest`] before anything is sent. `content_type` is
    /// sent as `Content-Type` unless the request sets it; an absent value (`None`) sends no body.
    /// Secrets inside it are scrubbed from error excerpts.
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

    /// Fails the step with [`StepError::InvalidRequest`] naming `name`, before anything is sent, when
    /// `value` is absent. Generated code requires the optional inputs a document embeds in a path
    /// parameter or a string: left out, they would leave a segment empty or send half a value.
    pub fn require<V: ParamValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        if self.missing.is_none() && value.to_json().is_none() {
            self.missing = Some((name, false));
        }
        self
    }

    /// Fails the step with [`StepError::InvalidRequest`] naming `name`, before anything is sent, when
    /// `value` is `null` (`None`). Generated code requires the values whose schema allows `null` (a
    /// step output read as an `Option`) that a document puts in a path parameter, a required
    /// parameter or a string: the request cannot be sent without them.
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

    /// Checks and encodes the request against `base_url`.
    #[cfg(test)]
    pub(crate) fn prepare(self, base_url: &str) -> Result<Prepared, StepError> {
        self.prepare_at(&encode::parse_base_url(base_url)?)
    }

    /// Checks and encodes the request against `base`, a base URL checked by
    /// [`encode::parse_base_url`].
    pub(crate) fn prepare_at(self, base: &reqwest::Url) -> Result<Prepared, StepError> {
        match self.missing {
            Some((name, false)) => {
                return Err(invalid(format!(
                    "`{name}` is `None`, and the request needs it (in a path parameter or inside a string); nothing \
                     was sent"
                )));
            }
            Some((name, true)) => {
                return Err(invalid(format!(
                    "`{name}` is `null`, and the request needs a value there (a path parameter, a required \
                     parameter, or inside a string); nothing was sent"
                )));
            }
            None => {}
        }
        // Values are read straight from the borrowed parameters: a string (the common case) as its
        // text, anything else through its JSON form, which the encoders take.
        let located = [
            (Location::Path, &self.path_params),
            (Location::Query, &self.query),
            (Location::Header, &self.headers),
            (Location::Cookie, &self.cookies),
        ];
        for (location, params) in located {
            for param in params {
                encode::check_style(location, &param.name, param.style)?;
            }
        }

        let path = encode::fill_path_template(&self.path_template, |name| {
            let param = self.path_params.iter().rev().find(|param| param.name == name)?;
            match (param.style, param.value.as_text()) {
                (Style::Simple, Some(text)) => Some(encode::path_segment_owned(text)),
                _ => encode::path_value(name, &param.value.to_json()?, param.style, param.explode).map(Cow::Owned),
            }
        })?;

        let mut query = Vec::new();
        if let Some((kind, value)) = self.query_string
            && let Some(encoded) = query_string::encode(kind, value)?
        {
            query.push(encode::QueryPair { name: Cow::Borrowed(""), encoded });
        }
        for param in &self.query {
            match (param.style, param.value.as_text()) {
                (Style::Form, Some(text)) => query.push(encode::form_pair(param.name.clone(), &text)),
                _ => {
                    if let Some(value) = param.value.to_json() {
                        encode::query_pairs(param.name.clone(), &value, param.style, param.explode, &mut query)?;
                    }
                }
            }
        }

        let mut headers = HeaderMap::new();
        let mut cookies = Vec::new();
        for param in &self.headers {
            let text = match param.value.as_text() {
                Some(text) => text,
                None => match param.value.to_json().and_then(|value| encode::header_text(&value, param.explode)) {
                    Some(text) => Cow::Owned(text),
                    None => continue,
                },
            };
            if param.name.eq_ignore_ascii_case("cookie") {
                cookies.push(text.into_owned());
                continue;
            }
            let name = header_name(&param.name)?;
            let value = header_value(&name, text, param.sensitive)?;
            headers.append(name, value);
        }
        let mut cookie_names: Vec<String> = Vec::new();
        for param in &self.cookies {
            if !encode::is_cookie_name(&param.name) {
                return Err(invalid(format!("cookie name {:?} is not valid", param.name)));
            }
            let mut pairs = Vec::new();
            if let Some(value) = param.value.to_json() {
                encode::cookie_pairs(&param.name, &value, param.explode, &mut pairs);
            }
            for (name, text) in pairs {
                cookies.push(format!("{name}={text}"));
                cookie_names.push(name);
            }
        }

        for credential in &self.credentials {
            match credential {
                Credential::Bearer(token) => {
                    if !headers.contains_key(header::AUTHORIZATION) {
                        let value = header_value(&header::AUTHORIZATION, scheme_text("Bearer", token), true)?;
                        headers.insert(header::AUTHORIZATION, value);
                    }
                }
                Credential::Basic(encoded) => {
                    if !headers.contains_key(header::AUTHORIZATION) {
                        let value = header_value(&header::AUTHORIZATION, scheme_text("Basic", encoded), true)?;
                        headers.insert(header::AUTHORIZATION, value);
                    }
                }
                Credential::Header(name, key) => {
                    let name = header_name(name)?;
                    if !headers.contains_key(&name) {
                        let value = header_value(&name, Cow::Borrowed(key.expose_secret()), true)?;
                        headers.insert(name, value);
                    }
                }
                Credential::Query(name, key) => {
                    if !query.iter().any(|pair| pair.name == *name) {
                        query.push(encode::form_pair(name.clone(), key.expose_secret()));
                    }
                }
                Credential::Cookie(name, key) => {
                    if !encode::is_cookie_name(name) {
                        return Err(invalid(format!("cookie name {name:?} is not valid")));
                    }
                    let set_by_header = cookies
                        .iter()
                        .any(|text| text.split(';').any(|pair| pair.trim_start().split('=').next() == Some(&**name)));
                    if !set_by_header && !cookie_names.iter().any(|known| known == name) {
                        let encoded = encode::percent_encode(key.expose_secret());
                        cookies.push(format!("{name}={encoded}"));
                    }
                }
            }
        }
        if !cookies.is_empty() {
            let value = header_value(&header::COOKIE, Cow::Owned(cookies.join("; ")), true)?;
            headers.insert(header::COOKIE, value);
        }

        // The JSON value of a JSON, JSON-text or form body is kept for criteria; raw, XML and
        // multipart bytes are not copied.
        let (body, sent_body) = match self.body {
            None => (None, None),
            Some(Body::Json(bytes)) => {
                set_content_type(&mut headers, HeaderValue::from_static("application/json"));
                // Criteria that read the body read it as JSON: parsed back only for them. The
                // text was written here, so it parses.
                let value = if self.keep_sent { serde_json::from_slice(&bytes).ok() } else { None };
                (Some(bytes), value)
            }
            Some(Body::Form(value)) => {
                // An expression may hold something other than an object, which has no form fields:
                // refused rather than sent as an empty body.
                if !value.is_object() {
                    return Err(invalid("a form body must be a JSON object (field name to value)".into()));
                }
                set_content_type(&mut headers, HeaderValue::from_static("application/x-www-form-urlencoded"));
                (Some(encode::form_body(&value).into_bytes()), Some(value))
            }
            Some(Body::Raw { content_type, bytes }) => {
                let value = HeaderValue::from_str(&content_type)
                    .map_err(|_| invalid("the media type of the body is not a valid `Content-Type` value".into()))?;
                set_content_type(&mut headers, value);
                (Some(bytes), None)
            }
            Some(Body::JsonText { content_type, bytes }) => {
                let value = HeaderValue::from_str(&content_type)
                    .map_err(|_| invalid("the media type of the body is not a valid `Content-Type` value".into()))?;
                set_content_type(&mut headers, value);
                // Read back only for criteria and outputs, as a JSON body is.
                let sent = if self.keep_sent { serde_json::from_slice(&bytes).ok() } else { None };
                (Some(bytes), sent)
            }
            Some(Body::Xml { content_type, value }) => {
                let bytes = xml::to_xml(&value).map_err(|error| invalid(error.to_string()))?;
                let value = HeaderValue::from_str(&content_type)
                    .map_err(|_| invalid("the media type of the body is not a valid `Content-Type` value".into()))?;
                set_content_type(&mut headers, value);
                (Some(bytes), None)
            }
            Some(Body::Multipart(value)) => {
                let form = multipart::form_data(&value).map_err(invalid)?;
                let content_type = format!("multipart/form-data; boundary={}", form.boundary);
                let value = HeaderValue::from_str(&content_type)
                    .map_err(|_| invalid("the multipart boundary is not a valid header value".into()))?;
                headers.insert(header::CONTENT_TYPE, value);
                (Some(form.body), None)
            }
        };

        let url = encode::join_url(base, path, &query)?;
        let sent = self.keep_sent.then(|| {
            Box::new(SentRequest {
                path_params: self
                    .path_params
                    .into_iter()
                    .map(|param| (param.name.into_owned(), param.value.to_json()))
                    .collect(),
                body: sent_body,
                ..SentRequest::default()
            })
        });
        Ok(Prepared {
            method: self.method.to_reqwest(),
            url,
            headers,
            body,
            secrets: self.secrets,
            secret_pointers: self.secret_pointers,
            method_sent: self.method,
            sent,
        })
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

fn invalid(message: String) -> StepError {
    StepError::InvalidRequest { message }
}

fn header_name(name: &str) -> Result<HeaderName, StepError> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid(format!("header name {name:?} is not valid")))
}

/// `<scheme> <credentials>` (`Bearer <token>`) for an `Authorization` header, sized exactly (see
/// `header_value`).
fn scheme_text(scheme: &str, credentials: &SecretString) -> Cow<'static, str> {
    let credentials = credentials.expose_secret();
    let mut text = String::with_capacity(scheme.len() + 1 + credentials.len());
    text.push_str(scheme);
    text.push(' ');
    text.push_str(credentials);
    Cow::Owned(text)
}

/// Names the header, never the value, when the value cannot be sent. Owned text becomes the value
/// without a copy (when sized exactly).
fn header_value(name: &HeaderName, text: Cow<'_, str>, sensitive: bool) -> Result<HeaderValue, StepError> {
    let value = match text {
        Cow::Borrowed(text) => HeaderValue::from_str(text),
        Cow::Owned(text) => HeaderValue::from_maybe_shared(bytes::Bytes::from(text.into_bytes())),
    };
    let mut value = value.map_err(|_| {
        invalid(format!("the value of header `{name}` contains characters not allowed in a header (such as CR or LF)"))
    })?;
    let always_sensitive = [header::AUTHORIZATION, header::PROXY_AUTHORIZATION, header::COOKIE];
    value.set_sensitive(sensitive || always_sensitive.contains(name));
    Ok(value)
}

fn set_content_type(headers: &mut HeaderMap, media_type: HeaderValue) {
    if !headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(header::CONTENT_TYPE, media_type);
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
