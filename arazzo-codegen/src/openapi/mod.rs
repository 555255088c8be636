//! The operation index of one OpenAPI description (3.0.x, 3.1.x, 3.2.x).
//!
//! [`OpenApi::from_loaded`] walks `paths` once and records, for every operation, what a workflow step
//! needs: method, path template, merged parameters, request body and response schemas, the effective
//! security requirements and servers. Schemas are kept as they are written (with their `$ref`s);
//! [`OpenApi::resolve`] and [`OpenApi::schema_at_pointer`] follow references on demand.
//!
//! Problems are reported at three levels:
//! - `Err(Vec<Diagnostic>)` from [`OpenApi::from_loaded`] when the document is not usable at all
//!   (not a mapping, Swagger 2.0, unknown `openapi` version, `paths` not a mapping);
//! - [`Operation::problems`]: errors that concern one operation (a dangling parameter `$ref`, a
//!   requirement naming an undeclared security scheme, a shared operationId). The operation is still
//!   indexed; a checker reports them only for the operations a workflow uses;
//! - [`OpenApi::warnings`]: things skipped in the document (an operation that is not a mapping, a 3.2
//!   `query` operation, a malformed security scheme or server).

mod parse;
mod schema;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use indexmap::IndexMap;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Location};
use crate::load::{Loaded, Spans};

pub use schema::split_pointer;

/// [`OpenApi::resolve`] within any document: `$ref`s of the Arazzo document's inputs schemas
/// (`#/components/inputs/...`) too.
pub(crate) fn resolve_in<'a>(root: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
    schema::resolve(root, value)
}

/// [`OpenApi::resolve_at`] within any document.
pub(crate) fn resolve_at_in<'a>(
    root: &'a Value,
    value: &'a Value,
    pointer: &str,
) -> Result<(&'a Value, String), String> {
    schema::resolve_at(root, value, pointer)
}

/// [`OpenApi::schema_at_pointer`] within any document.
pub(crate) fn schema_at_pointer_in<'a>(
    root: &'a Value,
    schema: &'a Value,
    pointer_tokens: &[&str],
) -> Result<Option<&'a Value>, String> {
    schema::schema_at_pointer(root, schema, pointer_tokens)
}

/// An indexed OpenAPI description.
#[derive(Clone, Debug)]
pub struct OpenApi {
    pub file: PathBuf,
    /// The `openapi` field as written, e.g. `"3.0.3"`.
    pub version: String,
    /// `info.title`.
    pub title: Option<String>,
    /// Root servers; `[{url: "/"}]` when the document declares none.
    pub servers: Vec<Server>,
    /// `components.securitySchemes`, `$ref`s resolved; malformed entries are left out (see `warnings`).
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// Every operation under `paths`, in document order.
    pub operations: Vec<Operation>,
    /// Non-fatal problems: parts of the document that were skipped.
    pub warnings: Vec<Diagnostic>,
    /// Scheme name -> its `description`, for docs (kept apart so that [`SecurityScheme`] stays a plain enum).
    security_scheme_descriptions: HashMap<String, String>,
    by_id: HashMap<String, usize>,
    by_pointer: HashMap<String, usize>,
    root: Value,
    /// Where each node is written, when the caller kept them (see [`OpenApi::with_spans`]).
    spans: Spans,
}

/// One operation: a method on a path.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub operation_id: Option<String>,
    pub method: Method,
    /// Path template as written, e.g. `/api/v1/app/{app_id}`.
    pub path: String,
    /// JSON pointer of the operation under `paths`, e.g. `/paths/~1api~1v1~1app~1{app_id}/get`.
    pub pointer: String,
    /// Where the operation object is written (inside the referenced object for a `$ref` path item).
    pub location: Option<Location>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// Path-item parameters, each replaced in place by an operation parameter with the same (name, in),
    /// then the other operation parameters in order. Unique by (name, in) — header names compared
    /// case-insensitively — the first of duplicates within one list winning. `$ref`s resolved.
    pub parameters: Vec<Parameter>,
    pub request_body: Option<RequestBody>,
    /// Status code as written (`"200"`, `"2XX"`, `"default"`) -> response, `$ref`s resolved.
    pub responses: IndexMap<String, Response>,
    /// Effective requirements: the operation's `security` if present, else the root's. Empty: no auth.
    /// Each requirement is alternative to the others; the schemes inside one apply together.
    pub security: Vec<SecurityRequirement>,
    /// Effective servers: operation's, else the path item's, else the root's.
    pub servers: Vec<Server>,
    /// Errors that make this operation unusable or doubtful, located in the OpenAPI file.
    pub problems: Vec<Diagnostic>,
}

