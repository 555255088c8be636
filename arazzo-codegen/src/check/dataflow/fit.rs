//! Walking a request value and the schema it goes into together (see the parent module for what is
//! refused and what passes).

use serde_json::Value;

use super::{Kind, MAX_DEPTH, Misfit, Place, Request, with_article};
use crate::check::escape;
use crate::plan::{ValuePlan, ValueRef};

pub(super) struct Walk<'a> {
    pub(super) request: &'a Request<'a>,
    pub(super) place: Place,
    /// `query parameter `limit` of `listPets``, `the request body of `createPet``.
    pub(super) target: &'a str,
}

impl Walk<'_> {
    /// Whether `value` fits `schema` (written at `schema_pointer`); the misfits found are added to
    /// `out`. `inside` is the JSON pointer of `value` within the parameter or body.
    #[allow(clippy::too_many_arguments)] // one recursive walk over the value and the schema together
    pub(super) fn fits(
        &self,
        value: &ValuePlan,
        schema: &Value,
        schema_pointer: &str,
        value_pointer: &str,
        inside: &str,
        depth: usize,
        out: &mut Vec<Misfit>,
    ) -> bool {
        // A schema that cannot be followed (dangling or external `$ref`) says nothing.
        let Ok((schema, schema_pointer)) = self.request.openapi.resolve_at(schema, schema_pointer) else { return true };
        let Some(object) = schema.as_object() else { return true };
        if depth > MAX_DEPTH {
            return true;
        }
        let kind = self.kind(value);
        let child = |keyword: &str| format!("{schema_pointer}/{keyword}");
        let what = || match inside {
            "" => self.target.to_string(),
            _ if self.place == Place::Json => {
                format!("property `{inside}` of {}", self.target.replace("the request body", "the body"))
            }
            _ => format!("`{inside}` in {}", self.target),
        };
        if let Some(kind) = kind {
            let types = declared_types(object);
            if !self.admits(kind, value, &types) {
                let expected = if types.is_empty() {
                    "a single value (a path parameter is one segment of the path)".to_string()
                } else {
                    types.iter().map(|name| with_article(name)).collect::<Vec<_>>().join(" or ")
                };
                let note = match types.as_slice() {
                    [] => (schema_pointer.clone(), "the parameter's schema is here".to_string()),
                    [one] => (child("type"), format!("the schema says `type: {one}` here")),
                    _ => (child("type"), format!("the schema says `type: [{}]` here", types.join(", "))),
                };
                out.push(self.misfit(
                    value,
                    value_pointer,
                    format!("{} is {}, but {} is {expected}", self.describe(value), with_article(kind.name()), what()),
                    self.help(value, &types),
                    note,
                ));
                return false;
            }
        }
        if let Some(misfit) = self.null_where_not_allowed(value, object, &schema_pointer, value_pointer, &what) {
            // Reported, but the value fits: a union's other branches need not be tried for it.
            out.push(misfit);
        }
        if let ValuePlan::Literal(literal) = value
            && let Some(allowed) = allowed_values(object)
            && !allowed.iter().any(|candidate| self.same(literal, candidate))
        {
            let keyword = if object.contains_key("enum") { "enum" } else { "const" };
            let listed: Vec<String> = allowed.iter().take(12).map(|candidate| format!("`{candidate}`")).collect();
            out.push(self.misfit(
                value,
                value_pointer,
                format!("`{literal}` is not among the values allowed for {}", what()),
                Some(format!("allowed: {}", listed.join(", "))),
                (child(keyword), format!("the allowed values are listed here (`{keyword}`)")),
            ));
            return false;
        }
        let mut fits = true;
        if let Some(branches) = object.get("allOf").and_then(Value::as_array) {
            for (index, branch) in branches.iter().enumerate() {
                let at = format!("{schema_pointer}/allOf/{index}");
                fits &= self.fits(value, branch, &at, value_pointer, inside, depth + 1, out);
            }
        }
        for keyword in ["oneOf", "anyOf"] {
            let Some(branches) = object.get(keyword).and_then(Value::as_array) else { continue };
            // Any branch that fits will do; a branch's misfits are only worth telling when none does.
            let mut tried = Vec::new();
            let any = branches.iter().enumerate().any(|(index, branch)| {
                let at = format!("{schema_pointer}/{keyword}/{index}");
                let mut branch_misfits = Vec::new();
                let fits = self.fits(value, branch, &at, value_pointer, inside, depth + 1, &mut branch_misfits);
                tried.push(branch_misfits);
                fits
            });
            if !any && !branches.is_empty() {
                out.push(
                    self.misfit(
                        value,
                        value_pointer,
                        format!("{} fits none of the `{keyword}` schemas of {}", self.describe(value), what()),
                        tried
                            .into_iter()
                            .flatten()
                            .find(|misfit| !misfit.warning)
                            .map(|first| format!("the first one: {}", first.message)),
                        (child(keyword), format!("the `{keyword}` schemas are here")),
                    ),
                );
                fits = false;
            }
        }
        match value {
            ValuePlan::Object(fields) => {
                if self.place == Place::Json {
                    fits &= self.required(object, fields, &schema_pointer, value_pointer, inside, out);
                }
                for (name, field) in fields {
                    let Some((property, at)) = property_schema(object, name, &schema_pointer) else { continue };
                    let field_pointer = format!("{value_pointer}/{}", escape(name));
                    let field_inside = format!("{inside}/{}", escape(name));
                    fits &= self.fits(field, property, &at, &field_pointer, &field_inside, depth + 1, out);
                }
            }
            ValuePlan::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let Some((item_schema, at)) = item_schema(object, index, &schema_pointer) else { continue };
                    let item_pointer = format!("{value_pointer}/{index}");
                    let item_inside = format!("{inside}/{index}");
                    fits &= self.fits(item, item_schema, &at, &item_pointer, &item_inside, depth + 1, out);
                }
            }
            _ => {}
        }
        fits
    }

    /// The properties `required` names that an object payload leaves out. A `readOnly` property is
    /// only required in responses (OpenAPI 3.x), so it is not asked for.
    fn required(
        &self,
        object: &serde_json::Map<String, Value>,
        fields: &[(String, ValuePlan)],
        schema_pointer: &str,
        value_pointer: &str,
        inside: &str,
        out: &mut Vec<Misfit>,
    ) -> bool {
        let Some(required) = object.get("required").and_then(Value::as_array) else { return true };
        let missing: Vec<&str> = required
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| !fields.iter().any(|(field, _)| field == name))
            .filter(|name| {
                let read_only = property_schema(object, name, schema_pointer)
                    .and_then(|(property, _)| self.request.openapi.resolve(property).ok())
                    .and_then(|property| property.get("readOnly"))
                    .and_then(Value::as_bool);
                read_only != Some(true)
            })
            .collect();
        if missing.is_empty() {
            return true;
        }
        let names: Vec<String> = missing.iter().map(|name| format!("`{name}`")).collect();
        let (subject, verb) =
            if missing.len() == 1 { ("property", "requires it") } else { ("properties", "requires them") };
        let whose = match inside {
            "" => self.target.to_string(),
            _ => format!("property `{inside}` of {}", self.target.replace("the request body", "the body")),
        };
        out.push(Misfit {
            message: format!("{whose} lacks the {subject} {}, and its schema {verb}", names.join(", ")),
            help: None,
            value_pointer: value_pointer.to_string(),
            origin: None,
            schema_pointer: format!("{schema_pointer}/required"),
            schema_note: "the schema's `required` list is here".to_string(),
            warning: false,
        });
        false
    }

    /// A warning when `value`, going into a JSON body, may be `null` (its type is nullable) and the
    /// schema declares types without `null`. A `null` literal is not reported (a merge patch clears
    /// a field with it), nor a union (a branch may take `null`: its misfits are dropped when one fits).
    fn null_where_not_allowed(
        &self,
        value: &ValuePlan,
        object: &serde_json::Map<String, Value>,
        schema_pointer: &str,
        value_pointer: &str,
        what: &dyn Fn() -> String,
    ) -> Option<Misfit> {
        let ValuePlan::Ref(reference) = value else { return None };
        let types = declared_types(object);
        if self.place != Place::Json || !reference.ty().is_nullable() || types.is_empty() || types.contains(&"null") {
            return None;
        }
        let expected = types.iter().map(|name| with_article(name)).collect::<Vec<_>>().join(" or ");
        let help = match self.origin_name(reference) {
            Some(Origin::Input(name)) => format!(
                "declare input `{name}` without `null` if it always has a value; if the API takes `null` there, its \
                 description should say so (`type: [{}, \"null\"]`, or `nullable: true` in OpenAPI 3.0)",
                types.join(", ")
            ),
            _ => "check that it is not `null` in the `successCriteria` of the step that produces it; if the API \
                  takes `null` there, its description should say so"
                .to_string(),
        };
        let mut misfit = self.misfit(
            value,
            value_pointer,
            format!(
                "{} may be `null` (its schema allows it), but {} is {expected} and does not allow `null`: a run \
                 where it is `null` sends `null`",
                self.describe(value),
                what()
            ),
            Some(help),
            (format!("{schema_pointer}/type"), "the schema's `type` is here, without `null`".to_string()),
        );
        misfit.warning = true;
        Some(misfit)
    }

    fn misfit(
        &self,
        value: &ValuePlan,
        value_pointer: &str,
        message: String,
        help: Option<String>,
        (schema_pointer, schema_note): (String, String),
    ) -> Misfit {
        Misfit {
            message,
            help,
            value_pointer: value_pointer.to_string(),
            origin: self.origin(value),
            schema_pointer,
            schema_note,
            warning: false,
        }
    }

    /// The type of a value, when known.
    fn kind(&self, value: &ValuePlan) -> Option<Kind> {
        match value {
            ValuePlan::Literal(literal) => Some(Kind::of_literal(literal)),
            ValuePlan::Ref(reference) => Kind::of_type(reference.ty()),
            ValuePlan::Template(_) => Some(Kind::String),
            ValuePlan::Object(_) => Some(Kind::Object),
            ValuePlan::Array(_) => Some(Kind::Array),
        }
    }

    /// Whether a value of `kind` may go where the schema declares `types` (none: any type).
    ///
    /// Refused: a clash of scalars (a string where only numbers or booleans are allowed, a boolean
    /// for a number), and an object or array in a path parameter whose schema does not say so.
    /// A scalar where the schema expects an object or array is accepted: descriptions often model
    /// a reference as the object the server returns (Apigee's `apiProducts` are objects in its
    /// description and names on the wire), and a single value is a list of one in a parameter.
    /// An object or array elsewhere is not judged.
    fn admits(&self, kind: Kind, value: &ValuePlan, types: &[&str]) -> bool {
        let has = |name: &str| types.contains(&name);
        let structure = has("object") || has("array");
        match kind {
            // A path parameter is one segment: a list or an object only when the schema says so.
            Kind::Array | Kind::Object if self.place == Place::Path => has(kind.name()),
            Kind::Array | Kind::Object | Kind::Null => true,
            _ if types.is_empty() => true,
            Kind::String => has("string") || structure,
            // An integer is a number; any scalar is text in a string.
            Kind::Integer => has("integer") || has("number") || has("string") || structure,
            // A number literal with a fraction is no integer; a number-typed value may hold one.
            Kind::Number => {
                has("number")
                    || has("string")
                    || (has("integer") && !matches!(value, ValuePlan::Literal(_)))
                    || structure
            }
            Kind::Boolean => has("boolean") || has("string") || structure,
        }
    }

    /// Whether a literal equals an allowed value: as JSON in a body, as text in parameters.
    fn same(&self, literal: &Value, candidate: &Value) -> bool {
        if literal == candidate {
            return true;
        }
        match (literal, candidate) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            _ if self.place != Place::Json => text_of(literal).is_some() && text_of(literal) == text_of(candidate),
            _ => false,
        }
    }

    /// How a message names the value.
    fn describe(&self, value: &ValuePlan) -> String {
        match value {
            ValuePlan::Literal(literal) => format!("`{literal}`"),
            ValuePlan::Ref(reference) => match self.origin_name(reference) {
                Some(Origin::Input(name)) => format!("input `{name}`"),
                Some(Origin::Output { step, output, .. }) => format!("output `{output}` of step `{step}`"),
                None => "this value".to_string(),
            },
            ValuePlan::Template(_) => "this text".to_string(),
            ValuePlan::Object(_) | ValuePlan::Array(_) => "this value".to_string(),
        }
    }

    fn help(&self, value: &ValuePlan, types: &[&str]) -> Option<String> {
        let first = types.first()?;
        match value {
            ValuePlan::Literal(Value::String(text)) => {
                let parsed: Value = serde_json::from_str(text).ok()?;
                let fits = match Kind::of_literal(&parsed) {
                    Kind::Integer => types.iter().any(|name| ["integer", "number"].contains(name)),
                    kind => types.contains(&kind.name()),
                };
                fits.then(|| format!("write it without quotes: `{parsed}`"))
            }
            ValuePlan::Ref(reference) => match self.origin_name(reference)? {
                Origin::Input(name) => Some(format!("declare input `{name}` with `type: {first}`")),
                Origin::Output { .. } => None,
            },
            _ => None,
        }
    }

    fn origin_name(&self, reference: &ValueRef) -> Option<Origin> {
        let env = self.request.env;
        match reference {
            ValueRef::Input { field, .. } => {
                env.inputs.iter().find(|input| &input.field == field).map(|input| Origin::Input(input.name.clone()))
            }
            ValueRef::StepOutput { variable, .. } => env.earlier.iter().find_map(|step| {
                let output = step.outputs.iter().find(|output| &output.variable == variable)?;
                Some(Origin::Output { step: step.step_id.clone(), output: output.name.clone() })
            }),
            ValueRef::Pointer { .. } | ValueRef::Constant(_) | ValueRef::Selected { .. } | ValueRef::Called { .. } => {
                None
            }
        }
    }

    /// Where the value comes from, in the Arazzo document, and what to say there.
    fn origin(&self, value: &ValuePlan) -> Option<(String, String)> {
        let ValuePlan::Ref(reference) = value else { return None };
        let Request { document, workflow, workflow_pointer, .. } = self.request;
        match self.origin_name(reference)? {
            Origin::Input(name) => {
                let mut pointer = format!("{workflow_pointer}/inputs");
                let mut schema = workflow.inputs.as_ref()?;
                for token in [None, Some(name.as_str())] {
                    if let Some(token) = token {
                        schema = schema.get("properties")?.get(token)?;
                        pointer = format!("{pointer}/properties/{}", escape(token));
                    }
                    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                        let component = reference.strip_prefix("#/components/inputs/")?;
                        schema = document.components.as_ref()?.inputs.get(component)?;
                        pointer = format!("/components/inputs/{}", escape(component));
                    }
                }
                let typed = schema.get("type").is_some();
                let pointer = if typed { format!("{pointer}/type") } else { pointer };
                Some((pointer, format!("input `{name}` is declared here")))
            }
            Origin::Output { step, output } => {
                let index = workflow.steps.iter().position(|candidate| candidate.step_id == step)?;
                let pointer = format!("{workflow_pointer}/steps/{index}/outputs/{}", escape(&output));
                Some((pointer, format!("output `{output}` of step `{step}` is read here")))
            }
        }
    }
}

