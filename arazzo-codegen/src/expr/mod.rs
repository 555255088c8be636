//! Arazzo runtime expressions (1.0.1, and what 1.1.0 adds: `$self`, `$message.*`).
//!
//! The parser reads the union of both grammars; what one version does not allow (`$self` in a 1.0
//! document, `{` in a 1.1 input name) is reported by `check::version::expression`, which knows the
//! document's version.
//!
//! [`parse`] follows the 1.0.1 ABNF:
//!
//! ```text
//! expression = "$url" / "$method" / "$statusCode" / "$request." source / "$response." source
//!            / "$inputs." name / "$outputs." name / "$steps." name / "$workflows." name
//!            / "$sourceDescriptions." name / "$components." name / "$components.parameters." name
//! source     = "header." token / "query." name / "path." name / "body" ["#" json-pointer]
//! ```
//!
//! `name = *CHAR` admits almost anything (`$inputs.foo}` is valid 1.0.1 even though 1.1 rejects it),
//! so most of the structure below is *interpretation* of a name, chosen to match how documents use it:
//!
//! - `$inputs.x#/p`, `$outputs.x#/p`, `$steps.s.outputs.o#/p` and `$workflows.w.{inputs,outputs}.o#/p`
//!   split a JSON pointer off at the first `#` (real documents write `$inputs.customer#/firstName`).
//!   What follows `#` must then be a valid JSON pointer.
//! - Step, workflow and source description names are identifiers (`[A-Za-z0-9_-]+`, the spec's
//!   recommended pattern) and must not be empty. Whatever follows a step or workflow id that is not
//!   `.outputs.<name>` (or `.inputs.<name>`) is kept verbatim in `rest`, so that
//!   `$steps.s.finalizedPaymentPlan` (valid 1.0.1, seen in the wild) parses and the checker can explain it.
//! - `$sourceDescriptions.<name>` must be followed by `.<member>` (an operationId, a workflowId or
//!   `url`); the member keeps its dots (`v1.integration.get`).
//! - Names may not contain control characters (RFC 7159 requires them escaped). Spaces are allowed
//!   in a whole-value expression, as the ABNF says; embedded and condition contexts cut the
//!   expression at whitespace before it reaches this parser.
//!
//! Every accepted string prints back unchanged through `Display`.

use std::fmt;

mod template;

pub use template::{
    TemplatePart, embedded_all_in_condition, embedded_in_condition, parse_template, starts_like_expression,
};

/// A parsed runtime expression. Names and pointers are kept exactly as written (pointers in their
/// escaped RFC 6901 form, e.g. `/paths/~1pets`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// `$url`
    Url,
    /// `$method`
    Method,
    /// `$statusCode`
    StatusCode,
    /// `$request.<source>`
    Request(Source),
    /// `$response.<source>`
    Response(Source),
    /// `$inputs.<name>[#<pointer>]`
    Inputs { name: String, pointer: Option<String> },
    /// `$outputs.<name>[#<pointer>]`
    Outputs { name: String, pointer: Option<String> },
    /// `$steps.<step>.outputs.<output>[#<pointer>]`; for any other shape `output` and `pointer`
    /// are `None` and `rest` holds the text after the step id verbatim (`""` for `$steps.s`).
    Steps { step: String, output: Option<String>, pointer: Option<String>, rest: String },
    /// `$workflows.<workflow>.<field>.<name>[#<pointer>]` with field `inputs` or `outputs`; for any
    /// other shape `field` and `name` are empty, `pointer` is `None` and `rest` holds the text after
    /// the workflow id verbatim.
    Workflows { workflow: String, field: String, name: String, pointer: Option<String>, rest: String },
    /// `$sourceDescriptions.<name>.<rest>`; `rest` is an operationId, a workflowId or `url`.
    SourceDescriptions { name: String, rest: String },
    /// `$components.<kind>.<name><rest>`: `name` is a component key (`[A-Za-z0-9._-]+`) and `rest`
    /// whatever follows it (normally empty). When no key follows the kind, `name` is empty and `rest`
    /// holds the text after the kind verbatim.
    Components { kind: String, name: String, rest: String },
    /// `$self` (Arazzo 1.1): the URI of the document, as its `$self` field gives it.
    SelfUri,
    /// `$message.<rest>` (Arazzo 1.1, AsyncAPI messages), kept verbatim.
    Message { rest: String },
}

/// Where `$request.` / `$response.` read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// `header.<token>`
    Header(String),
    /// `query.<name>` (the name may be empty, as the ABNF allows)
    Query(String),
    /// `path.<name>` (the name may be empty, as the ABNF allows)
    Path(String),
    /// `body` (`None`) or `body#<pointer>` (`Some`, possibly `""` for the whole document)
    Body(Option<String>),
}

