//! Located build-time problems: every error and warning the generator reports.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The document is accepted, but something deserves attention.
    Warning,
    /// The document cannot be compiled.
    Error,
}

/// A line and column in a source file, both starting at 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One problem found in a document, with where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file the problem is in.
    pub file: PathBuf,
    /// Where in the file; `None` when the file could not be read or parsed far enough.
    pub location: Option<Location>,
    /// The JSON path of the offending node, e.g. `workflows[0].steps[2].parameters[1].value`.
    pub json_path: String,
    /// What is wrong and, where it helps, what was expected.
    pub message: String,
}

impl Diagnostic {
    pub fn error(
        file: &Path,
        location: Option<Location>,
        json_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_path_buf(),
            location,
            json_path: json_path.into(),
            message: message.into(),
        }
    }

    pub fn warning(
        file: &Path,
        location: Option<Location>,
        json_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self { severity: Severity::Warning, ..Self::error(file, location, json_path, message) }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `error: workflows/x.yml:12:7: message (at workflows[0].steps[1].operationId)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{severity}: {}", self.file.display())?;
        if let Some(Location { line, column }) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.json_path.is_empty() {
            write!(f, " (at {})", self.json_path)?;
        }
        Ok(())
    }
}

/// Converts a JSON pointer (`/workflows/0/steps/2`) into the JSON path used in reports
/// (`workflows[0].steps[2]`).
pub fn json_path_of_pointer(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}
