//! The request of a step: parameters, credentials and body, and where it is sent; and the values
//! of its outputs.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use super::value::{self, json, owned, place};
use crate::model::ParameterLocation;
use crate::plan::{
    BodyEncoding, BodyPlan, CredentialKind, CredentialUse, ModulePlan, OutputSource, QueryStringEncoding,
    QueryStringPlan, RustType, SelectorKind, SentPart, StepOutputPlan, StepPlan, ValuePlan, ValueRef, WorkflowPlan,
};

/// The request of a step: `run.step(..);`, the request expression and the base URL it goes to.
///
/// The request borrows its values, so it is built inside the call that sends it: temporaries it
/// borrows (a header formatted from a secret) live as long as that statement.
pub(super) fn request(plan: &ModulePlan, workflow: &WorkflowPlan, step: &StepPlan) -> StepRequest {
    let source = &plan.sources[step.source];
    let step_id = &step.step_id;
    let operation = step
        .operation_id
        .clone()
        .unwrap_or_else(|| format!("{} {}", step.method.as_str().to_ascii_uppercase(), step.path));
    let method = ident(step.method.variant());
    let path = &step.path;
    let parameters = step.parameters.iter().map(|parameter| {
        let name = &parameter.name;
        let value = value::parameter(&parameter.value);
        match (parameter.location, parameter.style) {
            (ParameterLocation::Path, None) => quote!(.path_param(#name, #value)),
            (ParameterLocation::Query, None) => quote!(.query_param(#name, #value)),
            (ParameterLocation::Header, None) => quote!(.header(#name, #value)),
            (ParameterLocation::Cookie, None) => quote!(.cookie(#name, #value)),
            (location, Some((style, explode))) => {
                let method = ident(match location {
                    ParameterLocation::Path => "path_param_styled",
                    ParameterLocation::Query => "query_param_styled",
                    ParameterLocation::Header => "header_styled",
                    ParameterLocation::Cookie => "cookie_styled",
                });
                let style = ident(style.variant());
                quote!(.#method(#name, #value, ::arazzo_runtime::Style::#style, #explode))
            }
        }
    });
    let credentials = step.credentials.iter().map(|credential| match credential {
        CredentialUse::Configured(scheme) => {
            let Some(credential) = source.credentials.iter().find(|credential| &credential.scheme_name == scheme)
            else {
                return TokenStream::new();
            };
            let source_field = ident(&source.field);
            let field = ident(&credential.field);
            authenticate(&credential.kind, quote!(&config.#source_field.#field))
        }
        CredentialUse::Bound { kind, value } => {
            let place = place(value);
            let secret = if value.ty() == &RustType::Secret {
                quote!(&#place)
            } else {
                quote!(&::arazzo_runtime::SecretString::from(#place.clone()))
            };
            authenticate(kind, secret)
        }
    });
    let query_string = step.query_string.as_ref().map(query_string);
    let timeout = step.timeout.map(|milliseconds| quote!(.timeout(::std::time::Duration::from_millis(#milliseconds))));
    let body = step.body.as_ref().map(body);
    let requirements = required_values(step).into_iter().map(|value| {
        let place = place(value);
        match value {
            ValueRef::Input { field, optional: true, .. } => {
                let name = format!("inputs.{field}");
                quote!(.require(#name, &#place))
            }
            _ => {
                let name = expression(workflow, value);
                quote!(.require_not_null(#name, &#place))
            }
        }
    });
    let mut secrets: Vec<&ValueRef> = Vec::new();
    for value in step
        .parameters
        .iter()
        .flat_map(|parameter| parameter.value.secret_refs())
        .chain(step.query_string.iter().flat_map(|query_string| query_string.value.secret_refs()))
        .chain(step.body.iter().flat_map(|body| body.value.secret_refs()))
    {
        if !secrets.contains(&value) {
            secrets.push(value);
        }
    }
    let redactions = secrets.iter().map(|value| {
        let place = place(value);
        quote!(.redact(&#place))
    });
    let base_url = match &step.server_url {
        Some(value) => {
            let place = place(value);
            quote!(&#place)
        }
        None => {
            let field = ident(&source.field);
            quote!(&config.#field.base_url)
        }
    };
    // Secrets the step reads from the response (a new key) are scrubbed from error excerpts too.
    let secret_pointers: Vec<&str> = step
        .outputs
        .iter()
        .filter_map(|output| match &output.source {
            OutputSource::BodyPointer(pointer) | OutputSource::BodySelector { covers: pointer, .. }
                if output.ty.may_hold_secrets() =>
            {
                Some(pointer.as_str())
            }
            _ => None,
        })
        .collect();
    let response_secrets =
        (!secret_pointers.is_empty()).then(|| quote!(.secrets_in_response(&[#(#secret_pointers),*])));
    // What was sent is kept with the response only for criteria that read it.
    let criteria = step.criteria.iter().chain(step.on_success.iter().chain(&step.on_failure).flat_map(|a| &a.criteria));
    let outputs_read_request = step.outputs.iter().any(|output| matches!(output.source, OutputSource::Sent(_)));
    let keep_sent = (criteria.into_iter().any(|criterion| criterion.check.reads_request()) || outputs_read_request)
        .then(|| quote!(.keep_sent()));
    StepRequest {
        enter: quote!(run.step(#step_id, #operation);),
        request: quote! {
            ::arazzo_runtime::Request::new(::arazzo_runtime::Method::#method, #path)
                #(#requirements)*
                #query_string
                #(#parameters)*
                #(#credentials)*
                #body
                #timeout
                #(#redactions)*
                #response_secrets
                #keep_sent
        },
        base_url,
    }
}

/// The optional inputs, and the values that may be `null`, the request cannot do without (a path
/// parameter, a piece of a string; for a value that may be `null`, a required parameter too), in
/// order of first use: the request fails before it is sent when one is `None`.
fn required_values(step: &StepPlan) -> Vec<&ValueRef> {
    let mut used: Vec<&ValueRef> = Vec::new();
    for parameter in &step.parameters {
        used.extend(match parameter.location {
            ParameterLocation::Path => parameter.value.refs(),
            _ if parameter.required => {
                let whole = parameter.value.refs().into_iter().filter(|value| value.ty().is_nullable());
                whole.chain(parameter.value.template_refs()).collect()
            }
            _ => parameter.value.template_refs(),
        });
    }
    // So does a JSON query string; a form or text one embeds it in its text.
    if let Some(query_string) = step
        .query_string
        .as_ref()
        .filter(|query_string| !matches!(query_string.encoding, QueryStringEncoding::Json { .. }))
    {
        used.extend(query_string.value.template_refs());
    }
    // A payload written as JSON text writes an absent value as `null`; other bodies embed it in a string.
    if let Some(body) = step.body.as_ref().filter(|body| !matches!(body.encoding, BodyEncoding::JsonText { .. })) {
        used.extend(body.value.template_refs());
    }
    let mut required: Vec<&ValueRef> = Vec::new();
    for value in used {
        let needed = matches!(value, ValueRef::Input { optional: true, .. }) || value.ty().is_nullable();
        if needed && !required.contains(&value) {
            required.push(value);
        }
    }
    required
}

/// The expression that names `value` in a message: `$steps.<step>.outputs.<name>` for a step output
/// (`$workflows.<id>.outputs.<name>` for a `dependsOn` workflow's), `inputs.<field>` for an input.
fn expression(workflow: &WorkflowPlan, value: &ValueRef) -> String {
    match value {
        ValueRef::StepOutput { variable, .. } => {
            let step = |step: &StepPlan| {
                let output = step.outputs.iter().find(|output| &output.variable == variable)?;
                Some(match &step.call {
                    Some(call) if workflow.dependencies.iter().any(|dependency| std::ptr::eq(dependency, step)) => {
                        format!("$workflows.{}.outputs.{}", call.workflow_id, output.name)
                    }
                    _ => format!("$steps.{}.outputs.{}", step.step_id, output.name),
                })
            };
            let found = workflow.steps.iter().chain(&workflow.dependencies).find_map(step);
            found.unwrap_or_else(|| variable.clone())
        }
        ValueRef::Input { field, .. } => format!("inputs.{field}"),
        other => format!("{other:?}"),
    }
}

/// What [`request`] gives: `run.step(..);`, the request expression and the base URL.
pub(super) struct StepRequest {
    pub(super) enter: TokenStream,
    pub(super) request: TokenStream,
    pub(super) base_url: TokenStream,
}

/// The whole query string (Arazzo 1.1 `in: querystring`), written as its media type says:
/// `query_string` for a form query string (text as written, embedded values form-encoded, or an
/// object as form fields), `query_string_escaped` for any other (the text percent-encoded whole).
fn query_string(plan: &QueryStringPlan) -> TokenStream {
    let secret = plan.value.is_secret();
    let text = match (&plan.encoding, &plan.value) {
        (QueryStringEncoding::Form, ValuePlan::Template(pieces)) => value::format_pieces(pieces, |value, _| {
            let place = place(value);
            quote!(::arazzo_runtime::form_encoded(&#place))
        }),
        (QueryStringEncoding::Json { in_string }, ValuePlan::Template(pieces)) => json_text(pieces, in_string),
        (QueryStringEncoding::Text, ValuePlan::Template(pieces)) => value::template_text(pieces),
        // A JSON value written in the document: its JSON text.
        (QueryStringEncoding::Json { .. }, ValuePlan::Literal(literal)) if !literal.is_string() => {
            let text = literal.to_string();
            quote!(#text)
        }
        (_, value) => value::parameter(value),
    };
    // A text built here is a `String`, borrowed for the request; a secret one stays a secret.
    let text = match &plan.value {
        ValuePlan::Template(_) if secret => quote!(&::arazzo_runtime::SecretString::from(#text)),
        ValuePlan::Template(_) => quote!(&#text),
        _ => text,
    };
    match plan.encoding {
        QueryStringEncoding::Form => quote!(.query_string(#text)),
        _ => quote!(.query_string_escaped(#text)),
    }
}

/// The body of a request, encoded as its content type says.
fn body(body: &BodyPlan) -> TokenStream {
    let media = body.content_type.as_deref().unwrap_or_default();
    let content_type = body.content_type.as_ref().map(|media| quote!(.header("Content-Type", #media)));
    match &body.encoding {
        BodyEncoding::Json => {
            let value = json(&body.value);
            quote!(#content_type .json_body(&#value))
        }
        BodyEncoding::Form => {
            let value = json(&body.value);
            quote!(#content_type .form_body(&#value))
        }
        BodyEncoding::Multipart => {
            let value = json(&body.value);
            quote!(.multipart_body(&#value))
        }
        BodyEncoding::JsonText { in_string } => {
            let text = match &body.value {
                ValuePlan::Template(pieces) => json_text(pieces, in_string),
                // JSON text without expressions.
                ValuePlan::Literal(serde_json::Value::String(text)) => quote!(#text),
                other => return raw(media, other),
            };
            quote!(.json_text_body(#media, #text))
        }
        BodyEncoding::Raw => raw(media, &body.value),
        BodyEncoding::XmlText => {
            let ValuePlan::Template(pieces) = &body.value else { return raw(media, &body.value) };
            let text = value::format_pieces(pieces, |value, _| {
                let place = place(value);
                quote!(::arazzo_runtime::xml_escaped(&#place))
            });
            quote!(.raw_body(#media, #text))
        }
        BodyEncoding::Xml => {
            let value = json(&body.value);
            quote!(.xml_body(#media, &#value))
        }
    }
}

/// A body sent as written: a string, or a template filled with the values' text.
fn raw(media: &str, value: &ValuePlan) -> TokenStream {
    let text = match value {
        ValuePlan::Template(pieces) => value::template_text(pieces),
        ValuePlan::Ref(reference) if reference.ty() == &RustType::Secret => {
            let place = place(reference);
            quote!(#place.expose_secret().to_owned())
        }
        ValuePlan::Ref(reference) if matches!(reference.ty(), RustType::Enum(_)) => {
            let place = place(reference);
            quote!(::std::string::ToString::to_string(&#place))
        }
        ValuePlan::Ref(reference) => {
            let place = place(reference);
            quote!(#place.clone())
        }
        ValuePlan::Literal(serde_json::Value::String(text)) => quote!(#text),
        other => {
            let json = json(other);
            quote!(::arazzo_runtime::json::text(&#json))
        }
    };
    quote!(.raw_body(#media, #text))
}

/// JSON text with each value JSON-encoded, or escaped as string content where it stands inside a
/// JSON string, so a value can never break the document's structure.
fn json_text(pieces: &[crate::plan::TemplatePiece], in_string: &[bool]) -> TokenStream {
    value::format_pieces(pieces, |value, position| {
        let place = place(value);
        if in_string.get(position).copied().unwrap_or(false) {
            quote!(::arazzo_runtime::json::string_content(&#place))
        } else {
            quote!(::arazzo_runtime::json::text(&#place))
        }
    })
}

/// Without successCriteria the specification leaves success open; a 5xx must not count as success,
/// so a step without criteria expects a 2xx status.
pub(super) const DEFAULT_CRITERION: &str = "a 2xx status (the step has no successCriteria)";

/// The value of a step output, read from `response`.
pub(super) fn output_value(output: &StepOutputPlan) -> TokenStream {
    match &output.source {
        OutputSource::BodyPointer(pointer) => quote!(run.output(&response, #pointer)?),
        OutputSource::BodySelector { context, selector: SelectorKind::JsonPath { query, pieces, .. }, .. }
            if !pieces.is_empty() =>
        {
            let pieces = super::value::jsonpath_pieces(pieces);
            quote!(run.select_all_with(&response, #context, #query, #pieces)?)
        }
        OutputSource::BodySelector {
            context, selector: SelectorKind::JsonPath { query, singular: true, .. }, ..
        } => {
            quote!(run.select(&response, #context, #query)?)
        }
        OutputSource::BodySelector {
            context, selector: SelectorKind::JsonPath { query, singular: false, .. }, ..
        } => {
            quote!(run.select_all(&response, #context, #query)?)
        }
        OutputSource::BodySelector {
            selector: SelectorKind::XPath { expression, translated, version, variables },
            ..
        } if !variables.is_empty() => {
            let xpath = super::criteria::xpath(expression, translated.as_deref(), *version);
            let variables = super::criteria::selector_variables(variables);
            quote!(run.xpath_output_with(&response, #xpath, #variables)?)
        }
        OutputSource::BodySelector {
            selector: SelectorKind::XPath { expression, translated, version, .. }, ..
        } => {
            let xpath = super::criteria::xpath(expression, translated.as_deref(), *version);
            quote!(run.xpath_output(&response, #xpath)?)
        }
        OutputSource::ResponseHeader(name) if output.ty == RustType::Secret => {
            quote!(::arazzo_runtime::SecretString::from(run.header_output(&response, #name)?))
        }
        OutputSource::ResponseHeader(name) => quote!(run.header_output(&response, #name)?),
        OutputSource::StatusCode => quote!(i64::from(response.status())),
        OutputSource::Copy(value) => copied(value),
        // Read from the called workflow's output, bound by reference for the read.
        OutputSource::CalleePart(value) => copied(value),
        OutputSource::Callee(field) => {
            let field = ident(field);
            if output.ty.is_copy() { quote!(called.#field) } else { quote!(called.#field.clone()) }
        }
        OutputSource::Sent(part) => sent_value(part, &output.ty),
        OutputSource::Constant(text) => quote!(::std::string::String::from(#text)),
    }
}

/// A step output that copies a value: a part of a value that may be absent (at a pointer, picked by
/// a selector) is an `Option`, kept as JSON: `null` when nothing is there.
fn copied(value: &ValueRef) -> TokenStream {
    if !(value.is_part() && value.is_optional()) {
        return owned(value);
    }
    let place = place(value);
    if value.ty() == &RustType::Json {
        quote!(#place.unwrap_or_default())
    } else {
        quote!(::arazzo_runtime::json::value(&#place).unwrap_or_default())
    }
}

/// A step output read from what the request sent, kept with the response (`Request::keep_sent`).
fn sent_value(part: &SentPart, ty: &RustType) -> TokenStream {
    let text = |read: TokenStream| match ty {
        RustType::Secret => quote!(::arazzo_runtime::SecretString::from(#read)),
        _ => quote!(#read.to_owned()),
    };
    let (expression, read) = match part {
        SentPart::Url => return text(quote!(response.request_url())),
        SentPart::Method => return text(quote!(response.request_method())),
        SentPart::Header(name) => (format!("$request.header.{name}"), quote!(response.request_header(#name))),
        SentPart::Query(name) => (format!("$request.query.{name}"), quote!(response.request_query(#name))),
        SentPart::Path(name) => (format!("$request.path.{name}"), quote!(response.request_path(#name))),
        SentPart::Body(pointer) => {
            let expression =
                if pointer.is_empty() { "$request.body".to_string() } else { format!("$request.body#{pointer}") };
            (expression, quote!(response.request_body_at(#pointer).cloned()))
        }
    };
    let ty = super::rust_type(ty);
    quote!(run.sent_output::<#ty>(&response, #expression, #read)?)
}

/// The JSON pointer of a body output nothing reads whose value would be built as JSON (`Value`, or
/// a list of them): it is checked to be there (and to be an array, for a list) without being
/// built, so that a large list nobody reads costs no memory. Typed outputs are read as usual: their
/// type is the check, and they cost no more than the body.
fn unread_pointer(output: &StepOutputPlan) -> Option<&str> {
    match (&output.source, &output.ty) {
        (OutputSource::BodyPointer(pointer), RustType::Json) if !output.used => Some(pointer),
        (OutputSource::BodyPointer(pointer), RustType::Vec(item)) if !output.used && **item == RustType::Json => {
            Some(pointer)
        }
        _ => None,
    }
}

/// `run.unread(..)?;` or `run.unread_array(..)?;` for an output [`unread_pointer`] names.
pub(super) fn unread_check(output: &StepOutputPlan, pointer: &str) -> TokenStream {
    if matches!(output.ty, RustType::Vec(_)) {
        quote!(run.unread_array(&response, #pointer)?;)
    } else {
        quote!(run.unread(&response, #pointer)?;)
    }
}

/// How many body outputs one `run.outputs` call reads at most (the runtime's largest tuple).
const MAX_OUTPUTS_READ_AT_ONCE: usize = 12;

/// How a step reads one output, or several of its body at once.
pub(super) enum OutputRead<'a> {
    /// One output, on its own ([`output_value`]).
    One(&'a StepOutputPlan),
    /// Two to [`MAX_OUTPUTS_READ_AT_ONCE`] outputs of the response body and their JSON pointers, read
    /// in one walk of it ([`outputs_value`]).
    Body(Vec<(&'a StepOutputPlan, &'a str)>),
    /// A body output nothing reads, checked without being built ([`unread_check`]).
    Unread(&'a StepOutputPlan, &'a str),
}

/// The outputs of `step` in the order they are read: its body outputs together (in tuples of at
/// most [`MAX_OUTPUTS_READ_AT_ONCE`], where the first of each stands) when there are two or more,
/// the others one by one.
pub(super) fn output_reads(step: &StepPlan) -> Vec<OutputRead<'_>> {
    let read_in_walk = |output: &StepOutputPlan| {
        matches!(output.source, OutputSource::BodyPointer(_)) && unread_pointer(output).is_none()
    };
    let body: Vec<(&StepOutputPlan, &str)> = step
        .outputs
        .iter()
        .filter(|output| read_in_walk(output))
        .filter_map(|output| match &output.source {
            OutputSource::BodyPointer(pointer) => Some((output, pointer.as_str())),
            _ => None,
        })
        .collect();
    let mut chunks = body.chunks(MAX_OUTPUTS_READ_AT_ONCE).map(<[_]>::to_vec).peekable();
    let mut reads = Vec::new();
    for output in &step.outputs {
        if let Some(pointer) = unread_pointer(output) {
            reads.push(OutputRead::Unread(output, pointer));
        } else if !read_in_walk(output) || body.len() < 2 {
            reads.push(OutputRead::One(output));
        } else if let Some(chunk) = chunks.next_if(|chunk| std::ptr::eq(chunk[0].0, output)) {
            reads.push(OutputRead::Body(chunk));
        }
    }
    reads
}

/// `let <pattern>: (<types>) = run.outputs(..)?;`: several body outputs read from `response` in one
/// walk, as a tuple. With outputs that may be `null` the types go in the call's turbofish instead:
/// nested `Option`s would make the binding's type one that clippy's `type_complexity` flags in the
/// user's crate (it does not look at expressions).
pub(super) fn outputs_binding(pattern: TokenStream, outputs: &[(&StepOutputPlan, &str)]) -> TokenStream {
    let pointers = outputs.iter().map(|(_, pointer)| pointer);
    let types = outputs.iter().map(|(output, _)| super::rust_type(&output.ty));
    if outputs.iter().any(|(output, _)| holds_nullable(&output.ty)) {
        quote!(let #pattern = run.outputs::<(#(#types),*)>(&response, [#(#pointers),*])?;)
    } else {
        quote!(let #pattern: (#(#types),*) = run.outputs(&response, [#(#pointers),*])?;)
    }
}

fn holds_nullable(ty: &RustType) -> bool {
    match ty {
        RustType::Nullable(_) => true,
        RustType::Vec(item) => holds_nullable(item),
        _ => false,
    }
}

fn authenticate(kind: &CredentialKind, value: TokenStream) -> TokenStream {
    match kind {
        CredentialKind::Bearer => quote!(.bearer_auth(#value)),
        CredentialKind::Basic => quote!(.basic_auth(#value)),
        CredentialKind::ApiKeyHeader(name) => quote!(.api_key_header(#name, #value)),
        CredentialKind::ApiKeyQuery(name) => quote!(.api_key_query(#name, #value)),
        CredentialKind::ApiKeyCookie(name) => quote!(.api_key_cookie(#name, #value)),
    }
}
