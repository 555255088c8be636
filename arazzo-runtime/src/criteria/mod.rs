//! The value semantics of compiled Criterion Objects: `simple` conditions, `regex` and `jsonpath`
//! criteria under Arazzo 1.0 and 1.1 ([`condition`]), and XPath ([`xpath`], feature `xpath`).
//! Depends on `error` only.

pub mod condition;
#[cfg(feature = "xpath")]
pub mod xpath;
