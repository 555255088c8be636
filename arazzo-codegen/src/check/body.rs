//! A step's request body: the payload template, its `replacements`, and how it is encoded.

use serde_json::Value;

use super::values::Env;
use super::workflow::Context;
use crate::expr;
use crate::model;
use crate::openapi::Operation;
use crate::plan::{BodyEncoding, BodyPlan, RustType, ValuePlan};

/// `Some(None)` when the step sends no body; `None` when the body could not be planned.
pub(crate) fn request_body(
    cx: &mut Context<'_, '_>,
    step: &model::Step,
    operation: &Operation,
    pointer: &str,
    env: &Env<'_>,
) -> Option<Option<BodyPlan>> {
    let Some(body) = &step.request_body else { return Some(None) };
    let pointer = format!("{pointer}/requestBody");
    cx.reporter.extra(&body.extra, &pointer, &[]);

    // `contentType` falls back to the operation's first declared media type.
    let declared = operation.request_body.as_ref().and_then(|declared| declared.content.keys().next().cloned());
    let content_type = body.content_type.clone().or(declared).unwrap_or_else(|| "application/json".to_string());
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let Some(payload) = &body.payload else {
        if !body.replacements.is_empty() {
            // Without a payload the replacements would silently set nothing.
            cx.reporter.error(
                &format!("{pointer}/replacements"),
                "`replacements` set values inside the `payload`, and this request body has no `payload`",
            );
            // Their values are still checked, so that their own mistakes are reported in the same pass.
            for (index, replacement) in body.replacements.iter().enumerate() {
                env.value(&replacement.value, &format!("{pointer}/replacements/{index}/value"), cx.reporter);
            }
            return None;
        }
        return Some(None);
    };
    let payload_pointer = format!("{pointer}/payload");
    let is_json = essence == "application/json" || essence.ends_with("+json");
    let is_xml = super::xml_payload::is_xml_media(&essence);
    let replaced = replace(cx, payload, &body.replacements, &pointer, (is_xml, &content_type))?;
    let payload = &replaced;
    let (encoding, default) = match payload {
        Value::String(text) if is_json && expr::parse(text).is_err() => {
            let in_string = match json_text_slots(text) {
                Ok(in_string) => in_string,
                Err(message) => {
                    cx.reporter.error(&payload_pointer, message);
                    return None;
                }
            };
            (BodyEncoding::JsonText { in_string }, "")
        }
        _ if is_json => (BodyEncoding::Json, "application/json"),
        _ if essence == "application/x-www-form-urlencoded" => {
            (BodyEncoding::Form, "application/x-www-form-urlencoded")
        }
        _ if essence == "multipart/form-data" => (BodyEncoding::Multipart, "multipart/form-data"),
        Value::String(_) => (BodyEncoding::Raw, ""),
        _ if is_xml => {
            let root = super::xml_payload::check(cx.reporter, payload, &payload_pointer).ok()?;
            super::lenient::xml_object_payload(cx.reporter, &payload_pointer, &content_type, Some(root));
            (BodyEncoding::Xml, "")
        }
        _ => {
            cx.reporter.error(
                &payload_pointer,
                format!("a `{content_type}` body is sent as written: its payload must be a string"),
            );
            return None;
        }
    };
    let value = match (&encoding, payload) {
        (BodyEncoding::JsonText { .. }, Value::String(text)) => env.json_text(text, &payload_pointer, cx.reporter)?,
        _ => env.value(payload, &payload_pointer, cx.reporter)?,
    };
    // A form is an object (field name to value), written in the payload or held by an expression
    // (`payload: $inputs.fields` with an object input); which object it is, is checked when sent.
    if matches!(encoding, BodyEncoding::Form | BodyEncoding::Multipart) && !is_object(&value) {
        cx.reporter.error(
            &payload_pointer,
            "a form body needs an object payload (field name to value), or an expression holding an object",
        );
        return None;
    }
    if !matches!(encoding, BodyEncoding::JsonText { .. })
        && let Err(message) = embeddable(&value)
    {
        cx.reporter.error(&payload_pointer, message);
        return None;
    }
    let mut encoding = encoding;
    if encoding == BodyEncoding::Raw
        && let ValuePlan::Ref(reference) = &value
        && !matches!(reference.ty(), RustType::String | RustType::Secret | RustType::Enum(_))
    {
        // A whole expression holding an object, for an XML body: its shape is checked when it is sent.
        if is_xml && matches!(reference.ty(), RustType::Json | RustType::Struct(_)) {
            super::lenient::xml_object_payload(cx.reporter, &payload_pointer, &content_type, None);
            encoding = BodyEncoding::Xml;
        } else {
            cx.reporter.error(&payload_pointer, format!("a `{content_type}` body needs a string value"));
            return None;
        }
    }
    // Values embedded in XML text are escaped, as in JSON text.
    if encoding == BodyEncoding::Raw && is_xml && matches!(value, ValuePlan::Template(_)) {
        encoding = BodyEncoding::XmlText;
    }
    // Raw, XML and JSON-text bodies always name their media type; the others only when it is not the default.
    let content_type = (essence != default).then_some(content_type);
    Some(Some(BodyPlan { value, encoding, content_type }))
}

