//! XPath over XML text: `type: xpath` criteria, and the selection that XPath Selector Objects use
//! (feature `xpath`, off by default: it brings in XPath 3.1, xee-xpath).
//!
//! An expression is written in the document and checked by `arazzo-codegen` at build time; generated
//! code names it with [`XPath::new`] (a `const` value: the text and its [`Version`]) and evaluates it
//! here. Each thread compiles an expression the first time it evaluates it and keeps the compiled
//! form (xee's compiled programs cannot be shared between threads), so a run compiles each expression
//! at most once per thread of the runtime.
//!
//! # The context
//!
//! The XML is read from the context's bytes: the whole response body for `$response.body`, or a
//! string value (an output or input holding XML text). It must be UTF-8 (a byte-order mark is
//! skipped) and well-formed, with one root element; DTDs are refused (so no entity can expand). A
//! context that is not XML is an error, never a criterion that passes or fails quietly.
//!
//! The document is held in memory while the expression runs and dropped after. Its tree costs 30
//! (an ordinary document) to 95 (a hostile one of empty elements) times the text, and parsing a
//! large one takes seconds, so a context longer than [`max_document_bytes`] (1 MiB unless
//! [`set_max_document_bytes`] says otherwise) is not parsed: the criterion fails with an error
//! saying so. Figures in docs/BENCHMARKS.md ("XPath").
//!
//! # Versions
//!
//! Every version is evaluated by the XPath 3.1 engine, and a criterion passes by the **effective
//! boolean value** of the result ([XPath 3.1 §2.4.3](https://www.w3.org/TR/xpath-31/#id-ebv),
//! the same rules as 2.0's and 3.0's): an empty sequence is false; a sequence whose first item is a
//! node is true; a single boolean is itself; a single string (or untyped value) is true when not
//! empty; a single number is true unless zero or NaN; anything else (several atomic values, a map,
//! an array, a function) is an evaluation error. `arazzo-codegen` makes each version mean what its
//! specification says before generated code names it: an `xpath-20` or `xpath-30` expression is
//! refused when it uses what its version does not have, and an `xpath-10` expression is translated
//! into the 3.1 expression that means what it means in XPath 1.0 (1.0's comparisons, double
//! arithmetic and conversions written out), so the text an [`XPath`] of [`Version::XPath10`] holds is
//! that translation. For the values a 1.0 expression has (a boolean, a number, a string, a
//! node-set), the effective boolean value is exactly 1.0's `boolean()`.
//!
//! No namespace prefix is declared (Arazzo has no place to declare one): match namespaced
//! elements with `*:name` or `local-name()`. `fn:doc` and the collection functions find nothing,
//! and `fn:environment-variable` sees no variable: an expression reads only its context.
//!
//! # Embedded values
//!
//! Arazzo 1.1 lets a condition or selector embed runtime expressions (`/items[price > {$inputs.max}]`).
//! They are never put into the expression's text: the generator writes a variable in their place
//! (`$arazzo_v1`, `$arazzo_v2`, ... in order), and the values are bound to them when the expression
//! is evaluated ([`XPath::test_with`], [`body_holds_with`], ...), so no value can change what the
//! expression says. A [`Variable::Value`] is bound by its JSON type: a string is an `xs:string`, an
//! integer an `xs:integer`, any other number an `xs:double`, a boolean an `xs:boolean`, `null` the
//! empty sequence, an array or an object its JSON text as an `xs:string`. For [`Version::XPath10`],
//! whose numbers are all doubles and which has no `null`, every number is an `xs:double` and `null`
//! is an absent value. A [`Variable::Text`] (an
//! expression that was written inside a string literal) is always an `xs:string`: a string as it is,
//! anything else its JSON text. An absent value (an optional input left out) binds nothing: the
//! criterion does not hold, and a selection selects nothing.
//!
//! # Selection
//!
//! [`XPath::select`] returns what an expression selects as JSON, for XPath Selector Objects:
//!
//! | item of the result | JSON |
//! |---|---|
//! | an element, the document, a text, comment or processing-instruction node | its string value (the concatenated text of its descendants), a string |
//! | an attribute | its value, a string |
//! | `xs:boolean` | a boolean |
//! | an integer that fits `i64`/`u64`, `xs:decimal`, `xs:double`, `xs:float` | a number (a NaN or an infinity, which JSON has no number for, is its XPath string: `NaN`, `INF`, `-INF`) |
//! | any other atomic value (`xs:string`, `xs:untypedAtomic`, `xs:anyURI`, dates, larger integers, ...) | its canonical string form |
//! | a map, an array or a function | an evaluation error: select their members instead (`?*`) |
//!
//! The result as a whole: the empty sequence is `null`, one item is that item, several items are
//! an array of them. [`XPath::select_items`] gives the items as a list instead.
//!
//! ```
//! use arazzo_runtime::xpath::{Version, XPath};
//! use serde_json::json;
//!
//! let xml = b"<order id='7'><item>tea</item><item>milk</item></order>";
//! assert!(XPath::new("count(/order/item) = 2", Version::XPath31).test(xml)?);
//! assert_eq!(XPath::new("/order/@id", Version::XPath31).select(xml)?, json!("7"));
//! assert_eq!(XPath::new("/order/item", Version::XPath31).select(xml)?, json!(["tea", "milk"]));
//! assert_eq!(XPath::new("/order/none", Version::XPath31).select(xml)?, json!(null));
//! # Ok::<(), arazzo_runtime::xpath::XPathError>(())
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use xee_xpath::context::{StaticContextBuilder, Variables};
use xee_xpath::query::SequenceQuery;
use xee_xpath::{Atomic, Documents, Item, Itemable, Queries, Query, Sequence};
use xot::xmlname::OwnedName;