/// HTTP methods an OpenAPI path item can hold as fixed fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// The method for a path-item field name (`"get"`), if it is one.
    pub fn from_field(field: &str) -> Option<Method> {
        Some(match field {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            _ => return None,
        })
    }

    /// The path-item field name, lower case (`"get"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// Whether the method asks the server to change nothing (RFC 9110, section 9.2.1): the runtime
    /// sends a failed step's safe request again on resume, and keeps an unsafe one's response.
    pub fn is_safe(self) -> bool {
        matches!(self, Method::Get | Method::Head | Method::Options | Method::Trace)
    }

    /// The variant name (`"Get"`), as in `arazzo_runtime::Method`.
    pub fn variant(self) -> &'static str {
        match self {
            Method::Get => "Get",
            Method::Put => "Put",
            Method::Post => "Post",
            Method::Delete => "Delete",
            Method::Options => "Options",
            Method::Head => "Head",
            Method::Patch => "Patch",
            Method::Trace => "Trace",
        }
    }
}

impl fmt::Display for Method {
    /// Upper case, as sent on the wire (`GET`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().to_ascii_uppercase())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub location: ParamLocation,
    /// Always true for path parameters.
    pub required: bool,
    /// `schema`, or the schema of the first `content` entry; unresolved.
    pub schema: Option<Value>,
    /// The JSON pointer where `schema` is written (inside the referenced object for a `$ref`
    /// parameter), to locate it in diagnostics.
    pub schema_pointer: String,
    pub style: Option<String>,
    pub explode: Option<bool>,
    pub description: Option<String>,
    /// The media type of `content` (its one key), for an `in: querystring` parameter (OpenAPI 3.2),
    /// whose media type says how the whole query string is written.
    pub media_type: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    /// OpenAPI 3.2: the whole query string, written as the parameter's `content` media type says.
    Querystring,
    Header,
    Cookie,
}

