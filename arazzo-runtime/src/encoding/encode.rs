//! Turning parameter values into URL, header and cookie text.
//!
//! Everything a value can contain is encoded so that it stays inside its slot: a path parameter
//! is exactly one path segment, a query value cannot start another parameter, a cookie value
//! cannot start another cookie.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Url;
use serde_json::Value;

use crate::encoding::Style;
use crate::error::StepError;

/// Everything outside RFC 3986 `unreserved` (ALPHA / DIGIT / "-" / "." / "_" / "~").
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes everything outside RFC 3986 `unreserved`, as UTF-8.
pub(crate) fn percent_encode(text: &str) -> String {
    // Through `Cow`, not `Display`: text with nothing to encode (most ids) is copied in one go.
    Cow::from(utf8_percent_encode(text, NOT_UNRESERVED)).into_owned()
}

/// The text of a scalar; `None` for null, arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// The text of any value nested inside a parameter: scalars as text, containers as JSON.
fn item_text(value: &Value) -> String {
    scalar_text(value).unwrap_or_else(|| value.to_string())
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }

    /// The styles OpenAPI allows in this location (Style Values table).
    fn styles(self) -> &'static [Style] {
        match self {
            Location::Path => &[Style::Simple, Style::Label, Style::Matrix],
            Location::Query => &[Style::Form, Style::SpaceDelimited, Style::PipeDelimited, Style::DeepObject],
            Location::Header => &[Style::Simple],
            Location::Cookie => &[Style::Form],
        }
    }
}

/// Fails, naming the parameter (never its value), when `style` is not allowed in `location`.
pub(crate) fn check_style(location: Location, name: &str, style: Style) -> Result<(), StepError> {
    let allowed = location.styles();
    if allowed.contains(&style) {
        return Ok(());
    }
    let list: Vec<String> = allowed.iter().map(|style| format!("`{}`", style.as_str())).collect();
    Err(StepError::InvalidRequest {
        message: format!(
            "{location} parameter `{name}` cannot use style `{style}`: {location} parameters allow {list}",
            location = location.as_str(),
            style = style.as_str(),
            list = list.join(", "),
        ),
    })
}

/// A parameter value reduced to what the styles work with: null items and properties dropped,
/// nested arrays and objects as JSON text.
enum Shape {
    Scalar(String),
    List(Vec<String>),
    Map(Vec<(String, String)>),
}

impl Shape {
    /// `None` for null and for arrays and objects left empty: RFC 6570 calls them undefined,
    /// and undefined values are left out.
    fn of(value: &Value) -> Option<Shape> {
        match value {
            Value::Null => None,
            Value::Array(items) => {
                let items: Vec<String> = items.iter().filter(|item| !item.is_null()).map(item_text).collect();
                (!items.is_empty()).then_some(Shape::List(items))
            }
            Value::Object(fields) => {
                let fields: Vec<(String, String)> = fields
                    .iter()
                    .filter(|(_, item)| !item.is_null())
                    .map(|(key, item)| (key.clone(), item_text(item)))
                    .collect();
                (!fields.is_empty()).then_some(Shape::Map(fields))
            }
            scalar => scalar_text(scalar).map(Shape::Scalar),
        }
    }
}

/// `items` encoded and joined with `separator`.
fn join(items: &[String], encode: impl Fn(&str) -> String, separator: &str) -> String {
    items.iter().map(|item| encode(item)).collect::<Vec<_>>().join(separator)
}

/// Property names and values encoded, as `k,v,k,v` (`pair` = `,`) or `k=v,k=v` (`pair` = `=`).
fn join_fields(fields: &[(String, String)], encode: impl Fn(&str) -> String, pair: &str, separator: &str) -> String {
    fields
        .iter()
        .map(|(key, item)| format!("{}{pair}{}", encode(key), encode(item)))
        .collect::<Vec<_>>()
        .join(separator)
}

/// Percent-encoding for the `label` style: its `.` delimiter is encoded where it is data.
fn percent_encode_label(text: &str) -> String {
    percent_encode(text).replace('.', "%2E")
}

