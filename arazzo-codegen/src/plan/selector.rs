//! Selectors (Arazzo 1.1 Selector Objects) as the generated code evaluates them.
//!
//! A JSON pointer selector is planned as the pointer it is ([`ValueRef::Pointer`](super::ValueRef),
//! [`OutputSource::BodyPointer`](super::OutputSource)); the other kinds are a [`SelectorKind`], which
//! the emitter matches on.

/// A selector evaluated at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectorKind {
    /// An RFC 9535 JSONPath query (`serde_json_path`). A `singular` query (names and indexes only)
    /// selects at most one node, which is its value; any other gives its node list. A query that
    /// embeds runtime expressions (1.1, in filters only, so never singular) is also `pieces`: its
    /// text and the values, which the runtime fills in as literals; empty when it embeds none.
    JsonPath { query: String, singular: bool, pieces: Vec<QueryPiece> },
    /// An XPath expression evaluated on XML text (`arazzo_runtime::xpath`): its value is JSON, `null`
    /// (or absent) when it selects nothing, the item when one, an array when several. Runtime
    /// expressions embedded in it (1.1) are `$arazzo_v1`, ... in `expression`, bound to `variables`.
    /// For `xpath-10`, `translated` is the XPath 3.1 expression with its 1.0 meaning, which is evaluated.
    XPath {
        expression: String,
        translated: Option<String>,
        version: super::XPathVersion,
        variables: Vec<super::Embedded<super::ValueRef>>,
    },
}

/// A piece of a JSONPath selector that embeds runtime expressions.
pub type QueryPiece = super::Piece<super::ValueRef>;

impl SelectorKind {
    /// The values embedded in the selector (1.1), in order.
    pub fn reads(&self) -> Vec<&super::ValueRef> {
        match self {
            Self::XPath { variables, .. } => variables.iter().map(|variable| &variable.value).collect(),
            Self::JsonPath { pieces, .. } => super::Piece::values(pieces).collect(),
        }
    }

    /// The query as written, for docs and messages.
    pub fn text(&self) -> &str {
        match self {
            Self::JsonPath { query, .. } => query,
            Self::XPath { expression, .. } => expression,
        }
    }
}

impl super::ValueRef {
    /// This value, and the values embedded in its selectors (1.1 `{$...}` in a JSONPath or XPath selector),
    /// which it reads too.
    pub fn reads(&self) -> Vec<&super::ValueRef> {
        let mut reads = vec![self];
        let mut current = self;
        while let super::ValueRef::Pointer { base, .. } | super::ValueRef::Selected { base, .. } = current {
            if let super::ValueRef::Selected { selector, .. } = current {
                reads.extend(selector.reads().into_iter().flat_map(super::ValueRef::reads));
            }
            current = base;
        }
        reads
    }
}
