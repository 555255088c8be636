//! The error of parsing a generated enum from a value it does not list.

/// A value that a generated enum of the values a workflow sends (a string `enum` of its inputs)
/// does not list: the error of its `FromStr`. Enums of the values a server sends have an
/// `Unknown(String)` variant instead, and parse any string.
///
/// ```
/// let error = arazzo_runtime::UnknownValue::new("gold", &["free", "pro"]);
/// assert_eq!(error.value(), "gold");
/// assert_eq!(error.to_string(), "`gold` is not one of the values `free`, `pro`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not one of the values {}", list(.expected))]
pub struct UnknownValue {
    value: String,
    expected: &'static [&'static str],
}

impl UnknownValue {
    /// `value`, which is none of `expected`.
    pub fn new(value: &str, expected: &'static [&'static str]) -> Self {
        Self { value: value.to_owned(), expected }
    }

    /// The value that was not listed.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values the enum lists.
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

fn list(values: &[&str]) -> String {
    values.iter().map(|value| format!("`{value}`")).collect::<Vec<_>>().join(", ")
}