/// The text a path parameter puts in place of its `{name}` (RFC 6570 `{name}`, `{.name}`,
/// `{;name}`, with `*` when exploded), every piece of data percent-encoded so that the value
/// stays inside one segment; `None` when the value is undefined.
pub(crate) fn path_value(name: &str, value: &Value, style: Style, explode: bool) -> Option<String> {
    let shape = Shape::of(value)?;
    let text = match style {
        Style::Label => {
            let encode = percent_encode_label;
            let separator = if explode { "." } else { "," };
            match &shape {
                Shape::Scalar(text) => format!(".{}", encode(text)),
                Shape::List(items) => format!(".{}", join(items, encode, separator)),
                Shape::Map(fields) if explode => format!(".{}", join_fields(fields, encode, "=", ".")),
                Shape::Map(fields) => format!(".{}", join_fields(fields, encode, ",", ",")),
            }
        }
        Style::Matrix => {
            let name = percent_encode(name);
            // `;name` alone for an empty value, as RFC 6570 does.
            let pair = |key: &str, text: String| {
                if text.is_empty() { format!(";{key}") } else { format!(";{key}={text}") }
            };
            match &shape {
                Shape::Scalar(text) => pair(&name, percent_encode(text)),
                Shape::List(items) if explode => items.iter().map(|item| pair(&name, percent_encode(item))).collect(),
                Shape::List(items) => pair(&name, join(items, percent_encode, ",")),
                Shape::Map(fields) if explode => {
                    fields.iter().map(|(key, item)| pair(&percent_encode(key), percent_encode(item))).collect()
                }
                Shape::Map(fields) => pair(&name, join_fields(fields, percent_encode, ",", ",")),
            }
        }
        // `simple`, and anything `check_style` refuses before this is called.
        _ => simple(&shape, percent_encode, explode),
    };
    Some(text)
}

/// `simple` style: `a,b`, objects `k,v,k,v` or, exploded, `k=v,k=v`.
fn simple(shape: &Shape, encode: impl Fn(&str) -> String, explode: bool) -> String {
    match shape {
        Shape::Scalar(text) => encode(text),
        Shape::List(items) => join(items, encode, ","),
        Shape::Map(fields) if explode => join_fields(fields, encode, "=", ","),
        Shape::Map(fields) => join_fields(fields, encode, ",", ","),
    }
}

/// A string path value in `simple` style (the common case): percent-encoded as one segment, and
/// not copied when it has nothing to encode (most ids).
pub(crate) fn path_segment(text: &str) -> Cow<'_, str> {
    Cow::from(utf8_percent_encode(text, NOT_UNRESERVED))
}

/// [`path_segment`] of text that may be owned: kept as it is when nothing needs encoding.
pub(crate) fn path_segment_owned(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => path_segment(text),
        Cow::Owned(text) => match path_segment(&text) {
            Cow::Borrowed(_) => Cow::Owned(text),
            Cow::Owned(encoded) => Cow::Owned(encoded),
        },
    }
}

/// A header value in `simple` style, sent as is (headers are not percent-encoded; a value that
/// cannot be in a header is refused when the header is built); `None` when undefined.
pub(crate) fn header_text(value: &Value, explode: bool) -> Option<String> {
    Shape::of(value).map(|shape| simple(&shape, str::to_owned, explode))
}

/// One query pair: the name as given (for credentials to yield to it), and `name=value` encoded.
pub(crate) struct QueryPair {
    pub(crate) name: Cow<'static, str>,
    pub(crate) encoded: String,
}

/// The query pair of a string in `form` style (the common case), encoded straight into one string.
pub(crate) fn form_pair(name: Cow<'static, str>, text: &str) -> QueryPair {
    let mut encoded = String::with_capacity(name.len() + text.len() + 1);
    push_form_component(&mut encoded, &name);
    encoded.push('=');
    push_form_component(&mut encoded, text);
    QueryPair { name, encoded }
}