use crate::StepError;

/// The XPath version an expression is written in: the `version` of Arazzo's Expression Type
/// Object (`xpath-31`, the default, `xpath-30`, `xpath-20`, `xpath-10`). All are evaluated by the
/// XPath 3.1 engine, an `xpath-10` one as the generator translated it (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// `xpath-31`, XPath 3.1 (the default).
    XPath31,
    /// `xpath-30`, XPath 3.0.
    XPath30,
    /// `xpath-20`, XPath 2.0.
    XPath20,
    /// `xpath-10`, XPath 1.0.
    XPath10,
}

/// An XPath expression as written in a workflow document, with its version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct XPath {
    /// What is compiled and evaluated: the expression, or for `xpath-10` its translation.
    compiled: &'static str,
    expression: &'static str,
    version: Version,
}

/// A value bound to the variable that stands for an embedded runtime expression (`$arazzo_v1` for
/// the first, and so on; see the [module docs](self#embedded-values)). `None` is an absent value.
/// No `Debug`: a value may be a secret.
#[derive(Clone, Copy)]
pub enum Variable<'a> {
    /// A value bound by its JSON type: a string as `xs:string`, an integer as `xs:integer`, another
    /// number as `xs:double`, a boolean as `xs:boolean`, `null` as the empty sequence, an array or
    /// an object as its JSON text.
    Value(Option<&'a Value>),
    /// A value that was written inside a string literal: its text as an `xs:string` (a string as
    /// it is, anything else as JSON text).
    Text(Option<&'a Value>),
}

/// Why an XPath expression could not be evaluated. Messages never quote the XML they were
/// evaluated on, which may hold secrets.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum XPathError {
    /// The expression does not compile. The generator checks expressions at build time, so this
    /// means generated code was edited or built by a different generator.
    #[error("`{expression}` is not a valid XPath expression: {message}")]
    Invalid {
        /// The expression as written.
        expression: &'static str,
        /// The XPath error code and its meaning, with the byte range it is about (of the translation,
        /// for an `xpath-10` expression).
        message: String,
    },
    /// The context is longer than [`max_document_bytes`]: it is not parsed.
    #[error(
        "the context is {bytes} bytes of XML, more than the {limit} an XPath expression is evaluated on \
         (arazzo_runtime::xpath::set_max_document_bytes)"
    )]
    TooLarge {
        /// The context's length.
        bytes: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The context is not XML: not UTF-8, not well-formed, or not text at all.
    #[error("the context is not well-formed XML: {message}")]
    NotXml {
        /// What is wrong, and where (a byte offset or a line and column).
        message: String,
    },
    /// Evaluating the expression raised an XPath error (a division by zero, a type error, ...), or
    /// its result has no effective boolean value (several atomic values, a map, a function).
    #[error("evaluating it raised the XPath error {code}: {message}")]
    Evaluation {
        /// The XPath error code, e.g. `FOAR0001`.
        code: String,
        /// What the code means.
        message: String,
    },
}

