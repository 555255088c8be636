//! Building the [`OpenApi`] index from a loaded document.

mod parameters;

use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::schema::{resolve, resolve_at};
use super::{
    Method, OpenApi, Operation, ParamLocation, Parameter, RequestBody, Response, SecurityRequirement, SecurityScheme,
    Server, ServerVariable,
};
use crate::diagnostic::{Diagnostic, json_path_of_pointer};
use crate::load::{Loaded, push_token};
use parameters::{merge_parameters, parameters};

/// The document being indexed and the warnings collected so far.
struct Ctx<'a> {
    loaded: &'a Loaded,
    root: &'a Value,
    warnings: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn error(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        let (location, end) = self.loaded.spans.nearest_range(pointer).unzip();
        Diagnostic::error(&self.loaded.path, location, json_path_of_pointer(pointer), message).with_end(end.flatten())
    }

    fn warning(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        let (location, end) = self.loaded.spans.nearest_range(pointer).unzip();
        Diagnostic::warning(&self.loaded.path, location, json_path_of_pointer(pointer), message).with_end(end.flatten())
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let (location, end) = self.loaded.spans.nearest_range(pointer).unzip();
        let warning = Diagnostic::warning(&self.loaded.path, location, json_path_of_pointer(pointer), message);
        self.warnings.push(warning.with_end(end.flatten()));
    }
}

fn child(pointer: &str, token: &str) -> String {
    let mut out = pointer.to_string();
    push_token(&mut out, token);
    out
}

fn string_field(object: &Map<String, Value>, name: &str) -> Option<String> {
    object.get(name).and_then(Value::as_str).map(str::to_string)
}

/// A scalar written where a string is expected (`default: 8080`) in its string form.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn build(loaded: &Loaded) -> Result<OpenApi, Vec<Diagnostic>> {
    let mut ctx = Ctx { loaded, root: &loaded.value, warnings: Vec::new() };
    let Some(root) = ctx.root.as_object() else {
        return Err(vec![ctx.error("", "an OpenAPI description must be a mapping at the top level")]);
    };
    let version = check_version(&ctx, root).map_err(|d| vec![d])?;
    let empty = Map::new();
    let paths = match root.get("paths") {
        None => &empty,
        Some(Value::Object(paths)) => paths,
        Some(_) => return Err(vec![ctx.error("/paths", "`paths` must be a mapping of path templates")]),
    };

    let mut servers = servers_at(&mut ctx, root.get("servers"), "/servers");
    if servers.is_empty() {
        servers.push(Server { url: "/".to_string(), description: None, variables: IndexMap::new() });
    }
    let (security_schemes, security_scheme_descriptions) = security_schemes(&mut ctx);
    let global_security = match root.get("security") {
        None => Vec::new(),
        Some(value) => requirements(&ctx, value, "/security").unwrap_or_else(|d| {
            ctx.warnings.push(d);
            Vec::new()
        }),
    };
    let shared = Shared { servers: &servers, security: &global_security, schemes: &security_schemes };

    let mut operations = Vec::new();
    for (path, item) in paths {
        let item_pointer = child("/paths", path);
        path_item(&mut ctx, &shared, path, item, &item_pointer, &mut operations);
    }

    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_pointer = HashMap::new();
    for index in 0..operations.len() {
        let (pointer, id) = (operations[index].pointer.clone(), operations[index].operation_id.clone());
        by_pointer.insert(pointer, index);
        let Some(id) = id else { continue };
        match by_id.get(&id) {
            None => {
                by_id.insert(id, index);
            }
            Some(&first) => {
                let (first_pointer, this_pointer) =
                    (operations[first].pointer.clone(), operations[index].pointer.clone());
                let message = |other: &str| format!("operationId `{id}` is not unique: also used at {other}");
                let first_problem = ctx.error(&child(&first_pointer, "operationId"), message(&this_pointer));
                let this_problem = ctx.error(&child(&this_pointer, "operationId"), message(&first_pointer));
                operations[first].problems.push(first_problem);
                operations[index].problems.push(this_problem);
            }
        }
    }

    Ok(OpenApi {
        file: loaded.path.clone(),
        version,
        title: root.get("info").and_then(|info| info.get("title")).and_then(Value::as_str).map(str::to_string),
        servers,
        security_schemes,
        operations,
        warnings: ctx.warnings,
        security_scheme_descriptions,
        by_id,
        by_pointer,
        root: loaded.value.clone(),
        spans: Default::default(),
    })
}

