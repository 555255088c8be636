//! A step that calls another workflow of the module: the call, its arguments, and the callee's
//! outputs and partial outputs it keeps.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::value::{self, json, owned, place};
use crate::plan::{ArgumentPlan, CallPlan, CalleeRead, OutputSource, RustType, StepPlan, ValuePlan};

/// `run.step(..)` and the call of another workflow of this module, whose failure fails this step and
/// whose partial outputs are kept in this workflow's; `called` holds its outputs.
pub(super) fn call(step: &StepPlan, call: &CallPlan) -> TokenStream {
    // Bind the callee's outputs only when something reads them, so the code has no unused variable.
    let reads = step
        .outputs
        .iter()
        .any(|output| matches!(output.source, OutputSource::Callee(_) | OutputSource::CalleePart(_)));
    let binding = if reads || !call.reads.is_empty() { quote!(called) } else { quote!(_) };
    let step_id = &step.step_id;
    let operation = format!("workflow {}", call.workflow_id);
    let invocation = invocation(call, step_limit(step));
    let keep_partial = keep_partial(call);
    let criteria_reads = callee_reads(&call.reads);
    quote! {
        run.step(#step_id, #operation);
        let #binding = match #invocation {
            ::core::result::Result::Ok(outputs) => outputs,
            ::core::result::Result::Err(error) => {
                #keep_partial
                return ::core::result::Result::Err(run.fail(error));
            }
        };
        #(#criteria_reads)*
    }
}

/// `let <variable> = &called.<field>;` for each output of a called workflow that criteria read.
pub(super) fn callee_reads<'r>(reads: impl IntoIterator<Item = &'r CalleeRead>) -> Vec<TokenStream> {
    reads
        .into_iter()
        .map(|read| {
            let variable = ident(&read.variable);
            let field = ident(&read.field);
            quote!(let #variable = &called.#field;)
        })
        .collect()
}

/// `self::callee(run.client(), config, &CalleeInputs { .. }).await`: `self::`, so no local can hide
/// it; the run's client, so that the callee shares the run's deadline and record. With the calling
/// step's `timeout` (`limit`), the client carries it: the callee's run must end within it.
pub(super) fn invocation(call: &CallPlan, limit: Option<(&str, u64)>) -> TokenStream {
    let function = ident(&call.function);
    let inputs = ident(&call.inputs_type);
    let arguments = call.arguments.iter().map(|argument| {
        let field = ident(&argument.field);
        let value = argument_value(argument);
        super::field_init(&field, value)
    });
    let client = match limit {
        Some((step_id, milliseconds)) => {
            quote!(&run.client().within_step(#step_id, ::std::time::Duration::from_millis(#milliseconds)))
        }
        None => quote!(run.client()),
    };
    quote!(self::#function(#client, config, &#inputs { #(#arguments),* }).await)
}

/// A step's `timeout`, for the workflow it calls: the step and its milliseconds.
pub(super) fn step_limit(step: &StepPlan) -> Option<(&str, u64)> {
    step.timeout.map(|milliseconds| (step.step_id.as_str(), milliseconds))
}

/// Turns the callee's `error` into this step's and keeps the callee's partial outputs.
pub(super) fn keep_partial(call: &CallPlan) -> TokenStream {
    let partial_field = ident(&call.partial_field);
    quote! {
        let (error, partial) = error.into_nested();
        run.partial.#partial_field = ::core::option::Option::Some(partial);
    }
}

/// A value of the callee's input type (checked by `check::call`).
fn argument_value(argument: &ArgumentPlan) -> TokenStream {
    let Some(value) = &argument.value else { return quote!(::core::option::Option::None) };
    // An optional input and one that may be `null` are both `Option`s.
    let target_option = argument.optional || argument.ty.is_nullable();
    let target = argument.ty.non_null();
    let converted = match (value, target) {
        (_, RustType::Json) => {
            let json = json(value);
            quote!(::arazzo_runtime::json::value(&#json).unwrap_or_default())
        }
        // `Option<T>` into `Option<T>`: `null` leaves an optional input out.
        (ValuePlan::Ref(reference), _) if reference.ty().is_nullable() => return owned(reference),
        (ValuePlan::Ref(reference), RustType::Secret) if reference.ty() == &RustType::String => {
            let place = place(reference);
            let converted = quote!(::arazzo_runtime::SecretString::from(#place.clone()));
            return wrap(converted, target_option, reference.is_optional());
        }
        (ValuePlan::Ref(reference), RustType::String) if matches!(reference.ty(), RustType::Enum(_)) => {
            let place = place(reference);
            let converted = quote!(::std::string::ToString::to_string(&#place));
            return wrap(converted, target_option, false);
        }
        (ValuePlan::Ref(reference), _) => return wrap(owned(reference), target_option, reference.is_optional()),
        (ValuePlan::Template(pieces), RustType::Secret) => {
            let text = value::template(pieces);
            quote!(::arazzo_runtime::SecretString::from(#text))
        }
        (ValuePlan::Template(pieces), _) => value::template(pieces),
        (ValuePlan::Literal(serde_json::Value::Null), _) => return quote!(::core::option::Option::None),
        (ValuePlan::Literal(_), RustType::Enum(name)) => match &argument.variant {
            Some(variant) => {
                let (name, variant) = (ident(name), ident(variant));
                quote!(#name::#variant)
            }
            None => quote!(::core::default::Default::default()),
        },
        (ValuePlan::Literal(literal), ty) => typed_literal(literal, ty),
        (ValuePlan::Object(_) | ValuePlan::Array(_), _) => quote!(::core::default::Default::default()),
    };
    wrap(converted, target_option, false)
}

/// `Some(value)` for an optional input given a present value; optional values pass through.
fn wrap(value: TokenStream, target_optional: bool, value_optional: bool) -> TokenStream {
    if target_optional && !value_optional { quote!(::core::option::Option::Some(#value)) } else { value }
}

fn typed_literal(literal: &serde_json::Value, ty: &RustType) -> TokenStream {
    use serde_json::Value;
    match (literal, ty) {
        (Value::String(text), RustType::Secret) => quote!(::arazzo_runtime::SecretString::from(#text)),
        (Value::String(text), _) => quote!(::std::string::String::from(#text)),
        (Value::Bool(flag), _) => quote!(#flag),
        (Value::Number(number), RustType::F64) => {
            let float = proc_macro2::Literal::f64_suffixed(number.as_f64().unwrap_or_default());
            quote!(#float)
        }
        (Value::Number(number), _) => {
            let int = proc_macro2::Literal::i64_suffixed(number.as_i64().unwrap_or_default());
            quote!(#int)
        }
        (Value::Array(items), RustType::Vec(item)) => {
            let items = items.iter().map(|literal| typed_literal(literal, item));
            quote!(::std::vec![#(#items),*])
        }
        _ => quote!(::core::default::Default::default()),
    }
}