/// The longest XML document an expression is evaluated on unless [`set_max_document_bytes`] says
/// otherwise: 1 MiB (a tree of about 30 MiB for an ordinary document, 95 MiB at worst).
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

static MAX_DOCUMENT_BYTES: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_DOCUMENT_BYTES);

/// The longest XML document an expression is evaluated on, for the whole process.
pub fn max_document_bytes() -> usize {
    MAX_DOCUMENT_BYTES.load(Ordering::Relaxed)
}

/// Sets the longest XML document an expression is evaluated on, for the whole process (a longer
/// context fails the criterion with [`XPathError::TooLarge`]). Set it before running workflows
/// whose XML responses are larger than [`DEFAULT_MAX_DOCUMENT_BYTES`]; the response itself is still
/// bounded by the client's body limit.
pub fn set_max_document_bytes(bytes: usize) {
    MAX_DOCUMENT_BYTES.store(bytes, Ordering::Relaxed);
}

impl XPath {
    /// The expression `expression` written in `version`. Compiled when first evaluated.
    pub const fn new(expression: &'static str, version: Version) -> Self {
        Self { compiled: expression, expression, version }
    }

    /// The `xpath-10` expression `expression`, evaluated as `translated`: the XPath 3.1 expression
    /// with its XPath 1.0 meaning that `arazzo-codegen` translated it into. Messages name
    /// `expression`.
    pub const fn xpath_10(expression: &'static str, translated: &'static str) -> Self {
        Self { compiled: translated, expression, version: Version::XPath10 }
    }

