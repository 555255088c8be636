//! Criteria as the generated code evaluates them: a status check, a simple condition over operands
//! read from the exchange, or a regex, JSONPath or XPath test of a context.

use super::ValueRef;

#[derive(Clone, Debug)]
pub struct CriterionPlan {
    /// The condition as written, for the error message.
    pub text: String,
    pub check: CriterionCheck,
    /// The evaluation rules: those of the version the document declares (1.1 orders numeric
    /// strings as numbers, fails a `null` context and an evaluation error).
    pub rules: crate::model::Version,
}

/// A criterion compiled to what the generated code evaluates.
#[derive(Clone, Debug, PartialEq)]
pub enum CriterionCheck {
    /// `$statusCode <op> <number>`: a plain comparison of the status.
    Status(StatusCheck),
    /// Any other simple condition.
    Simple(ConditionPlan),
    /// A `regex` criterion: the pattern searched in the context's text. `embedded` splits a 1.1
    /// pattern that embeds runtime expressions into its text and values (empty when it has none).
    Regex { context: OperandPlan, pattern: String, embedded: Vec<ConditionPiece> },
    /// A `jsonpath` criterion (RFC 9535): passes when the query selects at least one node. With
    /// `on_context`, `path` is a filter (`$[?@.ok == true]`) read from a comparison written as the
    /// query (`$.ok == true`), and runs on the context wrapped in an array: it tests the context itself.
    /// `embedded` as for `Regex`.
    JsonPath { context: OperandPlan, path: String, on_context: bool, embedded: Vec<ConditionPiece> },
    /// An `xpath` criterion: the context read as XML, passing by the effective boolean value of
    /// the expression (checked at build time, compiled by the runtime on first use). Runtime
    /// expressions embedded in it (1.1) are `$arazzo_v1`, ... in `expression`, bound to `variables`.
    /// For `xpath-10`, `translated` is the XPath 3.1 expression with its 1.0 meaning, which is evaluated.
    XPath {
        context: OperandPlan,
        expression: String,
        translated: Option<String>,
        version: XPathVersion,
        variables: Vec<Embedded<ConditionPlan>>,
    },
}

/// A value embedded in a condition or a selector (Arazzo 1.1 `{$...}`), filled in at run time as a
/// value, never as text of the pattern or query.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedded<V> {
    pub value: V,
    /// The quote of the string literal the expression was written in (its text goes there), `None`
    /// when it stands on its own.
    pub quote: Option<char>,
}

/// A piece of a text (a regex or JSONPath condition, a JSONPath selector) that embeds runtime
/// expressions, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece<V> {
    /// Text as written.
    Text(String),
    /// A value: an RFC 9535 literal, a regex's literal text, or the content of the string literal it
    /// was written in.
    Value(Embedded<V>),
}

impl<V> Piece<V> {
    /// The values of `pieces`, in order.
    pub fn values(pieces: &[Self]) -> impl Iterator<Item = &V> {
        pieces.iter().filter_map(|piece| match piece {
            Self::Value(embedded) => Some(&embedded.value),
            Self::Text(_) => None,
        })
    }
}

/// A piece of a regex or JSONPath condition: its values are `ConditionPlan::Literal` or
/// `ConditionPlan::Operand`.
pub type ConditionPiece = Piece<ConditionPlan>;

impl CriterionCheck {
    /// The values embedded in the condition (1.1), in order.
    pub fn embedded(&self) -> Vec<&ConditionPlan> {
        match self {
            Self::Regex { embedded, .. } | Self::JsonPath { embedded, .. } => Piece::values(embedded).collect(),
            Self::XPath { variables, .. } => variables.iter().map(|variable| &variable.value).collect(),
            Self::Status(_) | Self::Simple(_) => Vec::new(),
        }
    }
}

/// The XPath version of an `xpath` criterion (`arazzo_runtime::xpath::Version`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XPathVersion {
    XPath31,
    XPath30,
    XPath20,
    XPath10,
}

impl CriterionCheck {
    /// Whether evaluating this needs the step's response.
    pub fn reads_response(&self) -> bool {
        fn condition_reads(condition: &ConditionPlan) -> bool {
            match condition {
                ConditionPlan::Literal(_) => false,
                ConditionPlan::Operand { operand, .. } => operand.value_ref().is_none(),
                ConditionPlan::Not(inner) => condition_reads(inner),
                ConditionPlan::Compare(left, _, right)
                | ConditionPlan::And(left, right)
                | ConditionPlan::Or(left, right) => condition_reads(left) || condition_reads(right),
            }
        }
        match self {
            Self::Status(_) => true,
            Self::Simple(condition) => condition_reads(condition),
            Self::Regex { context, .. } | Self::JsonPath { context, .. } | Self::XPath { context, .. } => {
                context.value_ref().is_none() || self.embedded().into_iter().any(condition_reads)
            }
        }
    }