/// A syntax error in an expression, template or condition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at byte {offset})")]
pub struct ExprError {
    /// Byte offset of the problem in the text that was parsed.
    pub offset: usize,
    pub message: String,
}

impl ExprError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        ExprError { offset, message: message.into() }
    }

    /// Re-bases the offset when the parsed text was a slice of a larger string.
    pub(crate) fn shifted(mut self, by: usize) -> Self {
        self.offset += by;
        self
    }
}

/// Parses a string that must be exactly one runtime expression.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    let (expr, end) = parse_prefix(text, Mode::Whole)?;
    match text.get(end..).and_then(|s| s.chars().next()) {
        None => Ok(expr),
        Some(c) => Err(ExprError::new(end, format!("unexpected `{c}` after `{expr}`"))),
    }
}

/// How far the open-ended parts (names, pointers) of an expression may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The text is exactly one expression.
    Whole,
    /// A condition operand, already cut at whitespace and operators by the caller. Names and
    /// pointers also stop at `[` (an index), and nothing is consumed after `$statusCode`, `$url`,
    /// `$method`, a header token or a pointer-less `body`, so the caller can read `.field` / `[n]`
    /// navigation from the returned end offset.
    Operand,
}

/// The expression keywords of Arazzo (1.1 adds `$self` and `$message.`), for messages.
const KEYWORDS: &str = "$url, $method, $statusCode, $request., $response., $inputs., $outputs., \
                        $steps., $workflows., $sourceDescriptions., $components., $self, $message.";

/// Parses the expression at the start of `text`; returns it with the byte offset where it ends.
/// In [`Mode::Whole`] a successful parse either consumes everything or stops at a character
/// that no expression can continue with.
pub(crate) fn parse_prefix(text: &str, mode: Mode) -> Result<(Expr, usize), ExprError> {
    let mut c = Cursor { text, pos: 0, mode };
    if !c.eat("$") {
        return Err(c.error("a runtime expression starts with `$`"));
    }
    let keyword = c.take_while(|ch| ch.is_ascii_alphabetic());
    let expr = match keyword {
        "url" => Expr::Url,
        "method" => Expr::Method,
        "statusCode" => Expr::StatusCode,
        "request" => Expr::Request(c.dot_then(keyword, Cursor::source)?),
        "response" => Expr::Response(c.dot_then(keyword, Cursor::source)?),
        "inputs" | "outputs" if c.peek() == Some('#') => {
            // Neither version's grammar points into all inputs (or outputs) at once.
            return Err(c.error(format!(
                "`${keyword}` must be followed by `.` and a name: write `${keyword}.<name>#/<pointer>` to point into \
                 one of them"
            )));
        }
        "inputs" => {
            let (name, pointer) = c.dot_then(keyword, |c| c.name_and_pointer())?;
            Expr::Inputs { name, pointer }
        }
        "outputs" => {
            let (name, pointer) = c.dot_then(keyword, |c| c.name_and_pointer())?;
            Expr::Outputs { name, pointer }
        }
        "steps" => c.dot_then(keyword, Cursor::steps)?,
        "workflows" => c.dot_then(keyword, Cursor::workflows)?,
        "sourceDescriptions" => c.dot_then(keyword, Cursor::source_descriptions)?,
        "components" => c.dot_then(keyword, Cursor::components)?,
        "" => return Err(ExprError::new(1, format!("expected one of {KEYWORDS} after `$`"))),
        // Both are Arazzo 1.1; the checker refuses them in a 1.0 document (`check::version`).
        "self" => Expr::SelfUri,
        "message" => Expr::Message { rest: c.dot_then(keyword, |c| c.name(false).map(str::to_owned))? },
        other => {
            return Err(ExprError::new(
                1,
                format!("unknown runtime expression `${other}`; expected one of {KEYWORDS}"),
            ));
        }
    };
    Ok((expr, c.pos))
}

/// A position in the text being parsed. All positions are char boundaries: the parser only
/// advances by whole chars.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    mode: Mode,
}

/// The spec's recommended pattern for step ids, workflow ids and source description names.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Component keys must match `^[a-zA-Z0-9\.\-_]+$`.
fn is_component_key_char(c: char) -> bool {
    is_id_char(c) || c == '.'
}

