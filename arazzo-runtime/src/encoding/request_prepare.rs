//! Checking and encoding a [`Request`] into what the transport sends: a [`Prepared`] request.

use std::borrow::Cow;

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::{Body, Credential, Request};
use crate::encoding::encode::{self, Location};
use crate::encoding::sent::SentRequest;
use crate::encoding::{Method, Style, multipart, query_string, xml};
use crate::error::StepError;
use crate::secrets::SecretString;

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

impl Request<'_> {
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