    /// Whether evaluating this reads what the step's request sent (`$url`, `$method`, `$request.*`),
    /// which the runtime then keeps with the response.
    pub fn reads_request(&self) -> bool {
        fn condition_reads(condition: &ConditionPlan) -> bool {
            match condition {
                ConditionPlan::Literal(_) => false,
                ConditionPlan::Operand { operand, .. } => operand.is_request(),
                ConditionPlan::Not(inner) => condition_reads(inner),
                ConditionPlan::Compare(left, _, right)
                | ConditionPlan::And(left, right)
                | ConditionPlan::Or(left, right) => condition_reads(left) || condition_reads(right),
            }
        }
        match self {
            Self::Status(_) => false,
            Self::Simple(condition) => condition_reads(condition),
            Self::Regex { context, .. } | Self::JsonPath { context, .. } | Self::XPath { context, .. } => {
                context.is_request() || self.embedded().into_iter().any(condition_reads)
            }
        }
    }

    /// The inputs and step outputs the criterion reads.
    pub fn refs(&self) -> Vec<&ValueRef> {
        fn condition_refs<'a>(condition: &'a ConditionPlan, out: &mut Vec<&'a ValueRef>) {
            match condition {
                ConditionPlan::Literal(_) => {}
                ConditionPlan::Operand { operand, .. } => out.extend(operand.value_ref()),
                ConditionPlan::Not(inner) => condition_refs(inner, out),
                ConditionPlan::Compare(left, _, right)
                | ConditionPlan::And(left, right)
                | ConditionPlan::Or(left, right) => {
                    condition_refs(left, out);
                    condition_refs(right, out);
                }
            }
        }
        let mut refs = Vec::new();
        match self {
            Self::Status(_) => {}
            Self::Simple(condition) => condition_refs(condition, &mut refs),
            Self::Regex { context, .. } | Self::JsonPath { context, .. } | Self::XPath { context, .. } => {
                refs.extend(context.value_ref());
                for value in self.embedded() {
                    condition_refs(value, &mut refs);
                }
            }
        }
        refs
    }

    /// The status this criterion requires, when it requires exactly one.
    pub fn expected_status(&self) -> Option<i64> {
        match self {
            Self::Status(StatusCheck { operator: crate::condition::CompareOp::Eq, status }) => Some(*status),
            _ => None,
        }
    }
}

/// A simple condition over operands the generated code can read.
#[derive(Clone, Debug, PartialEq)]
pub enum ConditionPlan {
    Literal(serde_json::Value),
    Operand { operand: OperandPlan, navigation: Vec<crate::condition::Nav> },
    Not(Box<ConditionPlan>),
    Compare(Box<ConditionPlan>, crate::condition::CompareOp, Box<ConditionPlan>),
    And(Box<ConditionPlan>, Box<ConditionPlan>),
    Or(Box<ConditionPlan>, Box<ConditionPlan>),
}

impl OperandPlan {
    /// Whether this is something the request sent.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            Self::Url
                | Self::Method
                | Self::RequestHeader(_)
                | Self::RequestQuery(_)
                | Self::RequestPath(_)
                | Self::RequestBody(_)
        )
    }

    pub fn value_ref(&self) -> Option<&ValueRef> {
        match self {
            Self::Value { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// A value a criterion reads at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum OperandPlan {
    StatusCode,
    /// `$url`: the URL the request was sent to.
    Url,
    /// `$method`.
    Method,
    /// `$request.header.<name>`, `$request.query.<name>`, `$request.path.<name>`: as sent.
    RequestHeader(String),
    RequestQuery(String),
    RequestPath(String),
    /// `$request.body`, at a JSON pointer (`""` for the whole body).
    RequestBody(String),
    /// `$response.body`, at a JSON pointer (`""` for the whole body).
    ResponseBody(String),
    ResponseHeader(String),
    /// An input or an earlier step output, at an optional JSON pointer.
    Value {
        value: ValueRef,
        pointer: Option<String>,
    },
}

/// The compiled form of a `$statusCode <op> <number>` condition.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusCheck {
    pub operator: crate::condition::CompareOp,
    pub status: i64,
}