enum Origin {
    Input(String),
    Output { step: String, output: String },
}

/// The type names a schema declares (`type: x`, `type: [x, y]`), with `null` for 3.0's
/// `nullable: true`; empty when it declares none.
fn declared_types(object: &serde_json::Map<String, Value>) -> Vec<&str> {
    let mut types: Vec<&str> = match object.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && object.get("nullable") == Some(&Value::Bool(true)) && !types.contains(&"null") {
        types.push("null");
    }
    types
}

/// `enum`, or `const` as a list of one.
fn allowed_values(object: &serde_json::Map<String, Value>) -> Option<Vec<&Value>> {
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        return Some(values.iter().collect());
    }
    object.get("const").map(|value| vec![value])
}

/// A scalar's text on the wire.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The schema of property `name` (`properties`, else an `additionalProperties` schema) and where it is.
fn property_schema<'s>(
    object: &'s serde_json::Map<String, Value>,
    name: &str,
    schema_pointer: &str,
) -> Option<(&'s Value, String)> {
    if let Some(property) = object.get("properties").and_then(|properties| properties.get(name)) {
        return Some((property, format!("{schema_pointer}/properties/{}", escape(name))));
    }
    let additional = object.get("additionalProperties").filter(|schema| schema.is_object())?;
    Some((additional, format!("{schema_pointer}/additionalProperties")))
}

/// The schema of item `index` (`prefixItems`, the old tuple form of `items`, else `items`).
fn item_schema<'s>(
    object: &'s serde_json::Map<String, Value>,
    index: usize,
    schema_pointer: &str,
) -> Option<(&'s Value, String)> {
    if let Some(item) = object.get("prefixItems").and_then(|items| items.get(index)) {
        return Some((item, format!("{schema_pointer}/prefixItems/{index}")));
    }
    match object.get("items")? {
        Value::Array(tuple) => tuple.get(index).map(|item| (item, format!("{schema_pointer}/items/{index}"))),
        items @ Value::Object(_) => Some((items, format!("{schema_pointer}/items"))),
        _ => None,
    }
}
