//! Turning parameter values into URL, header and cookie text.
//!
//! Everything a value can contain is encoded so that it stays inside its slot: a path parameter
//! is exactly one path segment, a query value cannot start another parameter, a cookie value
//! cannot start another cookie.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Url;
use serde_json::Value;

use crate::error::StepError;
use crate::request::Style;

/// Everything outside RFC 3986 `unreserved` (ALPHA / DIGIT / "-" / "." / "_" / "~").
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes everything outside RFC 3986 `unreserved`, as UTF-8.
pub(crate) fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
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

/// A header value in `simple` style, sent as is (headers are not percent-encoded; a value that
/// cannot be in a header is refused when the header is built); `None` when undefined.
pub(crate) fn header_value(value: &Value, explode: bool) -> Option<String> {
    Shape::of(value).map(|shape| simple(&shape, str::to_owned, explode))
}

/// One query pair: the name as given (for credentials to yield to it), and `name=value` encoded.
pub(crate) struct QueryPair {
    pub(crate) name: String,
    pub(crate) encoded: String,
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
    name: &str,
    value: &Value,
    style: Style,
    explode: bool,
    out: &mut Vec<QueryPair>,
) -> Result<(), StepError> {
    let Some(shape) = Shape::of(value) else {
        return Ok(());
    };
    let pair = |key: &str, encoded_value: String| QueryPair {
        name: key.to_owned(),
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
            let prefix = form_component(name);
            out.extend(fields.iter().map(|(key, item)| QueryPair {
                name: name.to_owned(),
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
        Shape::Scalar(text) => out.push(pair(name, form_component(text))),
        Shape::List(items) if explode => out.extend(items.iter().map(|item| pair(name, form_component(item)))),
        Shape::List(items) => out.push(pair(name, join(items, form_component, delimiter))),
        Shape::Map(fields) if explode => out.extend(fields.iter().map(|(key, item)| pair(key, form_component(item)))),
        Shape::Map(fields) => out.push(pair(name, join_fields(fields, form_component, delimiter, delimiter))),
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
fn is_dot_segment(segment: &str) -> bool {
    let mut dots = 0;
    let mut rest = segment.as_bytes();
    while !rest.is_empty() {
        match rest {
            [b'.', tail @ ..] => rest = tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => rest = tail,
            _ => return false,
        }
        dots += 1;
    }
    dots == 1 || dots == 2
}

/// Fills the `{name}` placeholders of a path template.
///
/// `render` gives the encoded text of a parameter (`None` when it has no value). A missing value,
/// an empty one, or one that leaves its segment `.` or `..` is an error naming the parameter: the
/// `url` crate resolves `.`/`..` (and their `%2E` spellings, per the WHATWG URL standard) so they
/// cannot be sent as data.
pub(crate) fn fill_path_template(template: &str, render: impl Fn(&str) -> Option<String>) -> Result<String, StepError> {
    let mut path = String::with_capacity(template.len());
    let mut filled = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(StepError::InvalidRequest {
                message: "the path template has a `{` without a matching `}`".into(),
            });
        };
        let name = &after[..close];
        let text = render(name)
            .ok_or_else(|| StepError::InvalidRequest { message: format!("path parameter `{name}` has no value") })?;
        filled.push((name, path.len(), path.len() + text.len()));
        path.push_str(&text);
        rest = &after[close + 1..];
    }
    path.push_str(rest);
    for (name, start, end) in filled {
        // Values never hold a `/` (it is encoded), so the segment is bounded by the template's.
        let segment_start = path[..start].rfind('/').map_or(0, |slash| slash + 1);
        let segment_end = path[end..].find('/').map_or(path.len(), |slash| end + slash);
        if start == end || is_dot_segment(&path[segment_start..segment_end]) {
            return Err(StepError::InvalidRequest {
                message: format!("path parameter `{name}` is empty, `.` or `..`, which would change the path"),
            });
        }
    }
    Ok(path)
}

/// Joins a base URL (which may carry a path such as `/v1`, and may end with `/`) with a filled
/// path and appends the query pairs (already encoded `name=value`, joined with `&`).
pub(crate) fn build_url(base_url: &str, path: &str, query: &[QueryPair]) -> Result<Url, StepError> {
    // url::ParseError messages describe the problem without repeating the input.
    let base = Url::parse(base_url).map_err(|error| StepError::InvalidBaseUrl { reason: error.to_string() })?;
    if !matches!(base.scheme(), "http" | "https") {
        return Err(StepError::InvalidBaseUrl { reason: "it must start with `http://` or `https://`".into() });
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(StepError::InvalidBaseUrl { reason: "it must not have a query or a fragment".into() });
    }
    let mut text = base.as_str().to_owned();
    if !path.is_empty() {
        text.truncate(text.trim_end_matches('/').len());
        if !path.starts_with('/') {
            text.push('/');
        }
        text.push_str(path);
    }
    let mut url = Url::parse(&text).map_err(|_| StepError::InvalidRequest {
        message: "the base URL and the path template do not form a valid URL".into(),
    })?;
    if !query.is_empty() {
        let text: Vec<&str> = query.iter().map(|pair| pair.encoded.as_str()).collect();
        url.set_query(Some(&text.join("&")));
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
    const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');
    // A literal "%20" in the input is encoded as "%2520", so only real spaces become `+`.
    utf8_percent_encode(text, FORM).to_string().replace("%20", "+")
}

/// RFC 6265 cookie names are tokens: visible ASCII without separators.
pub(crate) fn is_cookie_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&byte))
}

/// Standard base64 with padding (RFC 4648), for HTTP Basic credentials.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("aZ09-._~"), "aZ09-._~");
        assert_eq!(percent_encode("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("\r\n+&="), "%0D%0A%2B%26%3D");
    }

    fn simple(value: Value) -> Option<String> {
        path_value("p", &value, Style::Simple, false)
    }

    #[test]
    fn simple_style_joins_arrays_and_objects_with_commas() {
        assert_eq!(simple(json!("a b")).as_deref(), Some("a%20b"));
        assert_eq!(simple(json!(42)).as_deref(), Some("42"));
        assert_eq!(simple(json!(true)).as_deref(), Some("true"));
        assert_eq!(simple(json!(["a,b", 1, null])).as_deref(), Some("a%2Cb,1"));
        assert_eq!(header_value(&json!({"r": 1, "g": "x,y"}), false).as_deref(), Some("r,1,g,x,y"));
        assert_eq!(header_value(&json!({"r": 1, "g": null}), true).as_deref(), Some("r=1"));
        assert_eq!(simple(json!(null)), None);
        assert_eq!(simple(json!([])), None);
        assert_eq!(simple(json!([null])), None);
        assert_eq!(simple(json!({})), None);
        assert_eq!(simple(json!([[1, "a"], {"k": "v"}])).as_deref(), Some("%5B1%2C%22a%22%5D,%7B%22k%22%3A%22v%22%7D"));
    }

    fn query(name: &str, value: Value, style: Style, explode: bool) -> Result<Vec<String>, StepError> {
        let mut out = Vec::new();
        query_pairs(name, &value, style, explode, &mut out)?;
        Ok(out.into_iter().map(|pair| pair.encoded).collect())
    }

    #[test]
    fn query_styles_keep_data_delimiters_encoded() {
        let hostile = json!(["a b", "c,d", "e|f", "g[h]", "i&j=k", "l+m%"]);
        assert_eq!(
            query("x", hostile.clone(), Style::Form, false).unwrap(),
            ["x=a+b,c%2Cd,e%7Cf,g%5Bh%5D,i%26j%3Dk,l%2Bm%25"]
        );
        assert_eq!(
            query("x", hostile.clone(), Style::PipeDelimited, false).unwrap(),
            ["x=a+b%7Cc%2Cd%7Ce%7Cf%7Cg%5Bh%5D%7Ci%26j%3Dk%7Cl%2Bm%25"]
        );
        assert_eq!(
            query("x", hostile, Style::SpaceDelimited, false).unwrap(),
            ["x=a+b%20c%2Cd%20e%7Cf%20g%5Bh%5D%20i%26j%3Dk%20l%2Bm%25"]
        );
        assert_eq!(query("a b", json!({"[k]": "v&"}), Style::DeepObject, false).unwrap(), ["a+b%5B%5Bk%5D%5D=v%26"]);
        assert_eq!(query("x", json!(null), Style::DeepObject, true).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn query_styles_refuse_values_they_cannot_carry_by_name() {
        for (style, value) in [
            (Style::SpaceDelimited, json!("secret-a")),
            (Style::PipeDelimited, json!(7)),
            (Style::DeepObject, json!(["secret-b"])),
            (Style::DeepObject, json!("secret-c")),
        ] {
            let error = query("color", value, style, false).unwrap_err();
            let text = error.to_string();
            assert!(text.contains("`color`") && text.contains(style.as_str()), "{text}");
            assert!(!text.contains("secret") && !text.contains('7'), "{text}");
        }
    }

    #[test]
    fn styles_are_checked_against_their_location() {
        let allowed = [
            (Location::Path, Style::Simple),
            (Location::Path, Style::Label),
            (Location::Path, Style::Matrix),
            (Location::Query, Style::Form),
            (Location::Query, Style::SpaceDelimited),
            (Location::Query, Style::PipeDelimited),
            (Location::Query, Style::DeepObject),
            (Location::Header, Style::Simple),
            (Location::Cookie, Style::Form),
        ];
        let styles = [
            Style::Simple,
            Style::Label,
            Style::Matrix,
            Style::Form,
            Style::SpaceDelimited,
            Style::PipeDelimited,
            Style::DeepObject,
        ];
        for location in [Location::Path, Location::Query, Location::Header, Location::Cookie] {
            for style in styles {
                let result = check_style(location, "p", style);
                assert_eq!(result.is_ok(), allowed.contains(&(location, style)), "{location:?} {style:?}");
            }
        }
        assert_eq!(
            check_style(Location::Header, "X-Color", Style::DeepObject),
            Err(StepError::InvalidRequest {
                message: "header parameter `X-Color` cannot use style `deepObject`: header parameters allow `simple`"
                    .into()
            })
        );
    }

    #[test]
    fn cookie_pairs_explode_into_separate_cookies() {
        let pairs = |value: Value, explode: bool| {
            let mut out = Vec::new();
            cookie_pairs("c", &value, explode, &mut out);
            out.into_iter().map(|(name, text)| format!("{name}={text}")).collect::<Vec<_>>()
        };
        assert_eq!(pairs(json!("a b;"), true), ["c=a%20b%3B"]);
        assert_eq!(pairs(json!(["a,b", "c"]), true), ["c=a%2Cb", "c=c"]);
        assert_eq!(pairs(json!(["a,b", "c"]), false), ["c=a%2Cb,c"]);
        assert_eq!(pairs(json!({"k;": "v=", "n": null}), true), ["k%3B=v%3D"]);
        assert_eq!(pairs(json!({"k": 1, "j": 2}), false), ["c=k,1,j,2"]);
        assert_eq!(pairs(json!(null), true), Vec::<String>::new());
    }

    #[test]
    fn form_pairs_repeat_arrays_and_spread_objects() {
        let mut pairs = Vec::new();
        form_pairs("scope", &json!(["a", "b"]), &mut pairs);
        form_pairs("n", &json!(3), &mut pairs);
        form_pairs("gone", &json!(null), &mut pairs);
        form_pairs("obj", &json!({"x": "1", "y": [2]}), &mut pairs);
        let expected = [("scope", "a"), ("scope", "b"), ("n", "3"), ("x", "1"), ("y", "[2]")];
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        assert_eq!(pairs, expected);
    }

    fn fill(template: &str, values: &[(&str, Value)]) -> Result<String, StepError> {
        fill_styled(template, values, Style::Simple, false)
    }

    fn fill_styled(template: &str, values: &[(&str, Value)], style: Style, explode: bool) -> Result<String, StepError> {
        fill_path_template(template, |name| {
            let (_, value) = values.iter().find(|(n, _)| *n == name)?;
            path_value(name, value, style, explode)
        })
    }

    #[test]
    fn label_and_matrix_values_cannot_make_dot_segments() {
        // `.` is label's delimiter, so a `.` in the data is `%2E`, which the URL standard
        // would still resolve as a dot segment: `.%2E` must be refused like `..`.
        for (value, explode) in [(json!(""), false), (json!("."), false), (json!(["", ""]), true)] {
            let error = fill_styled("/x/{id}/y", &[("id", value.clone())], Style::Label, explode).unwrap_err();
            assert!(matches!(&error, StepError::InvalidRequest { message } if message.contains("`id`")), "{value}");
        }
        assert_eq!(fill_styled("/x/{id}", &[("id", json!(".."))], Style::Label, true), Ok("/x/.%2E%2E".into()));
        assert_eq!(fill_styled("/x/{id}/y", &[("id", json!(["", ""]))], Style::Label, false), Ok("/x/.,/y".into()));
        assert_eq!(fill_styled("/x/v{id}", &[("id", json!(""))], Style::Label, true), Ok("/x/v.".into()));
        assert_eq!(fill_styled("/x/{id}", &[("id", json!(""))], Style::Matrix, true), Ok("/x/;id".into()));
        assert_eq!(
            fill_styled("/x/{id}", &[("id", json!("../a;b=c,d/e?f#g"))], Style::Matrix, false),
            Ok("/x/;id=..%2Fa%3Bb%3Dc%2Cd%2Fe%3Ff%23g".into())
        );
        assert!(is_dot_segment("%2e%2E") && is_dot_segment(".") && is_dot_segment("%2E"));
        assert!(!is_dot_segment("") && !is_dot_segment("...") && !is_dot_segment("%252e") && !is_dot_segment(".a"));
    }

    #[test]
    fn path_values_are_single_segments() {
        assert_eq!(
            fill("/apps/{app}/keys/{key}", &[("app", json!("a/../b?c#d")), ("key", json!(7))]),
            Ok("/apps/a%2F..%2Fb%3Fc%23d/keys/7".to_owned())
        );
        assert_eq!(fill("/x/{v}", &[("v", json!("..."))]), Ok("/x/...".to_owned()));
        assert_eq!(fill("/x/{v}", &[("v", json!("%2e%2e"))]), Ok("/x/%252e%252e".to_owned()));
    }

    #[test]
    fn dot_segments_and_missing_values_are_refused_by_name() {
        for value in [json!("."), json!(".."), json!(""), json!(null)] {
            let error = fill("/x/{key_id}/y", &[("key_id", value)]).unwrap_err();
            assert!(
                matches!(&error, StepError::InvalidRequest { message } if message.contains("`key_id`")),
                "{error:?}"
            );
        }
        let error = fill("/x/{key_id}", &[]).unwrap_err();
        assert_eq!(error, StepError::InvalidRequest { message: "path parameter `key_id` has no value".into() });
        assert!(fill("/x/{oops", &[]).is_err());
    }

    #[test]
    fn the_url_crate_resolves_encoded_dot_segments_so_they_must_be_refused() {
        // Why `.`/`..` path values are errors rather than sent as `%2E%2E`.
        let url = Url::parse("http://h/a/%2E%2E/b/%2e/c").unwrap();
        assert_eq!(url.path(), "/b/c");
    }

    #[test]
    fn base_and_path_join_without_double_slashes() {
        let join = |base: &str, path: &str| build_url(base, path, &[]).map(|u| u.to_string());
        assert_eq!(join("https://api.eu.svix.com/", "/api/v1/app"), Ok("https://api.eu.svix.com/api/v1/app".into()));
        assert_eq!(join("https://api.eu.svix.com", "/api/v1/app"), Ok("https://api.eu.svix.com/api/v1/app".into()));
        assert_eq!(
            join("https://apigee.googleapis.com/v1", "/organizations/x"),
            Ok("https://apigee.googleapis.com/v1/organizations/x".into())
        );
        assert_eq!(join("https://h/v1/", "keys"), Ok("https://h/v1/keys".into()));
        assert_eq!(join("http://127.0.0.1:8080", ""), Ok("http://127.0.0.1:8080/".into()));
    }

    #[test]
    fn query_pairs_are_form_urlencoded() {
        let mut query = Vec::new();
        query_pairs("user id", &json!("a&b=c d+é~*'"), Style::Form, true, &mut query).unwrap();
        query_pairs("scope", &json!("x"), Style::Form, true, &mut query).unwrap();
        let url = build_url("http://h", "/p", &query).unwrap();
        assert_eq!(url.query(), Some("user+id=a%26b%3Dc+d%2B%C3%A9%7E*%27&scope=x"));
        // The same bytes as the `url` crate's own form-urlencoded serializer.
        let mut expected = Url::parse("http://h/p").unwrap();
        expected.query_pairs_mut().append_pair("user id", "a&b=c d+é~*'").append_pair("scope", "x");
        assert_eq!(url, expected);
    }

    #[test]
    fn invalid_base_urls_are_reported_without_the_url() {
        for base in [
            "not a url",
            "ftp://user:pw-secret@host/",
            "api.example.com",
            "https://user:pw-secret@host:99999/",
            "https://host/?key=pw-secret",
        ] {
            let error = build_url(base, "/p", &[]).unwrap_err();
            assert!(matches!(error, StepError::InvalidBaseUrl { .. }), "{base}: {error:?}");
            assert!(!error.to_string().contains("pw-secret"));
            assert!(!format!("{error:?}").contains("pw-secret"));
        }
    }

    #[test]
    fn form_bodies_are_urlencoded() {
        assert_eq!(
            form_body(&json!({"a": "x y", "b": ["1", "2"], "c": null, "d": {"e": 1}})),
            "a=x+y&b=1&b=2&d=%7B%22e%22%3A1%7D"
        );
    }

    #[test]
    fn cookie_names_must_be_tokens() {
        assert!(is_cookie_name("session_id"));
        assert!(!is_cookie_name("a=b"));
        assert!(!is_cookie_name("a;b"));
        assert!(!is_cookie_name(""));
        assert!(!is_cookie_name("a b"));
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, output) in vectors {
            assert_eq!(base64(input.as_bytes()), output);
        }
        assert_eq!(base64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }
}