    /// The expression as written.
    pub fn expression(&self) -> &'static str {
        self.expression
    }

    /// The version it is written in.
    pub fn version(&self) -> Version {
        self.version
    }

    /// Whether the expression holds on the XML document `xml`: the effective boolean value of its
    /// result (see the [module docs](self)).
    pub fn test(&self, xml: &[u8]) -> Result<bool, XPathError> {
        self.test_with(xml, &[]).map(|holds| holds.unwrap_or(false))
    }

    /// [`test`](Self::test) with `variables` bound to `$arazzo_v1`, `$arazzo_v2`, ...; `None` when
    /// one of them is absent (nothing is evaluated).
    pub fn test_with(&self, xml: &[u8], variables: &[Variable<'_>]) -> Result<Option<bool>, XPathError> {
        let Some(variables) = bind(variables, self.version) else { return Ok(None) };
        self.evaluate(xml, variables, |sequence, _| sequence.effective_boolean_value().map_err(evaluation_error))
            .map(Some)
    }

    /// What the expression selects in `xml`, as JSON: `null` for nothing, the item for one, an array
    /// for several (the mapping is in the [module docs](self)).
    pub fn select(&self, xml: &[u8]) -> Result<Value, XPathError> {
        self.select_with(xml, &[])
    }

    /// [`select`](Self::select) with `variables` bound to `$arazzo_v1`, `$arazzo_v2`, ...; `null`
    /// when one of them is absent (nothing is evaluated).
    pub fn select_with(&self, xml: &[u8], variables: &[Variable<'_>]) -> Result<Value, XPathError> {
        let Some(variables) = bind(variables, self.version) else { return Ok(Value::Null) };
        let mut items = self.evaluate(xml, variables, |sequence, documents| {
            sequence.iter().map(|item| item_json(&item, documents)).collect::<Result<Vec<Value>, XPathError>>()
        })?;
        Ok(match items.len() {
            0 => Value::Null,
            1 => items.remove(0),
            _ => Value::Array(items),
        })
    }

    /// Each item the expression selects in `xml`, as JSON, in the result's order.
    pub fn select_items(&self, xml: &[u8]) -> Result<Vec<Value>, XPathError> {
        self.evaluate(xml, Variables::default(), |sequence, documents| {
            sequence.iter().map(|item| item_json(&item, documents)).collect()
        })
    }

    /// Parses `xml`, runs the compiled expression on its document node with `variables` bound, and
    /// hands the result to `read`.
    fn evaluate<T>(
        &self,
        xml: &[u8],
        variables: Variables,
        read: impl FnOnce(&Sequence, &Documents) -> Result<T, XPathError>,
    ) -> Result<T, XPathError> {
        let query = compiled(*self, variables.len())?;
        let limit = max_document_bytes();
        if xml.len() > limit {
            return Err(XPathError::TooLarge { bytes: xml.len(), limit });
        }
        let mut documents = Documents::new();
        let document = parse(&mut documents, xml)?;
        let item = document.to_item(&documents).map_err(|error| evaluation_error(error.error))?;
        let sequence = query
            .execute_build_context(&mut documents, |context| {
                context.context_item(item);
                context.variables(variables);
            })
            .map_err(|error| evaluation_error(error.error))?;
        read(&sequence, &documents)
    }
}

/// The name of the variable standing for the embedded expression at `position` (from 0).
fn variable_name(position: usize) -> OwnedName {
    OwnedName::name(&format!("arazzo_v{}", position + 1))
}

/// The variables to evaluate an expression in `version` with, or `None` when a value is absent.
/// XPath 1.0 has only doubles, and no value for `null`: there a number is an `xs:double` and `null`
/// is absent.
fn bind(variables: &[Variable<'_>], version: Version) -> Option<Variables> {
    let mut bound = Variables::default();
    for (position, variable) in variables.iter().enumerate() {
        let sequence = match variable {
            Variable::Value(value) => match (*value)? {
                Value::Null if version == Version::XPath10 => return None,
                Value::Null => Sequence::default(),
                Value::String(text) => Sequence::from(text.as_str()),
                Value::Bool(flag) => Sequence::from(*flag),
                Value::Number(number) if version == Version::XPath10 => {
                    Sequence::from(number.as_f64().unwrap_or(f64::NAN))
                }
                Value::Number(number) => match (number.as_i64(), number.as_u64()) {
                    (Some(integer), _) => Sequence::from(integer),
                    (None, Some(integer)) => Sequence::from(integer),
                    _ => Sequence::from(number.as_f64().unwrap_or(f64::NAN)),
                },
                composite @ (Value::Array(_) | Value::Object(_)) => Sequence::from(composite.to_string()),
            },
            Variable::Text(value) => Sequence::from(super::condition::embedded::text(value.as_ref()?).into_owned()),
        };
        bound.insert(variable_name(position), sequence);
    }
    Some(bound)
}

/// An `xpath` criterion on the whole response body: whether it holds. A body that is not XML, or
/// an evaluation error, fails the step with [`StepError::CriterionNotEvaluated`] naming the
/// expression.
pub fn body_holds(xpath: XPath, body: &[u8]) -> Result<bool, StepError> {
    body_holds_with(xpath, &[], body)
}

/// [`body_holds`] for an expression with embedded runtime expressions, bound to `variables`
/// (`$arazzo_v1`, ...): an absent value does not hold.
pub fn body_holds_with(xpath: XPath, variables: &[Variable<'_>], body: &[u8]) -> Result<bool, StepError> {
    match xpath.test_with(body, variables) {
        Ok(holds) => Ok(holds.unwrap_or(false)),
        Err(error) => Err(step_error(xpath, error)),
    }
}

/// An `xpath` criterion on a value (an output or an input holding XML text, the string at a JSON
/// pointer of the body): an absent value or `null` does not hold, as Arazzo 1.1 says; a string is
/// read as XML; any other value fails the step with [`StepError::CriterionNotEvaluated`].
pub fn value_holds(xpath: XPath, value: Option<&Value>) -> Result<bool, StepError> {
    value_holds_with(xpath, &[], value)
}

/// [`value_holds`] for an expression with embedded runtime expressions, bound to `variables`
/// (`$arazzo_v1`, ...): an absent value does not hold.
pub fn value_holds_with(xpath: XPath, variables: &[Variable<'_>], value: Option<&Value>) -> Result<bool, StepError> {
    match value {
        None | Some(Value::Null) => Ok(false),
        Some(Value::String(text)) => match xpath.test_with(text.as_bytes(), variables) {
            Ok(holds) => Ok(holds.unwrap_or(false)),
            Err(error) => Err(step_error(xpath, error)),
        },
        Some(other) => Err(not_text(xpath, other)),
    }
}

/// An XPath Selector Object on the whole response body: what it selects, as JSON (`null` when it
/// selects nothing). A body that is not XML, or an evaluation error, fails the step with the error
/// an `xpath` criterion fails it with.
pub fn select_body(xpath: XPath, body: &[u8]) -> Result<Value, StepError> {
    select_body_with(xpath, &[], body)
}

/// [`select_body`] for an expression with embedded runtime expressions, bound to `variables`
/// (`$arazzo_v1`, ...): `null` when one of them is absent.
pub fn select_body_with(xpath: XPath, variables: &[Variable<'_>], body: &[u8]) -> Result<Value, StepError> {
    xpath.select_with(body, variables).map_err(|error| step_error(xpath, error))
}

/// An XPath Selector Object on a value (an input or an output holding XML text): what it selects,
/// as JSON, or `None` when the value is absent or `null` or the expression selects nothing (as a
/// singular JSONPath selector gives `None`). A value that is not a string fails the step as
/// [`value_holds`] does.
pub fn select_value(xpath: XPath, value: Option<&Value>) -> Result<Option<Value>, StepError> {
    select_value_with(xpath, &[], value)
}

/// [`select_value`] for an expression with embedded runtime expressions, bound to `variables`
/// (`$arazzo_v1`, ...): `None` when one of them is absent.
pub fn select_value_with(
    xpath: XPath,
    variables: &[Variable<'_>],
    value: Option<&Value>,
) -> Result<Option<Value>, StepError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => match xpath.select_with(text.as_bytes(), variables) {
            Ok(Value::Null) => Ok(None),
            Ok(selected) => Ok(Some(selected)),
            Err(error) => Err(step_error(xpath, error)),
        },
        Some(other) => Err(not_text(xpath, other)),
    }
}

/// The error for a context that is JSON other than a string: there is no XML to read.
fn not_text(xpath: XPath, other: &Value) -> StepError {
    let kind = match other {
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::Array(_) => "an array",
        _ => "an object",
    };
    let message = format!("the context is {kind}, not XML text");
    StepError::CriterionNotEvaluated { criterion: xpath.expression, message }
}

fn step_error(xpath: XPath, error: XPathError) -> StepError {
    match error {
        XPathError::Invalid { expression, message } => StepError::InvalidCriterion { criterion: expression, message },
        other => StepError::CriterionNotEvaluated { criterion: xpath.expression, message: other.to_string() },
    }
}

/// The compiled expression, with `variables` variables declared (`$arazzo_v1`, ...), compiled on
/// this thread's first use. Keys are `&'static str` from generated code, so the map stays as small
/// as the set of expressions in the compiled documents.
fn compiled(xpath: XPath, variables: usize) -> Result<Rc<SequenceQuery>, XPathError> {
    type Compiled = HashMap<(XPath, usize), Result<Rc<SequenceQuery>, String>>;
    thread_local! {
        static COMPILED: RefCell<Compiled> = RefCell::new(HashMap::new());
    }
    COMPILED.with(|cache| {
        let mut cache = cache.borrow_mut();
        let entry = cache.entry((xpath, variables)).or_insert_with(|| {
            let mut context = StaticContextBuilder::default();
            context.variable_names((0..variables).map(variable_name));
            let queries = Queries::new(context);
            queries.sequence(xpath.compiled).map(Rc::new).map_err(|error| {
                let range = error.span.map(|span| span.range()).unwrap_or(0..xpath.compiled.len());
                let code = error.error.code();
                let message = error.error.message();
                format!("{code} ({message}) at bytes {}..{}", range.start, range.end)
            })
        });
        entry.clone().map_err(|message| XPathError::Invalid { expression: xpath.expression, message })
    })
}

/// How deeply elements may nest in a context. Parsing and evaluating get slower with the square of
/// the depth (a 700 KB document of 100,000 nested elements took minutes), and real documents nest a
/// few dozen levels.
pub const MAX_DEPTH: usize = 256;

/// The byte offset of the first start tag nested deeper than `limit`, if any: a scan of the
/// markup that skips comments, CDATA sections, processing instructions and declarations, and
/// quoted attribute values. Malformed markup is left to the parser.
fn too_deep(xml: &[u8], limit: usize) -> Option<usize> {
    let skip_past = |from: usize, end: &[u8]| memchr::memmem::find(&xml[from..], end).map(|at| from + at + end.len());
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &xml[at..]) {
        let start = at + found;
        let rest = &xml[start..];
        let next = if rest.starts_with(b"<!--") {
            skip_past(start, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            skip_past(start, b"]]>")
        } else if rest.starts_with(b"<?") {
            skip_past(start, b"?>")
        } else if rest.starts_with(b"<!") {
            skip_past(start, b">")
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            skip_past(start, b">")
        } else {
            // A start tag ends at the first `>` outside a quoted attribute value.
            let mut quote = None;
            let end = rest.iter().enumerate().skip(1).find_map(|(offset, &byte)| match (quote, byte) {
                (Some(open), _) if byte == open => {
                    quote = None;
                    None
                }
                (Some(_), _) => None,
                (None, b'"' | b'\'') => {
                    quote = Some(byte);
                    None
                }
                (None, b'>') => Some(start + offset),
                (None, _) => None,
            });
            if let Some(end) = end
                && xml[end - 1] != b'/'
            {
                depth += 1;
                if depth > limit {
                    return Some(start);
                }
            }
            end.map(|end| end + 1)
        };
        at = next?;
    }
    None
}

/// The document node of `xml`, parsed into `documents`.
fn parse(documents: &mut Documents, xml: &[u8]) -> Result<xee_xpath::DocumentHandle, XPathError> {
    if let Some(at) = too_deep(xml, MAX_DEPTH) {
        return Err(XPathError::NotXml {
            message: format!("elements nest more than {MAX_DEPTH} levels deep (at byte {at})"),
        });
    }
    let xml = xml.strip_prefix("\u{feff}".as_bytes()).unwrap_or(xml);
    let text = std::str::from_utf8(xml).map_err(|error| XPathError::NotXml {
        message: format!("it is not UTF-8 (invalid byte at offset {})", error.valid_up_to()),
    })?;
    documents.add_string_without_uri(text).map_err(|error| XPathError::NotXml { message: error.to_string() })
}

fn evaluation_error(error: xee_xpath::error::ErrorValue) -> XPathError {
    XPathError::Evaluation { code: error.code(), message: error.message().to_string() }
}

/// One item of a result as JSON (the table in the module docs).
fn item_json(item: &Item, documents: &Documents) -> Result<Value, XPathError> {
    if let Item::Function(_) = item {
        // xee gives no access to the members of a map or an array from outside.
        return Err(XPathError::Evaluation {
            code: "XPTY0004".to_string(),
            message: "a map, an array or a function has no JSON form here; select its members (`?*`)".to_string(),
        });
    }
    let text = item.string_value(documents.xot()).map_err(evaluation_error)?;
    let Item::Atomic(atomic) = item else { return Ok(Value::String(text)) };
    Ok(match atomic {
        Atomic::Boolean(flag) => Value::Bool(*flag),
        // Integers beyond 64 bits keep their digits rather than be rounded.
        Atomic::Integer(..) => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .unwrap_or(Value::String(text)),
        // NaN and the infinities have no JSON number: they keep their XPath spelling.
        Atomic::Decimal(_) | Atomic::Double(_) | Atomic::Float(_) => {
            match text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                Some(number) => Value::Number(number),
                None => Value::String(text),
            }
        }
        _ => Value::String(text),
    })
}

#[cfg(test)]
#[path = "xpath_tests.rs"]
mod tests;