/// Appends the query pairs of a parameter in `style`.
///
/// Names and data are `application/x-www-form-urlencoded` (space as `+`, everything outside
/// alphanumerics and `*-._` percent-encoded), so data can never hold a bare delimiter. The
/// `spaceDelimited`, `pipeDelimited` and `deepObject` delimiters are sent percent-encoded
/// (`%20`, `%7C`, `%5B`/`%5D`), as OpenAPI 3.1.1 (Appendix E) requires for RFC 3986 URIs; the
/// `,` of unexploded `form` is sent as is. `spaceDelimited` and `pipeDelimited` with `explode`
/// (undefined in OpenAPI) repeat the name, like exploded `form`; `deepObject` ignores `explode`.
pub(crate) fn query_pairs(
    name: Cow<'static, str>,
    value: &Value,
    style: Style,
    explode: bool,
    out: &mut Vec<QueryPair>,
) -> Result<(), StepError> {
    let Some(shape) = Shape::of(value) else {
        return Ok(());
    };
    let pair = |key: &str, encoded_value: String| QueryPair {
        name: Cow::Owned(key.to_owned()),
        encoded: format!("{}={encoded_value}", form_component(key)),
    };
    let needs = |what: &str| StepError::InvalidRequest {
        message: format!("query parameter `{name}` uses style `{}`, which needs {what} value", style.as_str()),
    };
    let delimiter = match style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "%7C",
        Style::DeepObject => {
            let Shape::Map(fields) = &shape else {
                return Err(needs("an object"));
            };
            let prefix = form_component(&name);
            out.extend(fields.iter().map(|(key, item)| QueryPair {
                name: name.clone(),
                encoded: format!("{prefix}%5B{}%5D={}", form_component(key), form_component(item)),
            }));
            return Ok(());
        }
        // `form`, and anything `check_style` refuses before this is called.
        _ => ",",
    };
    if delimiter != "," && matches!(shape, Shape::Scalar(_)) {
        return Err(needs("an array or object"));
    }
    match &shape {
        Shape::Scalar(text) => out.push(pair(&name, form_component(text))),
        Shape::List(items) if explode => out.extend(items.iter().map(|item| pair(&name, form_component(item)))),
        Shape::List(items) => out.push(pair(&name, join(items, form_component, delimiter))),
        Shape::Map(fields) if explode => out.extend(fields.iter().map(|(key, item)| pair(key, form_component(item)))),
        Shape::Map(fields) => out.push(pair(&name, join_fields(fields, form_component, delimiter, delimiter))),
    }
    Ok(())
}

/// Appends the `name=value` pairs of a cookie parameter in `form` style, data percent-encoded.
///
/// Unexploded arrays and objects are one cookie, `name=a,b` / `name=k,v`; exploded ones are one
/// cookie per item (`name=a; name=b`) or property (`k=v`): cookies are separated by `; `, never
/// by form's `&` (OpenAPI 3.1.1, Appendix D).
pub(crate) fn cookie_pairs(name: &str, value: &Value, explode: bool, out: &mut Vec<(String, String)>) {
    let Some(shape) = Shape::of(value) else {
        return;
    };
    match &shape {
        Shape::Scalar(text) => out.push((name.to_owned(), percent_encode(text))),
        Shape::List(items) if explode => out.extend(items.iter().map(|item| (name.to_owned(), percent_encode(item)))),
        Shape::List(items) => out.push((name.to_owned(), join(items, percent_encode, ","))),
        Shape::Map(fields) if explode => {
            out.extend(fields.iter().map(|(key, item)| (percent_encode(key), percent_encode(item))))
        }
        Shape::Map(fields) => out.push((name.to_owned(), join_fields(fields, percent_encode, ",", ","))),
    }
}

/// OpenAPI `form` style with `explode: true` for form bodies: a scalar is one pair, an array
/// repeats the name, an object contributes one pair per property. Null values are left out.
fn form_pairs(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            out.extend(items.iter().filter(|item| !item.is_null()).map(|item| (name.to_owned(), item_text(item))))
        }
        Value::Object(fields) => out.extend(
            fields.iter().filter(|(_, item)| !item.is_null()).map(|(key, item)| (key.clone(), item_text(item))),
        ),
        scalar => out.extend(scalar_text(scalar).map(|text| (name.to_owned(), text))),
    }
}

/// Whether a path segment is `.` or `..`, counting `%2E` as a dot like the WHATWG URL standard.
fn is_dot_segment(segment: &[u8]) -> bool {
    matches!(dots(segment), Some(1 | 2))
}

