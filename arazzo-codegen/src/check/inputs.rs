//! Typed inputs from a workflow's `inputs` JSON Schema: scalars, arrays, and nested objects, which
//! become structs of their own (`$ref`s to `components.inputs` followed).

use serde_json::Value;

use super::Reporter;
use crate::model::Document;
use crate::naming::{self, Scope};
use crate::plan::{FieldPlan, RustType, StructPlan};
use crate::types::{self, enums::Enums};

/// Nested objects deeper than this are `serde_json::Value`: a schema is not a place for recursion.
const MAX_DEPTH: usize = 16;

struct Builder<'d, 'r, 'p> {
    document: &'d Document,
    reporter: &'r mut Reporter<'p>,
    types: &'r mut Scope,
    enums: &'r mut Enums,
    workflow_id: &'d str,
    structs: Vec<StructPlan>,
    /// Object schemas being turned into structs, to break `$ref` cycles.
    open: Vec<*const Value>,
}

/// The inputs struct's fields, and the structs of nested objects (before it, in order of use). String
/// enums are declared in `enums` (closed: the values are sent).
pub(crate) fn fields(
    document: &Document,
    (workflow_id, schema): (&str, Option<&Value>),
    pointer: &str,
    reporter: &mut Reporter<'_>,
    (types, enums): (&mut Scope, &mut Enums),
    prefix: &str,
) -> (Option<Vec<FieldPlan>>, Vec<StructPlan>) {
    let Some(schema) = schema else { return (Some(Vec::new()), Vec::new()) };
    super::schema_vocabulary::check_inputs(schema, pointer, reporter);
    let schema = match resolve(document, schema) {
        Ok(schema) => schema,
        Err(message) => {
            reporter.error(pointer, message);
            return (None, Vec::new());
        }
    };
    if schema.get("type").and_then(Value::as_str).is_some_and(|kind| kind != "object") {
        reporter.error(&format!("{pointer}/type"), "workflow inputs must be described by an object schema");
        return (None, Vec::new());
    }
    let open = vec![std::ptr::from_ref(schema)];
    let mut builder = Builder { document, reporter, types, enums, workflow_id, structs: Vec::new(), open };
    let fields = builder.object_fields(schema, pointer, prefix, 0);
    (Some(fields), builder.structs)
}

impl Builder<'_, '_, '_> {
    fn object_fields(&mut self, schema: &Value, pointer: &str, prefix: &str, depth: usize) -> Vec<FieldPlan> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, property) in properties.into_iter().flatten() {
            let property_pointer = format!("{pointer}/properties/{}", super::escape(name));
            let property = match resolve(self.document, property) {
                Ok(property) => property,
                Err(message) => {
                    self.reporter.error(&property_pointer, message);
                    continue;
                }
            };
            let Some(ty) = self.property_type(property, name, &property_pointer, prefix, depth) else { continue };
            let optional = !required.contains(&name.as_str());
            // An optional input that may also be `null` is one `Option`: `None` leaves it out.
            let ty = if optional { ty.non_null().clone() } else { ty };
            if property.get("default").is_some() && !required.contains(&name.as_str()) {
                // Said out loud rather than applied behind the caller's back: `None` leaves it out.
                self.reporter.warning(
                    &format!("{property_pointer}/default"),
                    format!(
                        "the default of input `{name}` is not applied: the field is optional, and when it is `None` \
                         the value is left out of requests (the API's own default applies)"
                    ),
                );
            }
            fields.push(FieldPlan {
                name: name.clone(),
                field: scope.snake(name),
                ty,
                optional,
                doc: property.get("description").and_then(Value::as_str).map(str::to_string),
            });
        }
        for name in required {
            if !properties.is_some_and(|properties| properties.contains_key(name)) {
                self.reporter.error(
                    &format!("{pointer}/required"),
                    format!("required input `{name}` is not among the schema's properties"),
                );
            }
        }
        fields
    }

    /// An object with `properties` becomes a struct; an array of such objects a `Vec` of one.
    fn property_type(
        &mut self,
        property: &Value,
        name: &str,
        pointer: &str,
        prefix: &str,
        depth: usize,
    ) -> Option<RustType> {
        if is_object_with_properties(property) {
            return Some(self.structure(property, name, pointer, prefix, depth));
        }
        if property.get("type").and_then(Value::as_str) == Some("array")
            && let Some(items) = property.get("items")
            && let Ok(items) = resolve(self.document, items)
            && is_object_with_properties(items)
        {
            let item = self.structure(items, &format!("{name} item"), &format!("{pointer}/items"), prefix, depth);
            return Some(RustType::Vec(Box::new(item)));
        }
        let (types, enums, workflow_id) = (&mut *self.types, &mut *self.enums, self.workflow_id);
        let mut declare = |hint: &str, values: Vec<String>| {
            let used = format!("input `{name}` of workflow `{workflow_id}`");
            enums.declare(types, (hint, &format!("{prefix} {hint}")), values, false, &used)
        };
        match types::schema_type(property, name, &|value| resolve(self.document, value), &mut declare) {
            Ok(ty) => Some(ty),
            Err(message) => {
                self.reporter.error(pointer, message);
                None
            }
        }
    }

    fn structure(&mut self, schema: &Value, name: &str, pointer: &str, prefix: &str, depth: usize) -> RustType {
        let key = std::ptr::from_ref(schema);
        if depth >= MAX_DEPTH || self.open.contains(&key) {
            return RustType::Json;
        }
        self.open.push(key);
        let type_name =
            self.types.claim_with_companion(format!("{prefix}{}", naming::camel(name)), naming::BUILDER_SUFFIX);
        let fields = self.object_fields(schema, pointer, &type_name, depth + 1);
        self.open.pop();
        let doc = schema.get("description").and_then(Value::as_str).map(str::to_string);
        self.structs.push(StructPlan { name: type_name.clone(), doc, fields });
        RustType::Struct(type_name)
    }
}

fn is_object_with_properties(schema: &Value) -> bool {
    schema.get("properties").and_then(Value::as_object).is_some_and(|properties| !properties.is_empty())
        && schema.get("type").and_then(Value::as_str).is_none_or(|kind| kind == "object")
}

/// Follows `$ref: '#/components/inputs/<name>'` within the Arazzo document.
pub(crate) fn resolve<'a>(document: &'a Document, schema: &'a Value) -> Result<&'a Value, String> {
    let mut current = schema;
    for _ in 0..16 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else { return Ok(current) };
        let Some(name) = reference.strip_prefix("#/components/inputs/") else {
            return Err(format!(
                "`$ref: {reference}` is not supported here; inputs may refer to `#/components/inputs/<name>`"
            ));
        };
        current = document
            .components
            .as_ref()
            .and_then(|components| components.inputs.get(name))
            .ok_or_else(|| format!("`$ref: {reference}` names no entry of `components.inputs`"))?;
    }
    Err("`$ref` chain in inputs is too long or cyclic".to_string())
}
