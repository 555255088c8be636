//! One HTTP request of a step: method, path template, parameters, credentials and body.
//!
//! The builder only records; everything is checked and encoded by [`Request::prepare`] when the
//! request is sent, so a bad value fails the step before anything goes on the wire.

use std::borrow::Cow;
use std::fmt;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::encode;
use crate::error::StepError;
use crate::secret::{BasicCredentials, SecretString};

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

/// A value that can fill a parameter or a body field.
///
/// `to_json` returning `None` means "absent": the parameter or field is left out.
pub trait ParamValue {
    /// The value as JSON, or `None` when absent.
    fn to_json(&self) -> Option<Value>;

    /// The plain text when the value is a secret: the request marks headers built from it as
    /// sensitive and scrubs it from error excerpts.
    fn secret_text(&self) -> Option<&str> {
        None
    }

    /// Every secret inside the value (containers of secrets report each item).
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.extend(self.secret_text());
    }
}

impl ParamValue for str {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.to_owned()))
    }
}

impl ParamValue for String {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.clone()))
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_json(&self) -> Option<Value> {
        (**self).to_json()
    }
    fn secret_text(&self) -> Option<&str> {
        (**self).secret_text()
    }
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        (**self).collect_secrets(out);
    }
}

macro_rules! integer_param_value {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_json(&self) -> Option<Value> {
                Some(Value::from(*self))
            }
        }
    )*};
}
integer_param_value!(i64, i32, u64, u32);

impl ParamValue for f64 {
    /// NaN and infinities have no JSON form and count as absent.
    fn to_json(&self) -> Option<Value> {
        serde_json::Number::from_f64(*self).map(Value::Number)
    }
}

impl ParamValue for bool {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Bool(*self))
    }
}

impl ParamValue for SecretString {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.expose_secret().to_owned()))
    }
    fn secret_text(&self) -> Option<&str> {
        Some(self.expose_secret())
    }
}

impl<T: ParamValue> ParamValue for [T] {
    /// Absent items become `null` (dropped when encoded into a parameter).
    fn to_json(&self) -> Option<Value> {
        Some(Value::Array(self.iter().map(|item| item.to_json().unwrap_or(Value::Null)).collect()))
    }
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        for item in self {
            item.collect_secrets(out);
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_slice().to_json()
    }
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.as_slice().collect_secrets(out);
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_ref().and_then(ParamValue::to_json)
    }
    fn secret_text(&self) -> Option<&str> {
        self.as_ref().and_then(ParamValue::secret_text)
    }
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        if let Some(value) = self {
            value.collect_secrets(out);
        }
    }
}

impl ParamValue for Value {
    fn to_json(&self) -> Option<Value> {
        Some(self.clone())
    }
}

/// How a credential is attached to a request.
#[derive(Clone)]
enum Credential {
    Bearer(SecretString),
    Basic(BasicCredentials),
    Header(String, SecretString),
    Query(String, SecretString),
    Cookie(String, SecretString),
}

#[derive(Clone)]
struct HeaderParam {
    name: String,
    value: Value,
    sensitive: bool,
}

#[derive(Clone)]
enum Body {
    Json(Value),
    Form(Value),
}

/// One request of a step. Built with chained calls; nothing is validated until it is sent.
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
pub struct Request {
    method: Method,
    path_template: Cow<'static, str>,
    path_params: Vec<(String, Option<Value>)>,
    query: Vec<(String, Value)>,
    headers: Vec<HeaderParam>,
    cookies: Vec<(String, Value)>,
    credentials: Vec<Credential>,
    body: Option<Body>,
    secrets: Vec<SecretString>,
}

/// A request checked and encoded, ready for the wire.
pub(crate) struct Prepared {
    pub(crate) method: reqwest::Method,
    pub(crate) url: reqwest::Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Vec<u8>>,
    /// Every secret the request carries, to scrub from error excerpts.
    pub(crate) secrets: Vec<SecretString>,
}