/// How many dots `text` spells (`.` or `%2E`) when it is nothing else.
fn dots(text: &[u8]) -> Option<usize> {
    let mut dots = 0;
    let mut rest = text;
    while !rest.is_empty() {
        match rest {
            [b'.', tail @ ..] => rest = tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => rest = tail,
            _ => return None,
        }
        dots += 1;
    }
    Some(dots)
}

/// Fills the `{name}` placeholders of a path template.
///
/// `render` gives the encoded text of a parameter (`None` when it has no value). A missing value,
/// an empty one, or one that leaves its segment `.` or `..` is an error naming the parameter: the
/// `url` crate resolves `.`/`..` (and their `%2E` spellings, per the WHATWG URL standard) so they
/// cannot be sent as data.
pub(crate) fn fill_path_template<'v>(
    template: &str,
    render: impl Fn(&str) -> Option<Cow<'v, str>>,
) -> Result<String, StepError> {
    // Room for typical values, so that filling rarely grows the string.
    let mut path = String::with_capacity(template.len() + 64);
    let mut rest = template;
    // Whether a value was nothing but dots (`.`, or label style's `%2E`): the only way a filled
    // segment can become `.` or `..`.
    let mut dots_inserted = false;
    // Byte searches (`{` and `}` are ASCII) with `memchr`: `str::find` is slow on short strings,
    // and a byte loop on long templates.
    while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
        path.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = memchr::memchr(b'}', after.as_bytes()) else {
            return Err(StepError::InvalidRequest {
                message: "the path template has a `{` without a matching `}`".into(),
            });
        };
        let name = &after[..close];
        let text = render(name)
            .ok_or_else(|| StepError::InvalidRequest { message: format!("path parameter `{name}` has no value") })?;
        if text.is_empty() {
            return Err(dot_or_empty(name));
        }
        dots_inserted |= dots(text.as_bytes()).is_some();
        path.push_str(&text);
        rest = &after[close + 1..];
    }
    path.push_str(rest);
    // Values never hold a `/` (it is encoded), so the filled path has the template's segments, in
    // order: a segment that had a placeholder must not have become `.` or `..` (or their `%2E`
    // spellings), which only a value spelling nothing but dots can make.
    if dots_inserted {
        let template_segments = template.as_bytes().split(|byte| *byte == b'/');
        for (template_segment, segment) in template_segments.zip(path.as_bytes().split(|byte| *byte == b'/')) {
            if let Some(open) = template_segment.iter().position(|byte| *byte == b'{')
                && is_dot_segment(segment)
            {
                let name = String::from_utf8_lossy(&template_segment[open + 1..]);
                return Err(dot_or_empty(name.split('}').next().unwrap_or(&name)));
            }
        }
    }
    Ok(path)
}

fn dot_or_empty(name: &str) -> StepError {
    StepError::InvalidRequest {
        message: format!("path parameter `{name}` is empty, `.` or `..`, which would change the path"),
    }
}

/// Joins a base URL (which may carry a path such as `/v1`, and may end with `/`) with a filled
/// path and appends the query pairs (already encoded `name=value`, joined with `&`).
#[cfg(test)]
pub(crate) fn build_url(base_url: &str, path: &str, query: &[QueryPair]) -> Result<Url, StepError> {
    join_url(&parse_base_url(base_url)?, path.to_owned(), query)
}

/// Parses and checks a base URL: `http` or `https`, no user name or password, no query, no
/// fragment. A run parses each base URL once: parsing it (host and IDNA processing included) for
/// every request was a tenth of a step's client-side instructions (docs/BENCHMARKS.md).
pub(crate) fn parse_base_url(base_url: &str) -> Result<Url, StepError> {
    // url::ParseError messages describe the problem without repeating the input.
    let base = Url::parse(base_url).map_err(|error| StepError::InvalidBaseUrl { reason: error.to_string() })?;
    if !matches!(base.scheme(), "http" | "https") {
        return Err(StepError::InvalidBaseUrl { reason: "it must start with `http://` or `https://`".into() });
    }
    // They would not be sent (only reqwest's RequestBuilder turns them into Basic credentials, and
    // requests are not built with it here), and hyper's connection pool logs the host with them
    // at TRACE: refused rather than silently dropped.
    if !base.username().is_empty() || base.password().is_some() {
        return Err(StepError::InvalidBaseUrl { reason: USERINFO_REFUSED.into() });
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(StepError::InvalidBaseUrl { reason: "it must not have a query or a fragment".into() });
    }
    Ok(base)
}

