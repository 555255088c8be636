//! Criterion `simple` conditions (Arazzo 1.0.1, "Criterion Object").
//!
//! ```text
//! or      = and *( "||" and )
//! and     = compare *( "&&" compare )
//! compare = unary [ ( "==" / "!=" / "<" / "<=" / ">" / ">=" ) unary ]   ; no chaining
//! unary   = "!" unary / primary
//! primary = "(" or ")" / literal / expression *( "." field / "[" index "]" )
//! literal = "true" / "false" / "null" / number / "'" *( char / "''" ) "'"
//! ```
//!
//! Precedence is `!` > comparison > `&&` > `||`, so `!$a == b` is `(!$a) == b`. Choices where the
//! spec is silent (they match the `arazzo-criterion` library's test data):
//! - `a < b < c` is an error: it almost always means `a < b && b < c`.
//! - Numbers are JSON numbers (`-3.14`, `1.5e3`), held as `f64`; an integer literal of 2^53 or more in
//!   magnitude, which an `f64` would round, is kept exact as a 64-bit integer and compared exactly
//!   with the JSON numbers of responses (serde_json reads their integers exactly too). One beyond 64
//!   bits is an error rather than silently rounded: a response's number that large is no longer exact.
//! - An expression operand ends at whitespace, `)` or an operator (`==`, `!=`, `<`, `>`, `&&`, `||`),
//!   so a JSON pointer such as `$request.body#/id == 1` ends before the space. Inside an operand `[`
//!   always starts an index, and `.field` follows expressions whose grammar has no open name
//!   (`$response.body.data[0].id`); in `$inputs.a.b` the dots belong to the input name, as in the ABNF.

use std::fmt;

use crate::expr::Expr;

pub mod jsonpath_comparison;
mod parser;

pub use parser::parse_condition;

/// Parses the query of a `jsonpath` criterion (or an overlay target) as `serde_json_path` does, minus
/// its one panic, found by fuzzing: version 0.7.2 reaches `unreachable!` on a query that ends inside a
/// `\u` escape, because nom's streaming `one_of` there asks for more input instead of failing. Such a
/// query is invalid anyway (an escape needs four hex digits and the string its closing quote), so it
/// is refused before the parser sees it.
pub fn parse_jsonpath(query: &str) -> Result<serde_json_path::JsonPath, String> {
    // The parser runs out of input at most one character after the `u` of an escape.
    let last = query.char_indices().next_back().map_or(0, |(at, _)| at);
    let escape_at_end = [query, &query[..last]].iter().any(|text| {
        // A `u` after an odd number of backslashes starts an escape; after an even number it is text.
        text.strip_suffix('u').is_some_and(|before| (before.len() - before.trim_end_matches('\\').len()) % 2 == 1)
    });
    if escape_at_end {
        return Err("the query ends inside a `\\u` escape, which needs four hexadecimal digits".to_string());
    }
    serde_json_path::JsonPath::parse(query).map_err(|error| error.to_string())
}

/// A parsed simple condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Literal(Literal),
    /// A runtime expression followed by property/index navigation.
    Expr(Expr, Vec<Nav>),
    Not(Box<Condition>),
    Compare(Box<Condition>, CompareOp, Box<Condition>),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    /// A JSON number; always finite; an integer literal is exact (below 2^53 in magnitude).
    Number(f64),
    /// An integer literal of 2^53 or more in magnitude, in `i64` or `u64` range, kept exact.
    Integer(i128),
    /// The string's value, with `''` already unescaped.
    String(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    /// The operator that holds exactly when this one does not (`==` and `!=`, `<` and `>=`, ...).
    pub fn negated(self) -> Self {
        match self {
            Self::Eq => Self::Ne,
            Self::Ne => Self::Eq,
            Self::Lt => Self::Ge,
            Self::Le => Self::Gt,
            Self::Gt => Self::Le,
            Self::Ge => Self::Lt,
        }
    }
}

/// One navigation step after an expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Nav {
    /// `.name`
    Field(String),
    /// `[n]`
    Index(usize),
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

impl Condition {
    /// Every runtime expression in the condition, in source order.
    pub fn expressions(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.collect_expressions(&mut out);
        out
    }

    fn collect_expressions<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        match self {
            Condition::Literal(_) => {}
            Condition::Expr(expr, _) => out.push(expr),
            Condition::Not(inner) => inner.collect_expressions(out),
            Condition::Compare(left, _, right) | Condition::And(left, right) | Condition::Or(left, right) => {
                left.collect_expressions(out);
                right.collect_expressions(out);
            }
        }
    }

    /// Binding strength, used to print only the parentheses that are needed.
    fn precedence(&self) -> u8 {
        match self {
            Condition::Or(..) => 1,
            Condition::And(..) => 2,
            Condition::Compare(..) => 3,
            Condition::Not(_) => 4,
            Condition::Literal(_) | Condition::Expr(..) => 5,
        }
    }

    /// Writes `self`, parenthesized when it binds more loosely than `min`.
    fn fmt_at(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min { write!(f, "({self})") } else { write!(f, "{self}") }
    }
}

/// Canonical text: single spaces around binary operators and parentheses only where needed, so
/// that printing and parsing again gives the same tree.
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Literal(literal) => write!(f, "{literal}"),
            Condition::Expr(expr, navs) => {
                write!(f, "{expr}")?;
                navs.iter().try_for_each(|nav| write!(f, "{nav}"))
            }
            Condition::Not(inner) => {
                f.write_str("!")?;
                inner.fmt_at(f, 4)
            }
            // Operands of a comparison are unary-level; the left operand of `&&`/`||` may be the
            // same operator (they are left-associative), the right one may not.
            Condition::Compare(left, op, right) => {
                left.fmt_at(f, 4)?;
                write!(f, " {} ", op.as_str())?;
                right.fmt_at(f, 4)
            }
            Condition::And(left, right) => {
                left.fmt_at(f, 2)?;
                f.write_str(" && ")?;
                right.fmt_at(f, 3)
            }
            Condition::Or(left, right) => {
                left.fmt_at(f, 1)?;
                f.write_str(" || ")?;
                right.fmt_at(f, 2)
            }
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            // Whole numbers print as integers (`200`, not `200.0`); others use the shortest text
            // that reads back as the same value (`0.02`, `1e300`).
            Literal::Number(x) if x.fract() == 0.0 && x.abs() < 1e15 => write!(f, "{x}"),
            Literal::Number(x) => write!(f, "{x:?}"),
            Literal::Integer(n) => write!(f, "{n}"),
            Literal::String(s) => write!(f, "'{}'", s.replace('\'', "''")),
        }
    }
}

impl fmt::Display for Nav {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Nav::Field(name) => write!(f, ".{name}"),
            Nav::Index(i) => write!(f, "[{i}]"),
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