fn check_version(ctx: &Ctx<'_>, root: &Map<String, Value>) -> Result<String, Diagnostic> {
    if root.contains_key("swagger") {
        return Err(ctx.error("/swagger", "Swagger 2.0 descriptions are not supported; convert it to OpenAPI 3.x"));
    }
    let Some(value) = root.get("openapi") else {
        return Err(ctx.error("", "missing `openapi` field: not an OpenAPI 3.x description"));
    };
    let Some(version) = scalar_text(value) else {
        return Err(ctx.error("/openapi", "`openapi` must be a version string such as \"3.1.0\""));
    };
    let supported = ["3.0", "3.1", "3.2"]
        .iter()
        .any(|minor| version.strip_prefix(minor).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')));
    if !supported {
        return Err(
            ctx.error("/openapi", format!("unsupported OpenAPI version `{version}` (supported: 3.0.x, 3.1.x, 3.2.x)"))
        );
    }
    Ok(version)
}

/// What every operation inherits from the root.
struct Shared<'a> {
    servers: &'a [Server],
    security: &'a [SecurityRequirement],
    schemes: &'a IndexMap<String, SecurityScheme>,
}

/// Path-item fields with the pointer where each one is written (a `$ref`'d item lives elsewhere).
type Fields<'a> = Vec<(&'a str, &'a Value, String)>;

fn path_item<'a>(
    ctx: &mut Ctx<'a>,
    shared: &Shared<'_>,
    path: &str,
    item: &'a Value,
    pointer: &str,
    out: &mut Vec<Operation>,
) {
    let Some(fields) = path_item_fields(ctx, item, pointer) else {
        return;
    };
    let field = |name: &str| fields.iter().find(|(k, _, _)| *k == name);
    let mut problems = Vec::new();
    let path_parameters = match field("parameters") {
        Some((_, list, at)) => parameters(ctx, list, at, &mut problems),
        None => Vec::new(),
    };
    let path_servers = match field("servers") {
        Some((_, list, at)) => servers_at(ctx, Some(list), at),
        None => Vec::new(),
    };
    let inherited = Inherited { parameters: &path_parameters, servers: &path_servers, problems: &problems };
    for (name, value, at) in &fields {
        if let Some(method) = Method::from_field(name) {
            let canonical = child(pointer, name);
            if let Some(operation) = operation(ctx, shared, &inherited, path, method, value, &canonical, at) {
                out.push(operation);
            }
        } else if *name == "query" || *name == "additionalOperations" {
            ctx.warn(at, format!("`{name}` operations (OpenAPI 3.2) are not supported and were skipped"));
        }
    }
}

/// The fields of a path item, following a local `$ref` (fields written next to it take precedence).
fn path_item_fields<'a>(ctx: &mut Ctx<'a>, item: &'a Value, pointer: &str) -> Option<Fields<'a>> {
    let Some(object) = item.as_object() else {
        ctx.warn(pointer, "path item must be a mapping; skipped");
        return None;
    };
    let mut fields: Fields<'a> = Vec::new();
    if let Some(reference) = object.get("$ref") {
        let base = reference.as_str().unwrap_or_default().trim_start_matches('#').to_string();
        match resolve(ctx.root, item) {
            Ok(Value::Object(referenced)) => {
                for (k, v) in referenced {
                    if !object.contains_key(k) {
                        fields.push((k.as_str(), v, child(&base, k)));
                    }
                }
            }
            Ok(_) => {
                ctx.warn(&child(pointer, "$ref"), "path item `$ref` must point at a mapping; skipped");
                return None;
            }
            Err(message) => {
                ctx.warn(&child(pointer, "$ref"), format!("{message}; path item skipped"));
                return None;
            }
        }
    }
    for (k, v) in object {
        if k != "$ref" {
            fields.push((k.as_str(), v, child(pointer, k)));
        }
    }
    Some(fields)
}