/// The payload with its `replacements` applied. They are applied to the template at build time, so a
/// replacement's value may itself hold expressions (or be a Selector Object). A JSON pointer target
/// must have an existing parent; a JSONPath target (1.1, `targetSelectorType: jsonpath`) replaces every
/// node it selects in the template, and must select one; for an XML payload written as text, a target
/// is an XPath (see [`super::xpath::replace`]).
fn replace(
    cx: &mut Context<'_, '_>,
    payload: &Value,
    replacements: &[model::PayloadReplacement],
    pointer: &str,
    (is_xml, content_type): (bool, &str),
) -> Option<Value> {
    let mut payload = payload.clone();
    for (index, replacement) in replacements.iter().enumerate() {
        let replacement_pointer = format!("{pointer}/replacements/{index}");
        let target_pointer = format!("{replacement_pointer}/target");
        cx.reporter.extra(&replacement.extra, &replacement_pointer, &[]);
        let target = replacement.target.as_str();
        if super::xpath::is_xpath_target(replacement, is_xml && payload.is_string()) {
            if !is_xml {
                cx.reporter.error(
                    &target_pointer,
                    format!(
                        "an XPath target applies to an XML payload (`application/xml`, `text/xml`, `*+xml`) written \
                         as text; this body is `{content_type}`"
                    ),
                );
                return None;
            }
            let Value::String(template) = &payload else {
                cx.reporter.error(
                    &target_pointer,
                    "an XPath target applies to an XML payload written as text; this payload is written as an object",
                );
                return None;
            };
            let replaced = super::xpath::replace(cx.reporter, template, replacement, &replacement_pointer)?;
            payload = Value::String(replaced);
            continue;
        }
        if payload.is_string() {
            cx.reporter.unsupported(&replacement_pointer, "`replacements` in a payload written as text");
            return None;
        }
        let kind = match &replacement.target_selector_type {
            None => "jsonpointer",
            Some(model::CriterionType::Name(name)) => name.as_str(),
            Some(model::CriterionType::Expression(expression)) => {
                cx.reporter.extra(&expression.extra, &format!("{replacement_pointer}/targetSelectorType"), &[]);
                expression.kind.as_str()
            }
        };
        if kind == "jsonpath" {
            let targets = jsonpath_targets(cx, &payload, target, &target_pointer)?;
            for at in targets {
                set_at(&mut payload, &at, replacement.value.clone());
            }
            continue;
        }
        if kind != "jsonpointer" || !(target.is_empty() || target.starts_with('/')) {
            cx.reporter.error(
                &target_pointer,
                "a replacement target must be a JSON pointer, a JSONPath query with `targetSelectorType: jsonpath`, \
                 or an XPath on an XML payload written as text",
            );
            return None;
        }
        if !set_at(&mut payload, target, replacement.value.clone()) {
            cx.reporter
                .error(&target_pointer, format!("`{target}` does not point into the payload (its parent must exist)"));
            return None;
        }
    }
    Some(payload)
}