impl ParamLocation {
    /// From the `in` field (`"path"`, `"query"`, `"querystring"`, `"header"`, `"cookie"`).
    pub fn from_in(value: &str) -> Option<ParamLocation> {
        Some(match value {
            "path" => ParamLocation::Path,
            "query" => ParamLocation::Query,
            "querystring" => ParamLocation::Querystring,
            "header" => ParamLocation::Header,
            "cookie" => ParamLocation::Cookie,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Querystring => "querystring",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

impl fmt::Display for ParamLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// The JSON pointer of the request body object (the referenced one for a `$ref`).
    pub pointer: String,
    pub required: bool,
    /// Media type -> schema (unresolved; `None` when the media type has no schema).
    pub content: IndexMap<String, Option<Value>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The JSON pointer of the response object (the referenced one for a `$ref`).
    pub pointer: String,
    pub description: Option<String>,
    /// Media type -> schema (unresolved).
    pub content: IndexMap<String, Option<Value>>,
    /// Header name -> schema (unresolved; header `$ref`s resolved).
    pub headers: IndexMap<String, Option<Value>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub variables: IndexMap<String, ServerVariable>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServerVariable {
    pub default: String,
    pub enum_values: Vec<String>,
    pub description: Option<String>,
}

impl Server {
    /// The URL with every `{variable}` replaced by its default; unknown variables stay as written.
    pub fn default_url(&self) -> String {
        let mut out = String::with_capacity(self.url.len());
        let mut rest = self.url.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            out.push_str(&rest[..open]);
            match self.variables.get(&rest[open + 1..close]) {
                Some(variable) => out.push_str(&variable.default),
                None => out.push_str(&rest[open..=close]),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// Scheme name -> required scopes (empty for non-OAuth schemes).
pub type SecurityRequirement = IndexMap<String, Vec<String>>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityScheme {
    /// `type: http`, `scheme: bearer` (case-insensitive).
    HttpBearer {
        bearer_format: Option<String>,
    },
    /// `type: http`, `scheme: basic` (case-insensitive).
    HttpBasic,
    /// `type: http` with another scheme (`digest`, ...), lower-cased.
    HttpOther {
        scheme: String,
    },
    /// `type: apiKey`: the credential goes in the named header, query parameter or cookie.
    ApiKey {
        name: String,
        location: ParamLocation,
    },
    OAuth2,
    OpenIdConnect,
    MutualTls,
}

impl SecurityScheme {
    /// Reads an inline Security Scheme Object (no `$ref`), e.g. from an `x-security` extension.
    pub fn from_value(value: &Value) -> Result<SecurityScheme, String> {
        parse::security_scheme(value)
    }
}

impl OpenApi {
    /// Indexes a loaded OpenAPI description. See the module documentation for how problems are split.
    pub fn from_loaded(loaded: &Loaded) -> Result<OpenApi, Vec<Diagnostic>> {
        parse::build(loaded)
    }

    /// The `description` of the security scheme `name`, if it has one.
    pub fn security_scheme_description(&self, name: &str) -> Option<&str> {
        self.security_scheme_descriptions.get(name).map(String::as_str)
    }

    /// Keeps where each node of the description is written, so that diagnostics about its schemas
    /// can show them (the spans of the [`Loaded`] it was indexed from, moved rather than copied).
    pub fn with_spans(mut self, spans: Spans) -> Self {
        self.spans = spans;
        self
    }

    /// Start and end of the node at `pointer` (or of its nearest located ancestor), when spans were
    /// kept.
    pub fn locate(&self, pointer: &str) -> (Option<Location>, Option<Location>) {
        self.spans.nearest_range(pointer).map_or((None, None), |(start, end)| (Some(start), end))
    }

    /// [`resolve`](Self::resolve), also giving the JSON pointer of the value reached, given the one
    /// of `value`.
    pub fn resolve_at<'a>(&'a self, value: &'a Value, pointer: &str) -> Result<(&'a Value, String), String> {
        schema::resolve_at(&self.root, value, pointer)
    }

    /// The whole document, as loaded.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// The operation with this operationId (the first one when several share it; both then carry a
    /// problem saying so).
    pub fn operation_by_id(&self, id: &str) -> Option<&Operation> {
        self.by_id.get(id).and_then(|&i| self.operations.get(i))
    }

    /// The operation at this JSON pointer, e.g. `/paths/~1pets~1{id}/get` (RFC 6901, path key as
    /// written). A leading `#` and URI percent-encoding (`%7Bid%7D`) are accepted.
    pub fn operation_by_pointer(&self, pointer: &str) -> Option<&Operation> {
        let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        let index = match self.by_pointer.get(pointer) {
            Some(index) => Some(index),
            None if pointer.contains('%') => self.by_pointer.get(&schema::percent_decode(pointer)),
            None => None,
        };
        index.and_then(|&i| self.operations.get(i))
    }

    /// Up to `n` operationIds nearest to `id` by edit distance (ties by name), for "did you mean" hints.
    /// No distance cut-off: callers decide whether a suggestion is worth showing.
    pub fn closest_operation_ids(&self, id: &str, n: usize) -> Vec<&str> {
        let mut scored: Vec<(usize, &str)> =
            self.by_id.keys().map(|candidate| (strsim::levenshtein(id, candidate), candidate.as_str())).collect();
        scored.sort_unstable();
        scored.into_iter().take(n).map(|(_, name)| name).collect()
    }

    /// Follows local `$ref` chains (`#/components/schemas/A`) to the first value that is not a
    /// reference. Errors (as messages) on dangling, external, malformed or cyclic references.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Result<&'a Value, String> {
        schema::resolve(&self.root, value)
    }

    /// Walks already-decoded JSON-pointer tokens through `schema` (see the `schema` submodule for the rules):
    /// `Ok(Some(schema))` of the addressed value, `Ok(None)` when the schema does not say, `Err` when a
    /// `$ref` cannot be followed.
    pub fn schema_at_pointer<'a>(
        &'a self,
        schema: &'a Value,
        pointer_tokens: &[&str],
    ) -> Result<Option<&'a Value>, String> {
        schema::schema_at_pointer(&self.root, schema, pointer_tokens)
    }
}