/// What an operation inherits from its path item.
struct Inherited<'a> {
    parameters: &'a [Parameter],
    servers: &'a [Server],
    /// Problems in the path item's parameters, which concern every operation of the item.
    problems: &'a [Diagnostic],
}

#[allow(clippy::too_many_arguments)] // one call site; the arguments are the operation's whole context
fn operation(
    ctx: &mut Ctx<'_>,
    shared: &Shared<'_>,
    inherited: &Inherited<'_>,
    path: &str,
    method: Method,
    value: &Value,
    canonical: &str,
    at: &str,
) -> Option<Operation> {
    let Some(object) = value.as_object() else {
        ctx.warn(at, format!("{method} {path}: an operation must be a mapping; skipped"));
        return None;
    };
    let mut problems = inherited.problems.to_vec();
    let operation_id = match object.get("operationId") {
        None => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => {
            problems.push(ctx.error(&child(at, "operationId"), "`operationId` must be a string"));
            None
        }
    };
    let own_parameters = match object.get("parameters") {
        Some(list) => parameters(ctx, list, &child(at, "parameters"), &mut problems),
        None => Vec::new(),
    };
    let request_body =
        object.get("requestBody").and_then(|body| request_body(ctx, body, &child(at, "requestBody"), &mut problems));
    let responses = match object.get("responses") {
        Some(value) => responses(ctx, value, &child(at, "responses"), &mut problems),
        None => IndexMap::new(),
    };
    let security = match object.get("security") {
        None => shared.security.to_vec(),
        Some(value) => requirements(ctx, value, &child(at, "security")).unwrap_or_else(|d| {
            problems.push(d);
            Vec::new()
        }),
    };
    let security_pointer = if object.contains_key("security") { child(at, "security") } else { "/security".into() };
    for (index, requirement) in security.iter().enumerate() {
        for name in requirement.keys().filter(|name| !shared.schemes.contains_key(*name)) {
            let pointer = child(&format!("{security_pointer}/{index}"), name);
            // Common in published descriptions, and harmless to the request: the scheme has no
            // credential field, and headers the step sets itself are still sent.
            let message = format!(
                "security requirement names `{name}`, which is not a usable scheme in components.securitySchemes; \
                 declare it there. Accepted: no credential is generated for `{name}`, and the request is sent with \
                 the step's own parameters"
            );
            problems.push(ctx.warning(&pointer, message));
        }
    }
    let own_servers = servers_at(ctx, object.get("servers"), &child(at, "servers"));
    let servers = [own_servers.as_slice(), inherited.servers, shared.servers]
        .into_iter()
        .find(|list| !list.is_empty())
        .unwrap_or_default()
        .to_vec();
    Some(Operation {
        operation_id,
        method,
        path: path.to_string(),
        pointer: canonical.to_string(),
        location: ctx.loaded.spans.get(at),
        summary: string_field(object, "summary"),
        description: string_field(object, "description"),
        deprecated: object.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
        parameters: merge_parameters(inherited.parameters, own_parameters),
        request_body,
        responses,
        security,
        servers,
        problems,
    })
}

fn first_content_schema(content: Option<&Value>) -> Option<Value> {
    content?.as_object()?.values().next()?.get("schema").cloned()
}

/// Media type -> schema of a `content` mapping.
fn content(value: Option<&Value>) -> IndexMap<String, Option<Value>> {
    let Some(Value::Object(media)) = value else {
        return IndexMap::new();
    };
    media.iter().map(|(media_type, m)| (media_type.clone(), m.get("schema").cloned())).collect()
}

