//! Selectors (Arazzo 1.1 Selector Objects) as the generated code evaluates them.
//!
//! A JSON pointer selector is planned as the pointer it is ([`ValueRef::Pointer`](super::ValueRef),
//! [`OutputSource::BodyPointer`](super::OutputSource)); the other kinds are a [`SelectorKind`], which
//! the emitter matches on.

/// A selector evaluated at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectorKind {
    /// An RFC 9535 JSONPath query (`serde_json_path`). A `singular` query (names and indexes only)
    /// selects at most one node, which is its value; any other gives its node list.
    JsonPath { query: String, singular: bool },
    /// An XPath expression evaluated on XML text (`arazzo_runtime::xpath`): its value is JSON, `null`
    /// (or absent) when it selects nothing, the item when one, an array when several.
    XPath { expression: String, version: super::XPathVersion },
}

impl SelectorKind {
    /// The query as written, for docs and messages.
    pub fn text(&self) -> &str {
        match self {
            Self::JsonPath { query, .. } => query,
            Self::XPath { expression, .. } => expression,
        }
    }
}