/// RFC 7230 `tchar`.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn error(&self, message: impl Into<String>) -> ExprError {
        ExprError::new(self.pos, message)
    }

    fn eat(&mut self, literal: &str) -> bool {
        if self.rest().starts_with(literal) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let len = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// Requires the `.` that follows an expression keyword, then runs `then`.
    fn dot_then<T>(
        &mut self,
        keyword: &str,
        then: impl FnOnce(&mut Self) -> Result<T, ExprError>,
    ) -> Result<T, ExprError> {
        if !self.eat(".") {
            return Err(self.error(format!("expected `.` after `${keyword}`")));
        }
        then(self)
    }

    /// An ABNF `name` (also used for `rest` texts): runs to the end, or to `#` when a pointer may
    /// follow, or to `[` in a condition operand. Control characters are refused.
    fn name(&mut self, stop_at_hash: bool) -> Result<&'a str, ExprError> {
        let mode = self.mode;
        let start = self.pos;
        let ends = |c: char| (stop_at_hash && c == '#') || (mode == Mode::Operand && c == '[');
        let name = self.take_while(|c| !ends(c));
        if let Some((i, c)) = name.char_indices().find(|(_, c)| c.is_control()) {
            return Err(ExprError::new(start + i, format!("control character {c:?} in expression")));
        }
        Ok(name)
    }

    /// An optional `#` and RFC 6901 JSON pointer (kept escaped).
    fn pointer(&mut self) -> Result<Option<String>, ExprError> {
        if !self.eat("#") {
            return Ok(None);
        }
        let start = self.pos;
        let pointer = self.name(false)?;
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(ExprError::new(start, "a JSON pointer after `#` must be empty or start with `/`"));
        }
        // `~` only appears as the escapes `~0` (for `~`) and `~1` (for `/`).
        let bytes = pointer.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'~' && !matches!(bytes.get(i + 1), Some(b'0' | b'1')) {
                return Err(ExprError::new(
                    start + i,
                    "`~` in a JSON pointer must be escaped as `~0` (and `/` as `~1`)",
                ));
            }
        }
        Ok(Some(pointer.to_owned()))
    }

    fn name_and_pointer(&mut self) -> Result<(String, Option<String>), ExprError> {
        let name = self.name(true)?.to_owned();
        Ok((name, self.pointer()?))
    }

    fn id(&mut self, what: &str) -> Result<String, ExprError> {
        let id = self.take_while(is_id_char);
        if id.is_empty() {
            return Err(self.error(format!("expected {what} (letters, digits, `_` or `-`)")));
        }
        Ok(id.to_owned())
    }

    fn source(&mut self) -> Result<Source, ExprError> {
        let start = self.pos;
        match self.take_while(|c| c.is_ascii_alphabetic()) {
            "header" => {
                if !self.eat(".") {
                    return Err(self.error("expected `.` and a header name after `header`"));
                }
                let token = self.take_while(is_tchar);
                if token.is_empty() {
                    return Err(self.error("expected a header name (RFC 7230 token) after `header.`"));
                }
                Ok(Source::Header(token.to_owned()))
            }
            kind @ ("query" | "path") => {
                if !self.eat(".") {
                    return Err(self.error(format!("expected `.` and a parameter name after `{kind}`")));
                }
                let name = self.name(false)?.to_owned();
                Ok(if kind == "query" { Source::Query(name) } else { Source::Path(name) })
            }
            "body" => {
                // In an operand, `.field`/`[n]` after `body` is navigation, read by the caller.
                let follows_ok = self.at_end() || self.peek() == Some('#') || self.mode == Mode::Operand;
                if !follows_ok {
                    return Err(self.error("expected `#` and a JSON pointer (or nothing) after `body`"));
                }
                Ok(Source::Body(self.pointer()?))
            }
            _ => Err(ExprError::new(start, "expected `header.`, `query.`, `path.` or `body`")),
        }
    }

    fn steps(&mut self) -> Result<Expr, ExprError> {
        let step = self.id("a step id")?;
        let before = self.pos;
        if self.eat(".outputs.") && !matches!(self.peek(), None | Some('#' | '[')) {
            let (output, pointer) = self.name_and_pointer()?;
            return Ok(Expr::Steps { step, output: Some(output), pointer, rest: String::new() });
        }
        self.pos = before;
        let rest = self.name(false)?.to_owned();
        Ok(Expr::Steps { step, output: None, pointer: None, rest })
    }

    fn workflows(&mut self) -> Result<Expr, ExprError> {
        let workflow = self.id("a workflow id")?;
        let before = self.pos;
        for field in ["inputs", "outputs"] {
            if self.eat(&format!(".{field}.")) && !matches!(self.peek(), None | Some('#' | '[')) {
                let (name, pointer) = self.name_and_pointer()?;
                return Ok(Expr::Workflows { workflow, field: field.to_owned(), name, pointer, rest: String::new() });
            }
            self.pos = before;
        }
        let rest = self.name(false)?.to_owned();
        Ok(Expr::Workflows { workflow, field: String::new(), name: String::new(), pointer: None, rest })
    }

    fn source_descriptions(&mut self) -> Result<Expr, ExprError> {
        let name = self.id("a source description name")?;
        if !self.eat(".") {
            return Err(
                self.error("expected `.` and an operationId, workflowId or `url` after the source description name")
            );
        }
        let rest = self.name(false)?.to_owned();
        if rest.is_empty() {
            return Err(self.error("expected an operationId, workflowId or `url`"));
        }
        Ok(Expr::SourceDescriptions { name, rest })
    }

    fn components(&mut self) -> Result<Expr, ExprError> {
        let kind = self.id("a component kind such as `parameters`")?;
        let before = self.pos;
        let name = if self.eat(".") { self.take_while(is_component_key_char).to_owned() } else { String::new() };
        if name.is_empty() {
            self.pos = before;
        }
        let rest = self.name(false)?.to_owned();
        Ok(Expr::Components { kind, name, rest })
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Header(name) => write!(f, "header.{name}"),
            Source::Query(name) => write!(f, "query.{name}"),
            Source::Path(name) => write!(f, "path.{name}"),
            Source::Body(pointer) => write!(f, "body{}", Pointer(pointer)),
        }
    }
}

