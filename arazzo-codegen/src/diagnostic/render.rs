//! Showing diagnostics: rustc-like text with the offending source line underlined (rendered by
//! annotate-snippets, rustc's own renderer), and one JSON object per diagnostic for tools.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Element, Group, Level, Origin, Snippet, normalize_untrusted_str};
use serde_json::{Value, json};

use super::{Diagnostic, Location, Severity, counted};

/// Renders [`Diagnostic`]s, reading each file they name once to show the offending line.
///
/// ```text
/// error: step `create` has no output `id`
///   --> tests/fixtures/bad/dangling-step.arazzo.yaml:23:20
///    |
/// 23 |             value: $steps.create.outputs.id
///    |                    ^^^^^^^^^^^^^^^^^^^^^^^^
///    |
///    = help: its outputs are: `petId`
///    = note: at workflows[0].steps[1].parameters[0].value
/// ```
///
/// A file that cannot be read (or no longer has the line) is shown as `--> file:line:column` alone.
#[derive(Clone, Debug, Default)]
pub struct Renderer {
    styled: bool,
    /// Path -> content, `None` when it could not be read.
    sources: HashMap<PathBuf, Option<String>>,
}

/// The part of one source line to underline.
struct Underline<'s> {
    line_text: &'s str,
    line: usize,
    /// Bytes of `line_text`.
    range: Range<usize>,
    start: Location,
    /// Exclusive.
    end: Location,
}

impl Renderer {
    /// Plain text, files read from disk.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to color the text with ANSI escapes (for a terminal).
    pub fn styled(mut self, styled: bool) -> Self {
        self.styled = styled;
        self
    }

    /// Uses `text` as the content of `path` instead of reading it (documents held in memory).
    pub fn with_source(mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        self.sources.insert(path.into(), Some(text.into()));
        self
    }

    /// One diagnostic, without a trailing newline.
    pub fn render(&mut self, diagnostic: &Diagnostic) -> String {
        let styled = self.styled;
        self.render_with(diagnostic, styled)
    }

    /// Every diagnostic, each followed by a blank line, then the [`summary`] line (when there is
    /// anything to report), as rustc prints them.
    pub fn render_all(&mut self, diagnostics: &[Diagnostic]) -> String {
        let mut out = String::new();
        for diagnostic in diagnostics {
            out.push_str(&self.render(diagnostic));
            out.push_str("\n\n");
        }
        if let Some(summary) = self.summary(diagnostics) {
            out.push_str(&summary);
            out.push('\n');
        }
        out
    }