/// Why a base URL with a user name or password is refused.
const USERINFO_REFUSED: &str = "it must not carry a user name or password (`user:password@`); put credentials in the \
     settings' credential fields (bearer token, Basic credentials, API key), which are sent as the API expects and \
     never logged";

/// [`build_url`] with a base URL parsed by [`parse_base_url`].
///
/// The base's path, the filled path and the query are joined into one reference relative to the
/// base and resolved in one parse (`Url::join`): the base is not copied, and the URL's text is
/// written once. A `?` or `#` in the path keeps its meaning, as if the whole URL had been written
/// out.
pub(crate) fn join_url(base: &Url, path: String, query: &[QueryPair]) -> Result<Url, StepError> {
    // The filled path becomes the reference: it has room to spare (`fill_path_template`).
    let base_path = base.path().trim_end_matches('/');
    let mut relative = path;
    if relative.is_empty() {
        relative.push_str(base.path());
    } else {
        if !relative.starts_with('/') {
            relative.insert(0, '/');
        }
        relative.insert_str(0, base_path);
    }
    // A path with its own `?` or `#` (rare): the query parameters replace what follows its `?`.
    let own_query = memchr::memchr2(b'?', b'#', relative.as_bytes()).is_some();
    let mut query_text = String::new();
    let text = if own_query { &mut query_text } else { &mut relative };
    for (index, pair) in query.iter().enumerate() {
        if index > 0 || !own_query {
            text.push(if index == 0 { '?' } else { '&' });
        }
        text.push_str(&pair.encoded);
    }
    let invalid =
        |_| StepError::InvalidRequest { message: "the base URL and the path template do not form a valid URL".into() };
    // A reference starting with `//` (or `\\`, which the parser reads as `/`) would name another
    // host: the path is set as a path instead.
    let slash = |byte: Option<&u8>| matches!(byte, Some(b'/' | b'\\'));
    let mut url = if slash(relative.as_bytes().first()) && slash(relative.as_bytes().get(1)) {
        let mut url = base.join("/").map_err(invalid)?;
        let end = memchr::memchr2(b'?', b'#', relative.as_bytes()).unwrap_or(relative.len());
        let (path, after) = relative.split_at(end);
        url.set_path(path);
        if !after.is_empty() {
            url = url.join(after).map_err(invalid)?;
        }
        url
    } else {
        base.join(&relative).map_err(invalid)?
    };
    if own_query && !query.is_empty() {
        url.set_query(Some(&query_text));
    }
    Ok(url)
}

/// Encodes the body of an `application/x-www-form-urlencoded` request from a JSON object.
pub(crate) fn form_body(value: &Value) -> String {
    let mut pairs = Vec::new();
    if let Value::Object(fields) = value {
        for (name, item) in fields {
            match item {
                // Nested objects are sent as JSON text rather than flattened into other names.
                Value::Object(_) => pairs.push((name.clone(), item.to_string())),
                _ => form_pairs(name, item, &mut pairs),
            }
        }
    }
    pairs
        .iter()
        .map(|(name, item)| format!("{}={}", form_component(name), form_component(item)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `application/x-www-form-urlencoded` byte serialization (WHATWG URL standard): alphanumerics
/// and `*-._` as is, space as `+`, everything else percent-encoded.
pub(crate) fn form_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_form_component(&mut out, text);
    out
}

/// [`form_component`], appended to `out`.
fn push_form_component(out: &mut String, text: &str) {
    out.extend(form_urlencoded::byte_serialize(text.as_bytes()));
}

/// RFC 6265 cookie names are tokens: visible ASCII without separators.
pub(crate) fn is_cookie_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&byte))
}

/// Standard base64 with padding (RFC 4648), for HTTP Basic credentials.
pub(crate) fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