/// The JSON pointers of the nodes the JSONPath `target` selects in the payload template, outermost
/// first; a node inside another selected one is left out (it is replaced with it).
fn jsonpath_targets(cx: &mut Context<'_, '_>, payload: &Value, target: &str, pointer: &str) -> Option<Vec<String>> {
    let query = super::selector::jsonpath(cx.reporter, target, pointer)?;
    let mut found: Vec<String> = query.query_located(payload).locations().map(|at| at.to_json_pointer()).collect();
    found.sort();
    found.dedup();
    let mut targets: Vec<String> = Vec::new();
    for at in found {
        let inside =
            targets.iter().any(|outer| at.strip_prefix(outer.as_str()).is_some_and(|rest| rest.starts_with('/')));
        if !inside {
            targets.push(at);
        }
    }
    if targets.is_empty() {
        cx.reporter.error(
            pointer,
            format!("`{target}` selects nothing in the payload, so this replacement would set nothing"),
        );
        return None;
    }
    Some(targets)
}

/// Sets the value at a JSON pointer: replaces an existing node, adds an object member, or appends to
/// an array with `-`. `false` when the parent does not exist.
fn set_at(root: &mut Value, pointer: &str, value: Value) -> bool {
    if pointer.is_empty() {
        *root = value;
        return true;
    }
    let Some((parent, last)) = pointer.rsplit_once('/') else { return false };
    let key = crate::load::unescape_token(last).into_owned();
    match root.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key, value);
            true
        }
        Some(Value::Array(items)) if key == "-" => {
            items.push(value);
            true
        }
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(index) if index < items.len() => {
                items[index] = value;
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// A payload that is an object, or an expression whose value is one (a `type: object` input, a step
/// output read as JSON).
fn is_object(value: &ValuePlan) -> bool {
    match value {
        ValuePlan::Object(_) | ValuePlan::Literal(Value::Object(_)) => true,
        ValuePlan::Ref(reference) => matches!(reference.ty(), RustType::Json | RustType::Struct(_)),
        ValuePlan::Literal(_) | ValuePlan::Template(_) | ValuePlan::Array(_) => false,
    }
}

/// Only scalars can be embedded in a string: a list or a JSON value has no single text form.
pub(crate) fn embeddable(value: &ValuePlan) -> Result<(), String> {
    match value {
        ValuePlan::Template(pieces) => {
            for piece in pieces {
                if let crate::plan::TemplatePiece::Value(embedded) = piece
                    && matches!(embedded.ty().non_null(), RustType::Vec(_) | RustType::Json | RustType::Struct(_))
                {
                    return Err("a list or JSON value cannot be embedded in a string; use it as the whole value".into());
                }
            }
            Ok(())
        }
        ValuePlan::Object(fields) => fields.iter().try_for_each(|(_, value)| embeddable(value)),
        ValuePlan::Array(items) => items.iter().try_for_each(embeddable),
        ValuePlan::Literal(_) | ValuePlan::Ref(_) => Ok(()),
    }
}

/// For a payload written as JSON text with embedded expressions: whether each expression stands inside
/// a JSON string. The text must be valid JSON once the expressions are filled in.
pub(crate) fn json_text_slots(text: &str) -> Result<Vec<bool>, String> {
    let parts = expr::parse_template(text).map_err(|error| format!("invalid embedded expression: {error}"))?;
    let mut in_string = false;
    let mut escaped = false;
    let mut slots = Vec::new();
    let mut filled = String::new();
    for part in parts {
        match part {
            expr::TemplatePart::Literal(literal) => {
                for character in literal.chars() {
                    if escaped {
                        escaped = false;
                    } else if in_string && character == '\\' {
                        escaped = true;
                    } else if character == '"' {
                        in_string = !in_string;
                    }
                }
                filled.push_str(&literal);
            }
            expr::TemplatePart::Expr { .. } => {
                slots.push(in_string);
                filled.push_str(if in_string { "x" } else { "0" });
            }
        }
    }
    serde_json::from_str::<Value>(&filled)
        .map_err(|error| format!("the payload is not valid JSON once its expressions are filled in: {error}"))?;
    Ok(slots)
}
