//! JSON pointers into values the workflow holds (`$inputs.customer#/address/city`,
//! `$outputs.user#/id`, `$workflows.<id>.inputs.x#/ptr`, `$steps.s.outputs.o#/0/id`): typed, and read
//! without building JSON where the value's Rust type allows.
//!
//! The pointer is walked through the value's Rust type first: a field of an input struct (made from
//! the inputs schema's `properties`, `$ref`s followed), an item of a `Vec`. Where the walk meets a
//! `serde_json::Value`, the rest of the pointer is read inside it. On an input, that rest is typed
//! from the workflow's inputs schema, walked as response bodies are (`properties`, `items`, `$ref`,
//! `allOf`: `openapi::schema`, `types`), and the value found is decoded at run time; where the schema
//! says nothing it stays `serde_json::Value`. A pointer the value can never satisfy is an error: a
//! property its struct does not have (the inputs would drop it when they deserialize), a member of a
//! string or a number, an array read by name, a property a closed schema excludes.

use super::Reporter;
use super::dataflow::response_pointer::{self, Reach};
use super::values::{Env, list};
use crate::load::push_token;
use crate::openapi::split_pointer;
use crate::plan::{PointerStep, RustType, ValueRef};
use crate::types;

/// The value at `json_pointer` inside `base`, for the expression `expr` written at `pointer`; `None`
/// once what makes it impossible is reported. A pointer into a pointer is one pointer from the first
/// value.
pub(crate) fn into(
    env: &Env<'_>,
    reporter: &mut Reporter<'_>,
    base: ValueRef,
    json_pointer: &str,
    (expr, pointer): (&str, &str),
) -> Option<ValueRef> {
    let (base, json_pointer) = match base {
        ValueRef::Pointer { base, pointer: first, .. } => (*base, format!("{first}{json_pointer}")),
        other => (other, json_pointer.to_string()),
    };
    let tokens = split_pointer(&json_pointer);
    let mut ty = base.ty().clone();
    let mut optional = base.is_optional();
    let mut path = Vec::new();
    for (done, token) in tokens.iter().enumerate() {
        let prefix = prefix_of(&tokens, done);
        let parent = if done == 0 {
            format!("`{}`", base_name(env, &base, expr))
        } else {
            format!("`{}`", prefix_of(&tokens, done - 1))
        };
        // A field that may be `null` is an `Option` like an optional one: read through it.
        if let RustType::Nullable(inner) = &ty {
            let Some(PointerStep::Field { optional: field_optional, .. }) = path.last_mut() else {
                reporter.error(
                    pointer,
                    format!(
                        "`{expr}` points into {parent}, which may be `null`; arazzo-rs does not read inside such a \
                         value yet: read the whole value, or declare it without `null`"
                    ),
                );
                return None;
            };
            *field_optional = true;
            optional = true;
            ty = (**inner).clone();
        }
        match &ty {
            RustType::Struct(name) => {
                let Some(structure) = env.structs.iter().find(|structure| &structure.name == name) else {
                    // A struct of another document's inputs: read inside its JSON form.
                    path.push(PointerStep::Serialized(rest_of(&tokens, done)));
                    return Some(ValueRef::Pointer {
                        base: Box::new(base),
                        pointer: json_pointer,
                        path,
                        ty: RustType::Json,
                        optional: true,
                    });
                };
                let Some(field) = structure.fields.iter().find(|field| &field.name == token) else {
                    let names: Vec<&str> = structure.fields.iter().map(|field| field.name.as_str()).collect();
                    let message = format!(
                        "`{expr}` can never hold a value: `{prefix}` names no property of {parent}, whose schema \
                         declares only the properties of its struct (`{name}`; any other is dropped when the inputs \
                         deserialize)"
                    );
                    let help = match crate::check::fields::closest_in(token, &names) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("its properties are: {}", list(names.iter().copied())),
                    };
                    reporter.error_with_help(pointer, message, help);
                    return None;
                };
                path.push(PointerStep::Field { field: field.field.clone(), optional: field.optional });
                optional |= field.optional;
                ty = field.ty.clone();
            }
            RustType::Vec(item) => {
                let Some(index) = array_index(token) else {
                    reporter.error(
                        pointer,
                        format!(
                            "`{expr}` can never hold a value: {parent} is an array, whose items are read by index \
                             (`/0`, `/1`, ...), not by the name `{token}`"
                        ),
                    );
                    return None;
                };
                path.push(PointerStep::Index(index));
                optional = true;
                ty = (**item).clone();
            }
            RustType::Json => {
                let typed = schema_type(env, reporter, &base, &tokens, (expr, pointer))?;
                path.push(PointerStep::Json { pointer: rest_of(&tokens, done), expression: expr.to_string() });
                return Some(ValueRef::Pointer {
                    base: Box::new(base),
                    pointer: json_pointer,
                    path,
                    ty: typed,
                    optional: true,
                });
            }
            RustType::Secret => {
                reporter
                    .error(pointer, format!("`{expr}` points into a secret, which would turn it into a plain value"));
                return None;
            }
            // Never built (`RustType::nullable` does not nest), and the field case is read through above.
            RustType::Nullable(_) => {
                reporter.error(pointer, format!("`{expr}` points into {parent}, which may be `null`"));
                return None;
            }
            scalar @ (RustType::String | RustType::Enum(_) | RustType::I64 | RustType::F64 | RustType::Bool) => {
                let kind = match scalar {
                    RustType::String | RustType::Enum(_) => "a string",
                    RustType::I64 => "an integer",
                    RustType::F64 => "a number",
                    _ => "a boolean",
                };
                reporter.error(
                    pointer,
                    format!("`{expr}` can never hold a value: {parent} is {kind}, which has no members"),
                );
                return None;
            }
        }
    }
    if !path.is_empty() && holds_struct(&ty) {
        // A nested object of the inputs is read as its JSON form, as a pointer always gave it: an
        // output has no type of its own for it. JSON would print a secret it holds.
        if let Some(secret) = secret_inside(env, &ty, 0) {
            reporter.error(
                pointer,
                format!(
                    "`{expr}` is an object holding a secret (`{secret}`), which as JSON would be a plain value; read \
                     the secret, or the other members, on their own"
                ),
            );
            return None;
        }
        path.push(PointerStep::Serialized(String::new()));
        return Some(ValueRef::Pointer {
            base: Box::new(base),
            pointer: json_pointer,
            path,
            ty: RustType::Json,
            optional: true,
        });
    }
    Some(ValueRef::Pointer { base: Box::new(base), pointer: json_pointer, path, ty, optional })
}

