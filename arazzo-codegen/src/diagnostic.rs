//! Located build-time problems: every error and warning the generator reports, and how they are shown
//! ([`Renderer`]: rustc-like text with the source line underlined, or JSON for tools).

mod render;

use std::fmt;
use std::path::{Path, PathBuf};

pub use render::{Renderer, summary};

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
    /// [`end`](Self::end) and [`help`](Self::help), boxed: a `Diagnostic` is the error type of many
    /// functions, which should stay small.
    detail: Option<Box<Detail>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Detail {
    end: Option<Location>,
    help: Vec<String>,
    related: Vec<Related>,
}

/// Another place a [`Diagnostic`] concerns, possibly in another file: where a value comes from when
/// the diagnostic is where it goes (an input's declaration, the OpenAPI schema it must fit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// What is there, e.g. "the input is declared here".
    pub message: String,
    pub file: PathBuf,
    /// `None` when the place could not be located.
    pub location: Option<Location>,
    /// Where the text there ends (exclusive), when known.
    pub end: Option<Location>,
}

impl Related {
    /// `file:line:column`, or the file alone when the place is not located.
    pub fn position(&self) -> String {
        match self.location {
            Some(Location { line, column }) => format!("{}:{line}:{column}", self.file.display()),
            None => self.file.display().to_string(),
        }
    }
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
            detail: None,
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

    /// Sets where the offending text ends (exclusive).
    pub fn with_end(mut self, end: Option<Location>) -> Self {
        if end.is_some() || self.detail.is_some() {
            self.detail.get_or_insert_default().end = end;
        }
        self
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.detail.get_or_insert_default().help.push(help.into());
        self
    }

    /// Adds another place the problem concerns, shown as a `note:` with its own source line.
    pub fn with_related(mut self, related: Related) -> Self {
        self.detail.get_or_insert_default().related.push(related);
        self
    }

    /// The other places the problem concerns (see [`Related`]).
    pub fn related(&self) -> &[Related] {
        self.detail.as_ref().map_or(&[], |detail| &detail.related)
    }

    /// Where the offending text ends (exclusive), when known: the end of the value, or of the
    /// expression inside a longer string. May be on a later line than `location`.
    pub fn end(&self) -> Option<Location> {
        self.detail.as_ref().and_then(|detail| detail.end)
    }

    /// Hints (what exists instead: the outputs a step has, the closest operationIds), shown as
    /// `= help:` lines; the one-line forms append them to the message after `; `.
    pub fn help(&self) -> &[String] {
        self.detail.as_ref().map_or(&[], |detail| &detail.help)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The message with its hints and related places, as one line: `message; hint; note: what is
    /// there (file:line:column)`.
    pub fn message_with_help(&self) -> String {
        let mut text = self.message.clone();
        for help in self.help() {
            text.push_str("; ");
            text.push_str(help);
        }
        for related in self.related() {
            text.push_str(&format!("; note: {} ({})", related.message, related.position()));
        }
        text
    }

    /// The compiler-style one-line form, `file:line:column: warning: message (at json.path)`, for
    /// `cargo:warning=` (which shows one line per directive) and for editors' problem matchers.
    pub fn short(&self) -> String {
        let mut out = self.file.display().to_string();
        if let Some(Location { line, column }) = self.location {
            out.push_str(&format!(":{line}:{column}"));
        }
        out.push_str(&format!(": {}: {}", self.severity, self.message_with_help()));
        if !self.json_path.is_empty() {
            out.push_str(&format!(" (at {})", self.json_path));
        }
        out
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

impl fmt::Display for Diagnostic {
    /// `error: workflows/x.yml:12:7: message (at workflows[0].steps[1].operationId)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.file.display())?;
        if let Some(Location { line, column }) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message_with_help())?;
        if !self.json_path.is_empty() {
            write!(f, " (at {})", self.json_path)?;
        }
        Ok(())
    }
}

/// `1 workflow`, `2 workflows`, `0 workflows`: a count and a regular English noun, for every count
/// the command line and the summaries print.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// Converts a JSON pointer (`/workflows/0/steps/2`) into the JSON path used in reports
/// (`workflows[0].steps[2]`).
pub fn json_path_of_pointer(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = crate::load::unescape_token(token);
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
