use serde_json::{Value, json};

use super::enums::{Enums, variant_name};
use super::*;
use crate::naming::Scope;

fn no_refs(value: &Value) -> Result<&Value, String> {
    Ok(value)
}

/// The type of `schema` for a value named `name`, enums declared open in a scope of their own.
fn type_of(schema: &Value, name: &str) -> RustType {
    let (mut types, mut enums) = (Scope::default(), Enums::default());
    let mut declare = |hint: &str, values: Vec<String>| enums.declare(&mut types, (hint, hint), values, true, "test");
    schema_type(schema, name, &no_refs, &mut declare).unwrap()
}

fn nullable(ty: RustType) -> RustType {
    RustType::Nullable(Box::new(ty))
}

#[test]
fn maps_json_schema_types() {
    let cases = [
        (json!({"type": "string"}), "comment", RustType::String),
        (json!({"type": "string"}), "apiKey", RustType::Secret),
        (json!({"type": "string", "format": "password"}), "pin", RustType::Secret),
        (json!({"type": "integer"}), "n", RustType::I64),
        (json!({"type": "number"}), "n", RustType::F64),
        (json!({"type": "boolean"}), "n", RustType::Bool),
        (json!({"type": "array", "items": {"type": "string"}}), "scopes", RustType::Vec(Box::new(RustType::String))),
        (json!({"type": "object"}), "o", RustType::Json),
        (json!({}), "o", RustType::Json),
    ];
    for (schema, name, expected) in cases {
        assert_eq!(type_of(&schema, name), expected, "{schema} {name}");
    }
}

#[test]
fn every_nullable_form_is_an_option() {
    let cases = [
        // OpenAPI 3.1 / JSON Schema: `null` among the types.
        (json!({"type": ["integer", "null"]}), nullable(RustType::I64)),
        (json!({"type": ["null", "string"]}), nullable(RustType::String)),
        // OpenAPI 3.0.
        (json!({"type": "boolean", "nullable": true}), nullable(RustType::Bool)),
        // A union of a schema and a null-only one, in either order, any spelling of null.
        (json!({"anyOf": [{"type": "number"}, {"type": "null"}]}), nullable(RustType::F64)),
        (json!({"oneOf": [{"type": "null"}, {"type": "string"}]}), nullable(RustType::String)),
        (json!({"anyOf": [{"type": ["null"]}, {"type": "integer"}]}), nullable(RustType::I64)),
        (json!({"oneOf": [{"enum": [null]}, {"type": "boolean"}]}), nullable(RustType::Bool)),
        // Items that may be `null`.
        (
            json!({"type": "array", "items": {"type": ["string", "null"]}}),
            RustType::Vec(Box::new(nullable(RustType::String))),
        ),
        // A nullable array.
        (
            json!({"type": ["array", "null"], "items": {"type": "integer"}}),
            nullable(RustType::Vec(Box::new(RustType::I64))),
        ),
        // JSON holds `null` itself: no `Option` around it.
        (json!({"type": ["object", "null"]}), RustType::Json),
        (json!({"anyOf": [{"type": "object"}, {"type": "null"}]}), RustType::Json),
        // Only `null`, or a union of more than one other schema: any JSON.
        (json!({"type": "null"}), RustType::Json),
        (json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}), RustType::Json),
        (json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}), RustType::Json),
    ];
    for (schema, expected) in cases {
        assert_eq!(type_of(&schema, "value"), expected, "{schema}");
    }
    // A secret that may be `null` stays a secret.
    assert_eq!(type_of(&json!({"type": ["string", "null"]}), "apiKey"), nullable(RustType::Secret));
    assert_eq!(
        type_of(&json!({"type": "string", "nullable": true, "writeOnly": true}), "pin"),
        nullable(RustType::Secret)
    );
}

#[test]
fn nullable_branches_follow_references() {
    let root = json!({
        "components": {"schemas": {"Id": {"type": "string"}, "Nothing": {"type": "null"}}},
        "schema": {"oneOf": [{"$ref": "#/components/schemas/Id"}, {"$ref": "#/components/schemas/Nothing"}]}
    });
    fn resolve<'a>(root: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => root.pointer(reference.trim_start_matches('#')).ok_or_else(|| "dangling".to_string()),
            None => Ok(value),
        }
    }
    let (mut types, mut enums) = (Scope::default(), Enums::default());
    let mut declare = |hint: &str, values: Vec<String>| enums.declare(&mut types, (hint, hint), values, true, "test");
    let schema = &root["schema"];
    let ty = schema_type(schema, "id", &|value| resolve(&root, value), &mut declare).unwrap();
    assert_eq!(ty, nullable(RustType::String));
}

