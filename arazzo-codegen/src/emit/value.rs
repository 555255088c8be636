//! Values in requests: references, literals, templates and JSON payloads.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::ident;
use crate::plan::{
    Embedded, Piece, PointerStep, QueryPiece, RustType, SelectorKind, TemplatePiece, ValuePlan, ValueRef,
};

/// An expression of the value's own type (`inputs.app_id`, `get_integration_integration_id`).
pub(super) fn place(value: &ValueRef) -> TokenStream {
    match value {
        ValueRef::Input { field, .. } => {
            let field = ident(field);
            quote!(inputs.#field)
        }
        ValueRef::StepOutput { variable, .. } => {
            let variable = ident(variable);
            quote!(#variable)
        }
        ValueRef::Called { field, .. } => {
            let field = ident(field);
            quote!(called.#field)
        }
        ValueRef::Pointer { base, path, ty, .. } => pointer_read(base, path, ty),
        ValueRef::Constant(text) => quote!(::std::string::String::from(#text)),
        // `run` turns a query that does not compile (the generator parsed it) into a step error.
        ValueRef::Selected { base, selector: SelectorKind::JsonPath { query, pieces, .. } } if !pieces.is_empty() => {
            let (context, pieces) = (json_context(base), jsonpath_pieces(pieces));
            quote!(run.jsonpath_nodes_with(#query, #pieces, #context)?)
        }
        ValueRef::Selected { base, selector: SelectorKind::JsonPath { query, singular, .. } } => {
            let context = json_context(base);
            let method = if *singular { quote!(jsonpath_node) } else { quote!(jsonpath_nodes) };
            quote!(run.#method(#query, #context)?)
        }
        // XML text in a string value; anything else fails the step as an `xpath` criterion would.
        ValueRef::Selected { base, selector: SelectorKind::XPath { expression, translated, version, variables } } => {
            let base = place(base);
            let xpath = super::criteria::xpath(expression, translated.as_deref(), *version);
            if variables.is_empty() {
                quote!(
                    ::arazzo_runtime::xpath::select_value(#xpath, ::arazzo_runtime::json::value(&#base).as_ref())
                        .map_err(|error| run.fail(error))?
                )
            } else {
                let variables = super::criteria::selector_variables(variables);
                quote!(
                    ::arazzo_runtime::xpath::select_value_with(
                        #xpath,
                        #variables,
                        ::arazzo_runtime::json::value(&#base).as_ref(),
                    )
                    .map_err(|error| run.fail(error))?
                )
            }
        }
    }
}

/// The `arazzo_runtime::condition::embedded::Piece`s of a JSONPath selector that embeds values: its
/// text, and each value as JSON (`None` when absent), standing alone or in the string literal
/// written around it.
pub(super) fn jsonpath_pieces(pieces: &[QueryPiece]) -> TokenStream {
    let pieces = runtime_pieces(pieces, |value| {
        let place = place(value);
        quote!(::arazzo_runtime::json::value(&#place).as_ref())
    });
    quote!(&[#(#pieces),*])
}

/// Each piece as an `arazzo_runtime::condition::embedded::Piece`: text as written, a value (its
/// `Option<&serde_json::Value>` expression from `value`) standing alone or in the string literal
/// written around it.
pub(super) fn runtime_pieces<V>(pieces: &[Piece<V>], value: impl Fn(&V) -> TokenStream) -> Vec<TokenStream> {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => quote!(::arazzo_runtime::condition::embedded::Piece::Text(#text)),
            Piece::Value(Embedded { value: embedded, quote }) => {
                let embedded = value(embedded);
                match quote {
                    Some(quote) => quote!(::arazzo_runtime::condition::embedded::Piece::Quoted(#quote, #embedded)),
                    None => quote!(::arazzo_runtime::condition::embedded::Piece::Value(#embedded)),
                }
            }
        })
        .collect()
}

/// An `Option<&serde_json::Value>` of a value a selector reads: the value itself when it is JSON,
/// its JSON form otherwise.
fn json_context(base: &ValueRef) -> TokenStream {
    if let Some(read) = borrowed_json(base) {
        return read;
    }
    let place = place(base);
    match (base.ty(), base.is_optional()) {
        (RustType::Json, false) => quote!(::core::option::Option::Some(&#place)),
        (RustType::Json, true) => quote!(#place.as_ref()),
        _ => quote!(::arazzo_runtime::json::value(&#place).as_ref()),
    }
}

/// What the expression reading a pointer built so far is.
#[derive(PartialEq)]
enum Held {
    /// A place of the type reached.
    Place,
    /// A place of an `Option` of it (an optional field or input).
    OptionPlace,
    /// An `Option<&T>`.
    Borrowed,
    /// An `Option<T>`, new.
    Owned,
}

/// The value at a pointer (see `check::pointer`): a place of its type when it is always there (the
/// required fields of input structs: `inputs.customer.address.city`), else a new `Option` of it.
fn pointer_read(base: &ValueRef, path: &[PointerStep], ty: &RustType) -> TokenStream {
    let (read, held, decode) = pointer_steps(base, path);
    match held {
        Held::Place | Held::Owned => read,
        Held::OptionPlace if matches!(ty, RustType::I64 | RustType::F64 | RustType::Bool) => read,
        Held::OptionPlace => quote!(#read.clone()),
        // The inputs schema types what the input holds as JSON: decoded, or the step fails.
        Held::Borrowed if decode.is_some() && ty != &RustType::Json => {
            let ty = super::rust_type(ty);
            quote!(::arazzo_runtime::json::part::<#ty>(#decode, #read).map_err(|error| run.fail(error))?)
        }
        Held::Borrowed if matches!(ty, RustType::I64 | RustType::F64 | RustType::Bool) => quote!(#read.copied()),
        Held::Borrowed => quote!(#read.cloned()),
    }
}

/// The call reading an item of a list: `first()` (as clippy prefers) or `get(n)`.
fn item(index: usize) -> TokenStream {
    if index == 0 {
        quote!(first())
    } else {
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote!(get(#index))
    }
}

/// An `Option<&serde_json::Value>` of a JSON value at a pointer, when it can be read without a copy
/// (for criteria, which compare JSON).
pub(super) fn borrowed_json(value: &ValueRef) -> Option<TokenStream> {
    let ValueRef::Pointer { base, path, ty: RustType::Json, .. } = value else { return None };
    match pointer_steps(base, path) {
        (read, Held::Borrowed, _) => Some(read),
        (read, Held::OptionPlace, _) => Some(quote!(#read.as_ref())),
        _ => None,
    }
}

/// The expression reaching a pointer's value from its base: field by field and item by item, and
/// inside JSON by `Value::pointer`, without building the JSON of what holds it (except for a struct
/// the generator cannot see into); with what it is, and the expression to name when it is decoded.
fn pointer_steps<'p>(base: &ValueRef, path: &'p [PointerStep]) -> (TokenStream, Held, Option<&'p String>) {
    let mut read = place(base);
    let mut held = if base.is_optional() { Held::OptionPlace } else { Held::Place };
    let mut decode = None;
    for step in path {
        // An `Option` in place is read through a reference to what it holds.
        if held == Held::OptionPlace {
            read = quote!(#read.as_ref());
            held = Held::Borrowed;
        }
        (read, held) = match (step, held) {
            (PointerStep::Field { field, optional }, Held::Place) => {
                let field = ident(field);
                if *optional { (quote!(#read.#field), Held::OptionPlace) } else { (quote!(#read.#field), Held::Place) }
            }
            (PointerStep::Field { field, optional }, _) => {
                let field = ident(field);
                if *optional {
                    (quote!(#read.and_then(|value| value.#field.as_ref())), Held::Borrowed)
                } else {
                    (quote!(#read.map(|value| &value.#field)), Held::Borrowed)
                }
            }
            (PointerStep::Index(index), Held::Place) => {
                let item = item(*index);
                (quote!(#read.#item), Held::Borrowed)
            }
            (PointerStep::Index(index), _) => {
                let item = item(*index);
                (quote!(#read.and_then(|value| value.#item)), Held::Borrowed)
            }
            (PointerStep::Json { pointer, expression }, Held::Place) => {
                decode = Some(expression);
                (quote!(#read.pointer(#pointer)), Held::Borrowed)
            }
            (PointerStep::Json { pointer, expression }, _) => {
                decode = Some(expression);
                (quote!(#read.and_then(|value| value.pointer(#pointer))), Held::Borrowed)
            }
            (PointerStep::Serialized(pointer), held) => {
                let json = match held {
                    Held::Place => quote!(::arazzo_runtime::json::value(&#read)),
                    _ => quote!(#read.and_then(::arazzo_runtime::json::value)),
                };
                if pointer.is_empty() {
                    (json, Held::Owned)
                } else {
                    (quote!(#json.and_then(|value| value.pointer(#pointer).cloned())), Held::Owned)
                }
            }
        };
    }
    (read, held, decode)
}

/// An owned copy of the value: `.clone()`, except for `Copy` types where clippy would object.
pub(super) fn owned(value: &ValueRef) -> TokenStream {
    let place = place(value);
    match value.ty() {
        // `Option` of a `Copy` type is `Copy` too.
        ty if ty.is_copy() => place,
        _ if matches!(value, ValueRef::Constant(_)) => place,
        // A selector's value is built where it is read, and so is a part that may be absent: a new
        // value already.
        _ if matches!(value, ValueRef::Selected { .. } | ValueRef::Pointer { optional: true, .. }) => place,
        _ => quote!(#place.clone()),
    }
}

/// A borrowed value implementing `ParamValue`, for path, query, header and cookie parameters.
pub(super) fn parameter(value: &ValuePlan) -> TokenStream {
    match value {
        ValuePlan::Ref(value) => {
            let place = place(value);
            quote!(&#place)
        }
        ValuePlan::Literal(Value::String(text)) => quote!(#text),
        ValuePlan::Literal(Value::Bool(flag)) => quote!(&#flag),
        ValuePlan::Literal(Value::Number(number)) => {
            let number = number_tokens(number);
            quote!(&#number)
        }
        ValuePlan::Template(pieces) => match concat(pieces) {
            Some(concat) => quote!(&#concat),
            None => {
                let text = template(pieces);
                quote!(&#text)
            }
        },
        other => {
            let json = json(other);
            quote!(&#json)
        }
    }
}

/// `::arazzo_runtime::concat([..])` of a template's pieces, written when the request is sent
/// without a `format!` first; `None` when a piece is a number that `format!` writes in its own way
/// (a float).
fn concat(pieces: &[TemplatePiece]) -> Option<TokenStream> {
    let mut parts = Vec::new();
    for piece in pieces {
        match piece {
            TemplatePiece::Text(text) => parts.push(quote!(&#text)),
            TemplatePiece::Value(value)
                if matches!(
                    value.ty().non_null(),
                    RustType::String | RustType::Secret | RustType::I64 | RustType::Bool | RustType::Enum(_)
                ) =>
            {
                let place = place(value);
                parts.push(quote!(&#place));
            }
            TemplatePiece::Value(_) => return None,
        }
    }
    Some(quote!(::arazzo_runtime::concat([#(#parts),*])))
}

/// `format!(..)` of a template's text, each embedded value written by `argument` (given its place and
/// its position among the values); literal braces are escaped.
pub(super) fn format_pieces(
    pieces: &[TemplatePiece],
    mut argument: impl FnMut(&ValueRef, usize) -> TokenStream,
) -> TokenStream {
    let mut format = String::new();
    let mut arguments = Vec::new();
    for piece in pieces {
        match piece {
            TemplatePiece::Text(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            TemplatePiece::Value(value) => {
                format.push_str("{}");
                arguments.push(argument(value, arguments.len()));
            }
        }
    }
    quote!(::std::format!(#format, #(#arguments),*))
}

/// A `String` built from a template, secrets exposed: for a body, which is meant to carry them.
pub(super) fn template_text(pieces: &[TemplatePiece]) -> TokenStream {
    format_pieces(pieces, |value, _| {
        let place = place(value);
        // An optional input or a value that may be `null` is required by the request
        // (`Request::require`, `Request::require_not_null`), which fails before sending when it is
        // `None`: the default never reaches the wire.
        let option = matches!(value, ValueRef::Input { optional: true, .. }) || value.ty().is_nullable();
        match (option, value.ty().non_null()) {
            (true, RustType::Secret) => {
                quote!(#place.as_ref().map(::arazzo_runtime::SecretString::expose_secret).unwrap_or_default())
            }
            (true, RustType::String) => quote!(#place.as_deref().unwrap_or_default()),
            (true, RustType::I64 | RustType::F64 | RustType::Bool) => quote!(#place.unwrap_or_default()),
            (true, RustType::Enum(name)) => {
                let name = super::ident(name);
                quote!(#place.as_ref().map(#name::as_str).unwrap_or_default())
            }
            (true, _) => quote!(#place.clone().unwrap_or_default()),
            (false, RustType::Secret) => quote!(#place.expose_secret()),
            _ => place,
        }
    })
}

/// A `String` (or `SecretString` when a secret is embedded) built from a template.
pub(super) fn template(pieces: &[TemplatePiece]) -> TokenStream {
    let text = template_text(pieces);
    let secret = pieces.iter().any(|piece| matches!(piece, TemplatePiece::Value(value) if value.ty().is_secret()));
    if secret { quote!(::arazzo_runtime::SecretString::from(#text)) } else { text }
}

/// A value for a JSON body or a JSON-typed argument, borrowed with `&`: any `ParamValue`, with
/// objects and arrays as `json::object`/`json::array` of their members, written straight to JSON
/// text. An absent optional input is absent: left out of an object, `null` in an array.
pub(super) fn json(value: &ValuePlan) -> TokenStream {
    match value {
        ValuePlan::Literal(literal) => json_literal(literal),
        // `None` is `null` here, not absent: the schema allows `null`, and the document writes the value.
        ValuePlan::Ref(value) if value.ty().is_nullable() => {
            let place = place(value);
            quote!(::arazzo_runtime::json::or_null(&#place))
        }
        ValuePlan::Ref(value) => place(value),
        ValuePlan::Template(pieces) => template(pieces),
        ValuePlan::Object(fields) => {
            let fields = fields.iter().map(|(key, value)| {
                let value = json(value);
                quote!((#key, &#value))
            });
            quote!(::arazzo_runtime::json::object([#(#fields),*]))
        }
        ValuePlan::Array(items) => {
            let items = items.iter().map(json);
            quote!(::arazzo_runtime::json::array([#(&#items),*]))
        }
    }
}

/// A literal of the document as a `ParamValue`, objects and arrays member by member.
fn json_literal(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(::arazzo_runtime::json::Null),
        Value::Bool(flag) => quote!(#flag),
        Value::Number(number) => number_tokens(number),
        Value::String(text) => quote!(#text),
        Value::Array(items) => {
            let items = items.iter().map(json_literal);
            quote!(::arazzo_runtime::json::array([#(&#items),*]))
        }
        Value::Object(fields) => {
            let fields = fields.iter().map(|(key, value)| {
                let value = json_literal(value);
                quote!((#key, &#value))
            });
            quote!(::arazzo_runtime::json::object([#(#fields),*]))
        }
    }
}

/// A `serde_json::Value` literal.
pub(super) fn literal_tokens(value: &Value) -> TokenStream {
    match value {
        Value::Null => quote!(::arazzo_runtime::serde_json::Value::Null),
        Value::Bool(flag) => quote!(::arazzo_runtime::serde_json::Value::Bool(#flag)),
        Value::Number(number) => {
            let number = number_tokens(number);
            quote!(::arazzo_runtime::serde_json::Value::from(#number))
        }
        Value::String(text) => quote!(::arazzo_runtime::serde_json::Value::from(#text)),
        Value::Array(items) => {
            let items = items.iter().map(literal_tokens);
            quote!(::arazzo_runtime::serde_json::Value::Array(::std::vec![#(#items),*]))
        }
        Value::Object(fields) => {
            let fields = fields.iter().map(|(key, value)| {
                let value = literal_tokens(value);
                quote!((::std::string::String::from(#key), #value))
            });
            quote!(::arazzo_runtime::serde_json::Value::Object(
                [#(#fields),*].into_iter().collect::<::arazzo_runtime::serde_json::Map<_, _>>()
            ))
        }
    }
}

/// A typed numeric literal: `1i64`, `18446744073709551615u64` or `1.5f64`.
fn number_tokens(number: &serde_json::Number) -> TokenStream {
    if let Some(int) = number.as_i64() {
        let literal = proc_macro2::Literal::i64_suffixed(int);
        quote!(#literal)
    } else if let Some(unsigned) = number.as_u64() {
        let literal = proc_macro2::Literal::u64_suffixed(unsigned);
        quote!(#literal)
    } else {
        let float = number.as_f64().filter(|float| float.is_finite()).unwrap_or_default();
        let literal = proc_macro2::Literal::f64_suffixed(float);
        quote!(#literal)
    }
}