impl Request {
    /// A request for `method` and the operation's path template, e.g. `/api/v1/app/{app_id}`.
    pub fn new(method: Method, path_template: impl Into<Cow<'static, str>>) -> Self {
        Self {
            method,
            path_template: path_template.into(),
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            credentials: Vec::new(),
            body: None,
            secrets: Vec::new(),
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

    fn remember_secrets<V: ParamValue + ?Sized>(&mut self, value: &V) {
        let mut found = Vec::new();
        value.collect_secrets(&mut found);
        self.secrets.extend(found.into_iter().map(SecretString::from));
    }

    /// Fills the `{name}` placeholder. The value is percent-encoded as exactly one path segment.
    /// A placeholder left without a value fails the step with an error naming it.
    pub fn path_param<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        self.remember_secrets(value);
        self.path_params.push((name.to_owned(), value.to_json()));
        self
    }

    /// Adds a query parameter (form style, exploded: arrays repeat the name). Absent values
    /// (`None`) are left out.
    pub fn query_param<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        self.remember_secrets(value);
        if let Some(value) = value.to_json() {
            self.query.push((name.to_owned(), value));
        }
        self
    }

    /// Adds a header (appended: setting a name twice sends it twice). Secret values, and values
    /// of `Authorization`, `Proxy-Authorization` and `Cookie`, are marked sensitive.
    /// A value with CR, LF or another forbidden byte fails the step; nothing is sent.
    pub fn header<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        let mut secrets = Vec::new();
        value.collect_secrets(&mut secrets);
        let sensitive = !secrets.is_empty();
        self.remember_secrets(value);
        if let Some(value) = value.to_json() {
            self.headers.push(HeaderParam { name: name.to_owned(), value, sensitive });
        }
        self
    }

    /// Adds a cookie; all cookies go in one `Cookie` header, values percent-encoded.
    pub fn cookie<V: ParamValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        self.remember_secrets(value);
        if let Some(value) = value.to_json() {
            self.cookies.push((name.to_owned(), value));
        }
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
        let encoded =
            encode::base64(format!("{}:{}", credentials.username, credentials.password.expose_secret()).as_bytes());
        self.secrets.push(SecretString::from(encoded));
        self.credential(Credential::Basic(credentials.clone()), &credentials.password)
    }

    /// An API key in header `name`, unless the request sets that header itself.
    pub fn api_key_header(self, name: &str, key: &SecretString) -> Self {
        self.credential(Credential::Header(name.to_owned(), key.clone()), key)
    }

    /// A header whose value is the token as is (Backblaze B2 takes its authorization token
    /// without a scheme), unless the request sets that header itself.
    pub fn raw_auth_header(self, name: &str, token: &SecretString) -> Self {
        self.api_key_header(name, token)
    }

    /// An API key in query parameter `name`, unless the request sets that parameter itself.
    pub fn api_key_query(self, name: &str, key: &SecretString) -> Self {
        self.credential(Credential::Query(name.to_owned(), key.clone()), key)
    }

    /// An API key in cookie `name`, unless the request sets that cookie itself.
    pub fn api_key_cookie(self, name: &str, key: &SecretString) -> Self {
        self.credential(Credential::Cookie(name.to_owned(), key.clone()), key)
    }

    /// A JSON body (`Content-Type: application/json` unless set). `None` sends no body, so an
    /// optional body built with [`crate::json::object`] can be passed directly.
    pub fn json_body(mut self, body: impl Into<Option<Value>>) -> Self {
        self.body = body.into().map(Body::Json);
        self
    }

    /// An `application/x-www-form-urlencoded` body from a JSON object (arrays repeat the name).
    pub fn form_body(mut self, body: impl Into<Option<Value>>) -> Self {
        self.body = body.into().map(Body::Form);
        self
    }

    /// Registers a secret to scrub from error excerpts, e.g. one that is only inside the body.
    pub fn redact<V: ParamValue + ?Sized>(mut self, value: &V) -> Self {
        // Accepts `Option<SecretString>` and lists too, so an optional secret input can be registered as is.
        let mut secrets = Vec::new();
        value.collect_secrets(&mut secrets);
        self.secrets.extend(secrets.into_iter().map(SecretString::from));
        self
    }

    /// Checks and encodes the request against `base_url`.
    pub(crate) fn prepare(self, base_url: &str) -> Result<Prepared, StepError> {
        let path = encode::fill_path_template(&self.path_template, |name| {
            self.path_params.iter().rev().find(|(param, _)| param == name).and_then(|(_, value)| value.as_ref())
        })?;

        let mut query = Vec::new();
        for (name, value) in &self.query {
            encode::form_pairs(name, value, &mut query);
        }

        let mut headers = HeaderMap::new();
        let mut cookies = Vec::new();
        for param in &self.headers {
            let Some(text) = encode::simple_style(&param.value, str::to_owned) else {
                continue;
            };
            if param.name.eq_ignore_ascii_case("cookie") {
                cookies.push(text);
                continue;
            }
            let name = header_name(&param.name)?;
            let value = header_value(&name, &text, param.sensitive)?;
            headers.append(name, value);
        }
        let mut cookie_names: Vec<&str> = Vec::new();
        for (name, value) in &self.cookies {
            if !encode::is_cookie_name(name) {
                return Err(invalid(format!("cookie name {name:?} is not valid")));
            }
            if let Some(text) = encode::simple_style(value, str::to_owned) {
                cookies.push(format!("{name}={}", encode::percent_encode(&text)));
                cookie_names.push(name);
            }
        }

        for credential in &self.credentials {
            match credential {
                Credential::Bearer(token) => {
                    if !headers.contains_key(header::AUTHORIZATION) {
                        let text = format!("Bearer {}", token.expose_secret());
                        let value = header_value(&header::AUTHORIZATION, &text, true)?;
                        headers.insert(header::AUTHORIZATION, value);
                    }
                }
                Credential::Basic(basic) => {
                    if !headers.contains_key(header::AUTHORIZATION) {
                        let pair = format!("{}:{}", basic.username, basic.password.expose_secret());
                        let text = format!("Basic {}", encode::base64(pair.as_bytes()));
                        let value = header_value(&header::AUTHORIZATION, &text, true)?;
                        headers.insert(header::AUTHORIZATION, value);
                    }
                }
                Credential::Header(name, key) => {
                    let name = header_name(name)?;
                    if !headers.contains_key(&name) {
                        let value = header_value(&name, key.expose_secret(), true)?;
                        headers.insert(name, value);
                    }
                }
                Credential::Query(name, key) => {
                    if !query.iter().any(|(param, _)| param == name) {
                        query.push((name.clone(), key.expose_secret().to_owned()));
                    }
                }
                Credential::Cookie(name, key) => {
                    if !encode::is_cookie_name(name) {
                        return Err(invalid(format!("cookie name {name:?} is not valid")));
                    }
                    let set_by_header = cookies.iter().any(|text| {
                        text.split(';').any(|pair| pair.trim_start().split('=').next() == Some(name.as_str()))
                    });
                    if !set_by_header && !cookie_names.contains(&name.as_str()) {
                        let encoded = encode::percent_encode(key.expose_secret());
                        cookies.push(format!("{name}={encoded}"));
                    }
                }
            }
        }
        if !cookies.is_empty() {
            let value = header_value(&header::COOKIE, &cookies.join("; "), true)?;
            headers.insert(header::COOKIE, value);
        }

        let body = match &self.body {
            None => None,
            Some(Body::Json(value)) => {
                set_content_type(&mut headers, "application/json");
                let bytes =
                    serde_json::to_vec(value).map_err(|_| invalid("the JSON body could not be serialized".into()))?;
                Some(bytes)
            }
            Some(Body::Form(value)) => {
                set_content_type(&mut headers, "application/x-www-form-urlencoded");
                Some(encode::form_body(value).into_bytes())
            }
        };

        let url = encode::build_url(base_url, &path, &query)?;
        Ok(Prepared { method: self.method.to_reqwest(), url, headers, body, secrets: self.secrets })
    }
}

impl fmt::Debug for Request {
    /// Names only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn names<T>(items: &[(String, T)]) -> Vec<&str> {
            items.iter().map(|(name, _)| name.as_str()).collect()
        }
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("path_params", &names(&self.path_params))
            .field("query", &names(&self.query))
            .field("headers", &self.headers.iter().map(|h| &h.name).collect::<Vec<_>>())
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

/// Names the header, never the value, when the value cannot be sent.
fn header_value(name: &HeaderName, text: &str, sensitive: bool) -> Result<HeaderValue, StepError> {
    let mut value = HeaderValue::from_str(text).map_err(|_| {
        invalid(format!("the value of header `{name}` contains characters not allowed in a header (such as CR or LF)"))
    })?;
    let always_sensitive = [header::AUTHORIZATION, header::PROXY_AUTHORIZATION, header::COOKIE];
    value.set_sensitive(sensitive || always_sensitive.contains(name));
    Ok(value)
}

fn set_content_type(headers: &mut HeaderMap, media_type: &'static str) {
    if !headers.contains_key(header::CONTENT_TYPE) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