fn request_body(ctx: &Ctx<'_>, value: &Value, pointer: &str, problems: &mut Vec<Diagnostic>) -> Option<RequestBody> {
    let (body, pointer) = match resolve_at(ctx.root, value, pointer) {
        Ok((Value::Object(body), at)) => (body, at),
        Ok(_) => {
            problems.push(ctx.error(pointer, "`requestBody` must be a mapping"));
            return None;
        }
        Err(message) => {
            problems.push(ctx.error(pointer, message));
            return None;
        }
    };
    Some(RequestBody {
        pointer,
        required: body.get("required").and_then(Value::as_bool).unwrap_or(false),
        content: content(body.get("content")),
    })
}

fn responses(
    ctx: &Ctx<'_>,
    value: &Value,
    pointer: &str,
    problems: &mut Vec<Diagnostic>,
) -> IndexMap<String, Response> {
    let Some(codes) = value.as_object() else {
        problems.push(ctx.error(pointer, "`responses` must be a mapping of status codes"));
        return IndexMap::new();
    };
    let mut out = IndexMap::new();
    for (code, response) in codes {
        let at = child(pointer, code);
        // A response that cannot be read only costs the types of the outputs read from it (they
        // become JSON): a warning, not a refusal of every step that calls the operation.
        let resolved = match resolve_at(ctx.root, response, &at) {
            Ok((Value::Object(response), response_pointer)) => Ok((response, response_pointer)),
            Ok(_) => Err("it is not a mapping".to_owned()),
            Err(message) => Err(message),
        };
        let (response, response_pointer) = match resolved {
            Ok(found) => found,
            Err(problem) => {
                problems.push(ctx.warning(&at, unreadable_response(&problem)));
                let unread =
                    Response { pointer: at, description: None, content: IndexMap::new(), headers: IndexMap::new() };
                out.insert(code.clone(), unread);
                continue;
            }
        };
        let mut headers = IndexMap::new();
        if let Some(Value::Object(declared)) = response.get("headers") {
            for (name, header) in declared {
                match resolve(ctx.root, header) {
                    Ok(header) => {
                        let schema =
                            header.get("schema").cloned().or_else(|| first_content_schema(header.get("content")));
                        headers.insert(name.clone(), schema);
                    }
                    Err(message) => problems.push(ctx.warning(
                        &child(&child(&at, "headers"), name),
                        format!(
                            "response header `{name}` cannot be read ({message}); fix the description. Accepted: \
                             an output read from it is a string, unchecked against the schema"
                        ),
                    )),
                }
            }
        }
        let response = Response {
            pointer: response_pointer,
            description: string_field(response, "description"),
            content: content(response.get("content")),
            headers,
        };
        out.insert(code.clone(), response);
    }
    out
}

fn unreadable_response(problem: &str) -> String {
    format!(
        "this response cannot be read ({problem}); fix the description. Accepted: its status still counts, and \
         outputs read from its body are `serde_json::Value`s, unchecked against a schema"
    )
}

fn requirements(ctx: &Ctx<'_>, value: &Value, pointer: &str) -> Result<Vec<SecurityRequirement>, Diagnostic> {
    let invalid = || ctx.error(pointer, "`security` must be a list of mappings from scheme name to a list of scopes");
    let items = value.as_array().ok_or_else(invalid)?;
    let mut out = Vec::new();
    for item in items {
        let object = item.as_object().ok_or_else(invalid)?;
        let mut requirement = SecurityRequirement::new();
        for (scheme, scopes) in object {
            let scopes = scopes.as_array().ok_or_else(invalid)?;
            let scopes = scopes.iter().map(|s| s.as_str().map(str::to_string).ok_or_else(invalid));
            requirement.insert(scheme.clone(), scopes.collect::<Result<Vec<_>, _>>()?);
        }
        out.push(requirement);
    }
    Ok(out)
}