    /// The closing line, styled like the diagnostics: see [`summary`].
    pub fn summary(&self, diagnostics: &[Diagnostic]) -> Option<String> {
        let (is_error, text) = summary_parts(diagnostics)?;
        let level = if is_error { Level::ERROR } else { Level::WARNING };
        Some(snippets(self.styled).render(&[level.primary_title(text).elements(Vec::<Element<'_>>::new())]))
    }

    /// One diagnostic as a JSON object (the schema is in docs/DIAGNOSTICS.md); `rendered` is the
    /// plain text of [`render`](Self::render).
    pub fn json(&mut self, diagnostic: &Diagnostic) -> Value {
        let rendered = self.render_with(diagnostic, false);
        let (start, end) = self.span(&diagnostic.file, diagnostic.location, diagnostic.end());
        let related: Vec<Value> = diagnostic
            .related()
            .iter()
            .map(|related| {
                let (start, end) = self.span(&related.file, related.location, related.end);
                json!({
                    "message": related.message,
                    "file": related.file.to_string_lossy(),
                    "line": start.map(|at| at.line),
                    "column": start.map(|at| at.column),
                    "end_line": end.map(|at| at.line),
                    "end_column": end.map(|at| at.column),
                })
            })
            .collect();
        let mut object = json!({
            "level": diagnostic.severity.to_string(),
            "message": diagnostic.message,
            "help": diagnostic.help(),
            "file": diagnostic.file.to_string_lossy(),
            "line": start.map(|at| at.line),
            "column": start.map(|at| at.column),
            "end_line": end.map(|at| at.line),
            "end_column": end.map(|at| at.column),
            "json_path": diagnostic.json_path,
            "rendered": rendered,
        });
        // Only diagnostics that concern a second place have the field, so that the lines of all the
        // others stay as they were.
        if !related.is_empty() {
            object["related"] = Value::Array(related);
        }
        object
    }

    /// Start and end of what is underlined at `location` of `file` (the end on the same line).
    fn span(
        &mut self,
        file: &Path,
        location: Option<Location>,
        end: Option<Location>,
    ) -> (Option<Location>, Option<Location>) {
        self.source(file);
        match self.underline(file, location, end) {
            Some(underline) => (Some(underline.start), Some(underline.end)),
            None => (location, end.or(location)),
        }
    }

    fn render_with(&mut self, diagnostic: &Diagnostic, styled: bool) -> String {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        // Every file shown is read first: the snippets borrow their text.
        self.source(&diagnostic.file);
        for related in diagnostic.related() {
            self.source(&related.file);
        }
        let mut elements: Vec<Element<'_>> = vec![self.place(&diagnostic.file, diagnostic.location, diagnostic.end())];
        // Messages quote the document: control characters must not reach the terminal.
        for help in diagnostic.help() {
            elements.push(Level::HELP.message(normalize_untrusted_str(help)).into());
        }
        if !diagnostic.json_path.is_empty() {
            let note = format!("at {}", normalize_untrusted_str(&diagnostic.json_path));
            elements.push(Level::NOTE.message(note).into());
        }
        let mut report = vec![level.primary_title(diagnostic.message.as_str()).elements(elements)];
        // Related places come after, each as rustc shows a note with a span of its own.
        for related in diagnostic.related() {
            let title = Level::NOTE.secondary_title(normalize_untrusted_str(&related.message));
            report.push(Group::with_title(title).element(self.place(&related.file, related.location, related.end)));
        }
        snippets(styled).render(&report)
    }

    /// The source line of `location` in `file` with the span underlined, or `--> file:line:column`
    /// when the line cannot be shown.
    fn place(&self, file: &Path, location: Option<Location>, end: Option<Location>) -> Element<'_> {
        let path = file.display().to_string();
        match (self.underline(file, location, end), location) {
            (Some(underline), _) => Snippet::source(underline.line_text)
                .line_start(underline.line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(underline.range.clone()))
                .into(),
            (None, Some(at)) => Origin::path(path).line(at.line).char_column(at.column).into(),
            (None, None) => Origin::path(path).into(),
        }
    }

    /// Reads `path` once; [`underline`](Self::underline) only looks at what was read.
    fn source(&mut self, path: &Path) {
        self.sources.entry(path.to_path_buf()).or_insert_with(|| std::fs::read_to_string(path).ok());
    }

    /// What to underline: the span on its first line (a value written over several lines is
    /// underlined on its first line only); one character when the end is unknown.
    fn underline(&self, file: &Path, location: Option<Location>, end: Option<Location>) -> Option<Underline<'_>> {
        let start = location?;
        let source = self.sources.get(file)?.as_deref()?;
        let line_text = source.split('\n').nth(start.line.checked_sub(1)?)?;
        let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let line_text =
            if start.line == 1 { line_text.strip_prefix('\u{feff}').unwrap_or(line_text) } else { line_text };
        let byte_of = |column: usize| -> Option<usize> {
            let chars = column.checked_sub(1)?;
            match line_text.char_indices().nth(chars) {
                Some((byte, _)) => Some(byte),
                None if line_text.chars().count() == chars => Some(line_text.len()),
                None => None,
            }
        };
        // A column past the end of the line means the file is not the one that was checked.
        let from = byte_of(start.column)?;
        let to = match end {
            Some(end) if end.line == start.line && end.column > start.column => {
                byte_of(end.column).unwrap_or(line_text.len())
            }
            Some(end) if end.line > start.line => line_text.trim_end().len().max(from),
            _ => line_text[from..].chars().next().map_or(from, |c| from + c.len_utf8()),
        };
        let end_column = start.column + line_text[from..to].chars().count();
        Some(Underline {
            line_text,
            line: start.line,
            range: from..to,
            start,
            end: Location { line: start.line, column: end_column },
        })
    }
}

fn snippets(styled: bool) -> annotate_snippets::Renderer {
    if styled { annotate_snippets::Renderer::styled() } else { annotate_snippets::Renderer::plain() }
}

/// The closing line, as rustc's: `error: aborting due to 2 previous errors; 1 warning emitted`, or
/// `warning: 1 warning emitted`; `None` when there is nothing.
pub fn summary(diagnostics: &[Diagnostic]) -> Option<String> {
    summary_parts(diagnostics).map(|(is_error, text)| {
        let name = if is_error { "error" } else { "warning" };
        format!("{name}: {text}")
    })
}

/// Whether any is an error, and the text.
fn summary_parts(diagnostics: &[Diagnostic]) -> Option<(bool, String)> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match (errors, warnings) {
        (0, 0) => None,
        (0, _) => Some((false, format!("{} emitted", counted(warnings, "warning")))),
        (_, 0) => Some((true, format!("aborting due to {}", counted(errors, "previous error")))),
        _ => Some((
            true,
            format!("aborting due to {}; {} emitted", counted(errors, "previous error"), counted(warnings, "warning")),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Option<Location> {
        Some(Location { line, column })
    }

    fn error(location: Option<Location>, end: Option<Location>) -> Diagnostic {
        Diagnostic::error(Path::new("doc.yaml"), location, "a.b", "bad").with_end(end)
    }

    const SOURCE: &str = "a:\n  b: |\n    first line   \n    second\n";

    #[test]
    fn a_value_over_several_lines_is_underlined_on_its_first_line() {
        let mut renderer = Renderer::new().with_source("doc.yaml", SOURCE);
        let rendered = renderer.render(&error(at(3, 5), at(5, 1)));
        assert!(rendered.contains("3 |     first line   \n  |     ^^^^^^^^^^\n"), "{rendered}");
        let json = renderer.json(&error(at(3, 5), at(5, 1)));
        assert_eq!((json["end_line"].as_u64(), json["end_column"].as_u64()), (Some(3), Some(15)));
    }

    #[test]
    fn without_an_end_one_character_is_marked() {
        let rendered = Renderer::new().with_source("doc.yaml", SOURCE).render(&error(at(2, 3), None));
        assert!(rendered.contains("2 |   b: |\n  |   ^\n"), "{rendered}");
    }

    #[test]
    fn a_file_that_cannot_be_shown_is_named_with_its_position() {
        // Not on disk at all.
        let rendered = Renderer::new().render(&error(at(3, 5), None));
        assert!(rendered.contains("--> doc.yaml:3:5"), "{rendered}");
        assert!(!rendered.contains(" | "), "{rendered}");
        // The file changed since it was checked: the column is past the end of the line.
        let rendered = Renderer::new().with_source("doc.yaml", SOURCE).render(&error(at(1, 40), None));
        assert!(rendered.contains("--> doc.yaml:1:40") && !rendered.contains(" | "), "{rendered}");
        // No position at all.
        let rendered = Renderer::new().render(&error(None, None));
        assert!(rendered.contains("--> doc.yaml\n"), "{rendered}");
    }

    #[test]
    fn control_characters_from_the_document_never_reach_the_terminal() {
        let diagnostic = Diagnostic::error(Path::new("doc.yaml"), at(1, 1), "x\u{1b}[2J", "key `\u{1b}[31m`")
            .with_help("closest: `\u{1b}]8;;`");
        let rendered = Renderer::new().with_source("doc.yaml", "\u{1b}[2J: 1\n").render(&diagnostic);
        assert!(!rendered.contains('\u{1b}'), "{rendered:?}");
    }

    #[test]
    fn colors_only_when_asked() {
        let diagnostic = error(at(1, 1), None);
        assert!(!Renderer::new().with_source("doc.yaml", SOURCE).render(&diagnostic).contains('\u{1b}'));
        assert!(Renderer::new().styled(true).with_source("doc.yaml", SOURCE).render(&diagnostic).contains('\u{1b}'));
    }

    #[test]
    fn the_summary_counts_like_rustc() {
        let warning = Diagnostic::warning(Path::new("doc.yaml"), None, "", "w");
        let error = error(None, None);
        assert_eq!(summary(&[]), None);
        assert_eq!(summary(std::slice::from_ref(&warning)).as_deref(), Some("warning: 1 warning emitted"));
        assert_eq!(
            summary(&[error.clone(), error.clone()]).as_deref(),
            Some("error: aborting due to 2 previous errors")
        );
        assert_eq!(
            summary(&[error, warning.clone(), warning]).as_deref(),
            Some("error: aborting due to 1 previous error; 2 warnings emitted")
        );
    }
}