/// The name of a secret field a value of this type holds, at any depth.
fn secret_inside(env: &Env<'_>, ty: &RustType, depth: usize) -> Option<String> {
    match ty {
        RustType::Vec(item) => secret_inside(env, item, depth),
        // Struct nesting is bounded by the inputs builder; the bound here guards a cycle.
        RustType::Struct(name) if depth < 32 => {
            let structure = env.structs.iter().find(|structure| &structure.name == name)?;
            structure.fields.iter().find_map(|field| match &field.ty {
                RustType::Secret => Some(field.name.clone()),
                other => secret_inside(env, other, depth + 1),
            })
        }
        _ => None,
    }
}

/// Whether a value of this type is or holds a struct of the inputs.
fn holds_struct(ty: &RustType) -> bool {
    match ty {
        RustType::Struct(_) => true,
        RustType::Vec(item) => holds_struct(item),
        _ => false,
    }
}

/// The type of the value at `tokens` of an input held as JSON, from the workflow's inputs schema; JSON
/// where the schema says nothing, and for any other value. A pointer the schema closes off is
/// reported (`None`), one it does not declare warned about.
fn schema_type(
    env: &Env<'_>,
    reporter: &mut Reporter<'_>,
    base: &ValueRef,
    tokens: &[String],
    (expr, pointer): (&str, &str),
) -> Option<RustType> {
    let (ValueRef::Input { field, .. }, Some((schema, at))) = (base, env.inputs_schema) else {
        return Some(RustType::Json);
    };
    let Some(input) = env.inputs.iter().find(|input| &input.field == field) else { return Some(RustType::Json) };
    let root = &reporter.loaded.value;
    let mut path: Vec<&str> = vec![input.name.as_str()];
    path.extend(tokens.iter().map(String::as_str));
    if let Reach::Missing(missing) = response_pointer::walk(root, schema, at, &path, 0, 0) {
        // The walk starts at the inputs schema: its pointers begin with the input's name.
        let name = format!("/{}", crate::load::escape_token(&input.name));
        let inside = missing.prefix.get(name.len()..).unwrap_or_default();
        let why = missing
            .why
            .replace(&format!("`{name}`"), &format!("`$inputs.{}`", input.name))
            .replace(&format!("`{name}/"), "`/");
        let message = if missing.closed {
            format!(
                "`{expr}` can never hold a value: `{inside}` names nothing in the schema of input `{}`; {why}",
                input.name
            )
        } else {
            format!(
                "`{expr}` is not in the schema of input `{}`: `{inside}` names no declared property, so the value is \
                 untyped (`serde_json::Value`) and absent when the input has nothing there",
                input.name
            )
        };
        let names: Vec<&str> = missing.names.iter().map(String::as_str).collect();
        let help = match crate::check::fields::closest_in(&missing.token, &names) {
            Some(close) => Some(format!("did you mean `{close}`?")),
            None => (!names.is_empty()).then(|| format!("its properties are: {}", list(names.iter().copied()))),
        };
        if missing.closed {
            match help {
                Some(help) => reporter.error_with_help(pointer, message, help),
                None => reporter.error(pointer, message),
            }
            return None;
        }
        match help {
            Some(help) => reporter.warning_with_help(pointer, message, help),
            None => reporter.warning(pointer, message),
        }
        return Some(RustType::Json);
    }
    let Ok(Some(found)) = crate::openapi::schema_at_pointer_in(root, schema, &path) else {
        return Some(RustType::Json);
    };
    let name = tokens.last().map_or(input.name.as_str(), String::as_str);
    let resolve = |value| crate::openapi::resolve_in(root, value);
    // A string `enum` inside an input held as JSON is read as its wire text: the input's own type is
    // JSON, so no generated enum names it.
    let mut as_text = |_: &str, _: Vec<String>| String::new();
    let Ok(ty) = types::schema_type(found, name, &resolve, &mut as_text) else { return Some(RustType::Json) };
    Some(read_as_json_part(ty))
}