/// `components.securitySchemes`, and the descriptions of the schemes.
type Schemes = (IndexMap<String, SecurityScheme>, HashMap<String, String>);

fn security_schemes(ctx: &mut Ctx<'_>) -> Schemes {
    let mut out: Schemes = Default::default();
    let Some(Value::Object(schemes)) = ctx.root.pointer("/components/securitySchemes") else {
        return out;
    };
    for (name, value) in schemes {
        let at = child("/components/securitySchemes", name);
        let resolved = resolve(ctx.root, value);
        match resolved.and_then(|v| security_scheme(v).map(|scheme| (scheme, v.get("description")))) {
            Ok((scheme, description)) => {
                out.0.insert(name.clone(), scheme);
                if let Some(Value::String(description)) = description {
                    out.1.insert(name.clone(), description.clone());
                }
            }
            Err(message) => ctx.warn(&at, format!("security scheme `{name}` skipped: {message}")),
        }
    }
    out
}

pub(super) fn security_scheme(value: &Value) -> Result<SecurityScheme, String> {
    let object = value.as_object().ok_or("a security scheme must be a mapping")?;
    let kind = string_field(object, "type").ok_or("missing `type`")?;
    Ok(match kind.as_str() {
        "http" => {
            let scheme = string_field(object, "scheme").ok_or("http scheme without `scheme`")?.to_ascii_lowercase();
            match scheme.as_str() {
                "bearer" => SecurityScheme::HttpBearer { bearer_format: string_field(object, "bearerFormat") },
                "basic" => SecurityScheme::HttpBasic,
                _ => SecurityScheme::HttpOther { scheme },
            }
        }
        "apiKey" => {
            let name = string_field(object, "name").ok_or("apiKey scheme without `name`")?;
            let location = match string_field(object, "in").as_deref() {
                Some("header") => ParamLocation::Header,
                Some("query") => ParamLocation::Query,
                Some("cookie") => ParamLocation::Cookie,
                _ => return Err("apiKey scheme needs `in: header`, `query` or `cookie`".to_string()),
            };
            SecurityScheme::ApiKey { name, location }
        }
        "oauth2" => SecurityScheme::OAuth2,
        "openIdConnect" => SecurityScheme::OpenIdConnect,
        "mutualTLS" => SecurityScheme::MutualTls,
        other => return Err(format!("unknown type `{other}`")),
    })
}

/// A `servers` list; malformed entries are skipped with a warning. `None` or `[]` gives `[]`.
fn servers_at(ctx: &mut Ctx<'_>, value: Option<&Value>, pointer: &str) -> Vec<Server> {
    let Some(value) = value else {
        return Vec::new();
    };
    let Some(items) = value.as_array() else {
        ctx.warn(pointer, "`servers` must be a list; ignored");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(url) = item.get("url").and_then(Value::as_str) else {
            ctx.warn(&at, "server without a `url`; skipped");
            continue;
        };
        let mut variables = IndexMap::new();
        if let Some(Value::Object(declared)) = item.get("variables") {
            for (name, variable) in declared {
                let enum_values: Vec<String> = match variable.get("enum") {
                    Some(Value::Array(values)) => values.iter().filter_map(scalar_text).collect(),
                    _ => Vec::new(),
                };
                let default = match variable.get("default").and_then(scalar_text) {
                    Some(default) => default,
                    None => {
                        ctx.warn(
                            &child(&child(&at, "variables"), name),
                            format!("server variable `{name}` has no `default`"),
                        );
                        enum_values.first().cloned().unwrap_or_default()
                    }
                };
                let description = variable.get("description").and_then(Value::as_str).map(str::to_string);
                variables.insert(name.clone(), ServerVariable { default, enum_values, description });
            }
        }
        let description = item.get("description").and_then(Value::as_str).map(str::to_string);
        out.push(Server { url: url.to_string(), description, variables });
    }
    out
}