#[test]
fn string_enums_are_enums() {
    let (mut types, mut enums) = (Scope::default(), Enums::default());
    let mut declare = |hint: &str, values: Vec<String>| {
        enums.declare(&mut types, (hint, &format!("rotate-key {hint}")), values, true, "test")
    };
    let mut of = |schema: Value, name: &str| schema_type(&schema, name, &no_refs, &mut declare).unwrap();
    let enum_of = |name: &str| RustType::Enum(name.to_string());
    assert_eq!(of(json!({"type": "string", "enum": ["active", "closed"]}), "status"), enum_of("RotateKeyStatus"));
    // Without `type`, string values decide; `null` among them makes it nullable.
    assert_eq!(of(json!({"enum": ["free", "pro", null]}), "tier"), nullable(enum_of("RotateKeyTier")));
    assert_eq!(
        of(json!({"type": ["string", "null"], "enum": ["a", "b"]}), "grade"),
        nullable(enum_of("RotateKeyGrade"))
    );
    // `type: string` rules `null` out even when the enum lists it.
    assert_eq!(of(json!({"type": "string", "enum": ["x", null]}), "mark"), enum_of("RotateKeyMark"));
    // Items of an array are named after it.
    assert_eq!(
        of(json!({"type": "array", "items": {"type": "string", "enum": ["read"]}}), "scopes"),
        RustType::Vec(Box::new(enum_of("RotateKeyScopesItem")))
    );
    // An enum of other values, or of mixed ones, stays as the type says.
    assert_eq!(of(json!({"type": "integer", "enum": [1, 2]}), "level"), RustType::I64);
    assert_eq!(of(json!({"enum": ["a", 1]}), "mixed"), RustType::Json);
    assert_eq!(of(json!({"type": "string", "enum": []}), "none"), RustType::String);
    // A list too long for a useful enum stays a string (`null` besides the values does not count).
    let many: Vec<Value> = (0..=MAX_ENUM_VALUES).map(|index| json!(format!("v{index}"))).collect();
    assert_eq!(of(json!({"type": "string", "enum": many}), "many"), RustType::String);
    let mut most: Vec<Value> = (0..MAX_ENUM_VALUES).map(|index| json!(format!("v{index}"))).collect();
    most.push(Value::Null);
    assert_eq!(of(json!({"enum": most}), "most"), nullable(enum_of("RotateKeyMost")));
    // A secret is a secret, whatever it lists.
    assert_eq!(of(json!({"type": "string", "enum": ["k1"]}), "apiKey"), RustType::Secret);
    // The same values for a value of the same name share one enum; other values get a name of their own.
    assert_eq!(of(json!({"type": "string", "enum": ["active", "closed"]}), "status"), enum_of("RotateKeyStatus"));
    assert_eq!(of(json!({"type": "string", "enum": ["on", "off"]}), "status"), enum_of("RotateKeyStatus2"));
    let plans = enums.into_plans();
    let names: Vec<&str> = plans.iter().map(|plan| plan.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "RotateKeyStatus",
            "RotateKeyTier",
            "RotateKeyGrade",
            "RotateKeyMark",
            "RotateKeyScopesItem",
            "RotateKeyMost",
            "RotateKeyStatus2"
        ]
    );
    // Duplicated values once, in order.
    let values: Vec<&str> = plans[0].variants.iter().map(|variant| variant.value.as_str()).collect();
    assert_eq!(values, ["active", "closed"]);
}

#[test]
fn closed_and_open_enums_of_the_same_values_are_two_types() {
    let (mut types, mut enums) = (Scope::default(), Enums::default());
    let closed = enums.declare(&mut types, ("plan", "w plan"), vec!["a".into()], false, "input");
    let open = enums.declare(&mut types, ("plan", "w plan"), vec!["a".into()], true, "output");
    let again = enums.declare(&mut types, ("plan", "v plan"), vec!["a".into()], false, "input of v");
    assert_eq!((closed.as_str(), open.as_str(), again.as_str()), ("WPlan", "WPlan2", "WPlan"));
    let plans = enums.into_plans();
    assert_eq!(plans[0].uses, ["input", "input of v"]);
}

#[test]
fn variant_names_are_identifiers_for_any_value() {
    let cases = [
        ("active", "Active"),
        ("ACTIVE_USER", "ActiveUser"),
        ("in-progress", "InProgress"),
        ("2fa", "X2fa"),
        ("1", "X1"),
        ("", "Empty"),
        ("--", "Empty"),
        ("é", "Empty"),
        ("self", "Self_"),
        ("a b", "AB"),
    ];
    for (value, expected) in cases {
        assert_eq!(variant_name(value), expected, "{value:?}");
    }
}

#[test]
fn variants_that_collide_are_numbered_in_order() {
    let (mut types, mut enums) = (Scope::default(), Enums::default());
    let values = ["a-b", "a_b", "A B", "unknown", "Unknown", "", "-"].map(String::from).to_vec();
    enums.declare(&mut types, ("codes", "codes"), values.clone(), true, "output");
    enums.declare(&mut types, ("flags", "flags"), values, false, "input");
    let plans = enums.into_plans();
    let names = |index: usize| plans[index].variants.iter().map(|variant| variant.name.clone()).collect::<Vec<_>>();
    // An open enum keeps `Unknown` for values it does not list.
    assert_eq!(names(0), ["AB", "AB2", "AB3", "Unknown2", "Unknown3", "Empty", "Empty2"]);
    assert_eq!(names(1), ["AB", "AB2", "AB3", "Unknown", "Unknown2", "Empty", "Empty2"]);
}
