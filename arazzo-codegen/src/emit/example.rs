//! The `# Example` of each workflow function: how to build the `Client`, the `Config` and the
//! inputs, and call it.
//!
//! rustdoc compiles the examples of a library crate as doctests in another crate, which must name
//! the generated module by its path there: `Settings::doctest_path` (`Builder::doctest_path`,
//! `--doctest-path`) gives the path of the item that includes the module (`arazzo_generated`, or
//! `my_crate::clients`); the example is then `no_run` (it would need the server) and compiled by
//! `cargo test`. Without it the example is `ignore`: shown, not compiled, and names the module as
//! if it were included at the crate root.

use proc_macro2::TokenStream;
use quote::quote;

use super::Settings;
use crate::plan::{CredentialKind, FieldPlan, ModulePlan, RustType, WorkflowPlan};

/// The `# Example` section as doc attributes. Written line by line, not through `docs()`, which
/// fences code-like document text: this code block is ours, and every name in it an identifier.
pub(super) fn example(plan: &ModulePlan, workflow: &WorkflowPlan, settings: &Settings) -> TokenStream {
    let lines: Vec<String> = text(plan, workflow, settings)
        .lines()
        .map(|line| if line.is_empty() { String::new() } else { format!(" {line}") })
        .collect();
    quote! { #(#[doc = #lines])* }
}

fn text(plan: &ModulePlan, workflow: &WorkflowPlan, settings: &Settings) -> String {
    let mut imports = vec!["Config".to_owned()];
    imports.extend(plan.sources.iter().map(|source| source.type_name.clone()));
    let config: Vec<String> = plan
        .sources
        .iter()
        .map(|source| {
            let arguments: Vec<String> = source
                .credentials
                .iter()
                .map(|credential| match credential.kind {
                    CredentialKind::Basic => "arazzo_runtime::BasicCredentials::new(\"user\", \"password\")".to_owned(),
                    _ => format!("\"{}\"", credential.field),
                })
                .collect();
            format!("    {}: {}::new({}),", source.field, source.type_name, arguments.join(", "))
        })
        .collect();
    let mut inputs = String::new();
    build((plan, workflow), &workflow.inputs_type, &workflow.inputs, 0, &mut imports, &mut inputs);
    imports.push(workflow.inputs_type.clone());
    imports.push(workflow.function.clone());
    let mut seen = std::collections::BTreeSet::new();
    imports.retain(|name| seen.insert(name.clone()));
    let (fence, module) = match &settings.doctest_path {
        Some(path) => ("```no_run", format!("{path}::{}", plan.module)),
        None => ("```ignore", plan.module.clone()),
    };
    let mut text = String::from("\n# Example\n\n");
    text.push_str(fence);
    text.push_str(
        "\n# async fn example() -> ::core::result::Result<(), ::std::boxed::Box<dyn ::std::error::Error>> {\n",
    );
    text.push_str(&format!("use {module}::{{{}}};\n\n", imports.join(", ")));
    text.push_str("let client = arazzo_runtime::Client::new();\n");
    if config.is_empty() {
        text.push_str("let config = Config {};\n");
    } else {
        text.push_str(&format!("let config = Config {{\n{}\n}};\n", config.join("\n")));
    }
    text.push_str(&format!("let inputs = {inputs};\n"));
    text.push_str(&format!("let outputs = {}(&client, &config, &inputs).await?;\n", workflow.function));
    text.push_str("# let _ = outputs;\n# Ok(())\n# }\n```\n");
    text
}

/// `Type::builder().a(..).b(..).build()`, every required field set, nested objects built the same way.
fn build(
    (plan, workflow): (&ModulePlan, &WorkflowPlan),
    type_name: &str,
    fields: &[FieldPlan],
    depth: usize,
    imports: &mut Vec<String>,
    out: &mut String,
) {
    let indent = "    ".repeat(depth + 1);
    out.push_str(&format!("{type_name}::builder()"));
    let names: Vec<&str> = fields.iter().map(|field| field.field.as_str()).collect();
    for field in fields.iter().filter(|field| !field.optional) {
        out.push_str(&format!("\n{indent}.{}(", crate::naming::setter(&field.field, &names)));
        value((plan, workflow), field, depth + 1, imports, out);
        out.push(')');
    }
    out.push_str(&format!("\n{indent}.build()"));
}

fn value(
    (plan, workflow): (&ModulePlan, &WorkflowPlan),
    field: &FieldPlan,
    depth: usize,
    imports: &mut Vec<String>,
    out: &mut String,
) {
    match &field.ty {
        RustType::String | RustType::Secret => out.push_str(&format!("\"{}\"", field.field)),
        RustType::I64 => out.push('0'),
        RustType::F64 => out.push_str("0.0"),
        RustType::Bool => out.push_str("false"),
        RustType::Vec(_) => out.push_str("vec![]"),
        RustType::Json => out.push_str("arazzo_runtime::serde_json::Value::Null"),
        RustType::Struct(name) => match workflow.input_structs.iter().find(|structure| &structure.name == name) {
            // Objects nest no deeper than the inputs schema; the bound keeps this total.
            Some(structure) if depth < 16 => {
                imports.push(name.clone());
                build((plan, workflow), name, &structure.fields, depth, imports, out);
            }
            _ => out.push_str("todo!()"),
        },
        // `null` is a value of it: the simplest one to write.
        RustType::Nullable(_) => out.push_str("None"),
        RustType::Enum(name) => {
            match plan.enums.iter().find(|plan| &plan.name == name).and_then(|e| e.variants.first()) {
                Some(variant) => {
                    imports.push(name.clone());
                    out.push_str(&format!("{name}::{}", variant.name));
                }
                None => out.push_str("todo!()"),
            }
        }
    }
}