/// Formats an optional pointer as `#<pointer>` or nothing.
struct Pointer<'a>(&'a Option<String>);

impl fmt::Display for Pointer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(pointer) => write!(f, "#{pointer}"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Url => f.write_str("$url"),
            Expr::Method => f.write_str("$method"),
            Expr::StatusCode => f.write_str("$statusCode"),
            Expr::Request(source) => write!(f, "$request.{source}"),
            Expr::Response(source) => write!(f, "$response.{source}"),
            Expr::Inputs { name, pointer } => write!(f, "$inputs.{name}{}", Pointer(pointer)),
            Expr::Outputs { name, pointer } => write!(f, "$outputs.{name}{}", Pointer(pointer)),
            Expr::Steps { step, output: Some(output), pointer, .. } => {
                write!(f, "$steps.{step}.outputs.{output}{}", Pointer(pointer))
            }
            Expr::Steps { step, output: None, rest, .. } => write!(f, "$steps.{step}{rest}"),
            Expr::Workflows { workflow, field, name, pointer, rest } => {
                if field.is_empty() {
                    write!(f, "$workflows.{workflow}{rest}")
                } else {
                    write!(f, "$workflows.{workflow}.{field}.{name}{}", Pointer(pointer))
                }
            }
            Expr::SourceDescriptions { name, rest } => write!(f, "$sourceDescriptions.{name}.{rest}"),
            Expr::SelfUri => f.write_str("$self"),
            Expr::Message { rest } => write!(f, "$message.{rest}"),
            Expr::Components { kind, name, rest } => {
                write!(f, "$components.{kind}")?;
                if !name.is_empty() {
                    write!(f, ".{name}")?;
                }
                f.write_str(rest)
            }
        }
    }
}

/// What the 1.1 ABNF does not allow in an expression [`parse`] read (it reads the union of both
/// grammars), or `None`: input, output and workflow-field names are `identifier`s
/// (`[A-Za-z0-9.-_]+`), pointers hold no `{` or `}`, and there are three kinds of components.
pub fn v1_1_problem(expr: &Expr) -> Option<String> {
    let identifier = |what: &str, name: &str| {
        let fine = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        (!fine).then(|| format!("{what} `{name}` must be letters, digits, `.`, `-` or `_` (1.1's `identifier`)"))
    };
    let pointer = |pointer: &Option<String>| {
        pointer
            .as_deref()
            .filter(|pointer| pointer.contains(['{', '}']))
            .map(|_| "a JSON pointer cannot hold `{` or `}` (they delimit embedded expressions)".to_string())
    };
    match expr {
        Expr::Inputs { name, pointer: p } => identifier("an input name", name).or_else(|| pointer(p)),
        Expr::Outputs { name, pointer: p } => identifier("an output name", name).or_else(|| pointer(p)),
        Expr::Steps { output: Some(output), pointer: p, .. } => {
            identifier("an output name", output).or_else(|| pointer(p))
        }
        Expr::Workflows { field, name, pointer: p, .. } if !field.is_empty() => {
            identifier(&format!("an {} name", field.trim_end_matches('s')), name).or_else(|| pointer(p))
        }
        Expr::Request(Source::Body(p)) | Expr::Response(Source::Body(p)) => pointer(p),
        Expr::Components { kind, .. }
            if !matches!(kind.as_str(), "parameters" | "successActions" | "failureActions") =>
        {
            Some(format!("`{kind}` is not a kind of component (`parameters`, `successActions`, `failureActions`)"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