/// The type a part of an input held as JSON is read as: enums as their text, and a value the schema
/// lets be `null` as JSON (it holds the `null` itself); a secret stays one.
fn read_as_json_part(ty: RustType) -> RustType {
    match ty {
        RustType::Enum(_) => RustType::String,
        RustType::Nullable(inner) if inner.is_secret() => read_as_json_part(*inner),
        RustType::Nullable(_) => RustType::Json,
        RustType::Vec(item) => RustType::Vec(Box::new(read_as_json_part(*item))),
        other => other,
    }
}

/// The input or output a pointer starts from, for messages: the input, or the expression as
/// written before its pointer.
fn base_name(env: &Env<'_>, base: &ValueRef, expr: &str) -> String {
    let written = expr.split('#').next().unwrap_or(expr).to_string();
    match base {
        ValueRef::Input { field, .. } => env
            .inputs
            .iter()
            .find(|input| &input.field == field)
            .map_or(written, |input| format!("$inputs.{}", input.name)),
        _ => written,
    }
}

/// `/a/b` for the first `done + 1` tokens, escaped again.
fn prefix_of(tokens: &[String], done: usize) -> String {
    let mut out = String::new();
    for token in tokens.iter().take(done + 1) {
        push_token(&mut out, token);
    }
    out
}

/// The pointer of the tokens from `from` on, escaped again.
fn rest_of(tokens: &[String], from: usize) -> String {
    let mut out = String::new();
    for token in tokens.iter().skip(from) {
        push_token(&mut out, token);
    }
    out
}

/// A JSON-pointer array index: `0` or digits without a leading zero.
fn array_index(token: &str) -> Option<usize> {
    let canonical = token == "0" || (!token.starts_with('0') && !token.is_empty());
    if canonical && token.bytes().all(|b| b.is_ascii_digit()) { token.parse().ok() } else { None }
}
