//! Loading YAML and JSON documents into `serde_json::Value`, keeping the line and column of every node.
//!
//! Both paths produce the same [`Loaded`]: an order-preserving value and [`Spans`] that map the JSON
//! pointer of every node to where its value starts (and, for mapping entries, where its key starts).
//!
//! - Content whose first non-blank character is `{` or `[` is JSON: `serde_json` parses it (exact JSON
//!   numbers and escapes, nesting limit 128) and a light scan of the validated text records the spans.
//!   saphyr is not used there because it rejects valid JSON such as a tab after `:`.
//! - Everything else is YAML, read from saphyr-parser's event stream (see the `yaml` submodule).
//!
//! Rules shared by both: one document per file, duplicate keys are an error located at the second key,
//! nesting is limited to [`MAX_DEPTH`] levels. YAML specifics are documented in the `yaml` submodule.

mod json;
mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Location, json_path_of_pointer};

/// Deepest nesting of sequences/mappings accepted (the same limit serde_json applies to JSON), so that
/// recursive code over the value can never overflow the stack.
pub const MAX_DEPTH: usize = 128;

/// Most nodes that YAML anchors and aliases may copy in one document ("billion laughs" protection).
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// A document read from disk, with the position of each node.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub path: PathBuf,
    /// The document, key order preserved.
    pub value: Value,
    pub spans: Spans,
}

/// Where a node was found: its value, and for mapping entries also its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NodeSpan {
    value: Location,
    key: Option<Location>,
}

/// JSON pointer (RFC 6901, `""` for the root) -> position of the node in the source.
///
/// Nodes copied from a YAML anchor by an alias are located at the alias only; their descendants are
/// found by [`Spans::nearest`].
#[derive(Clone, Debug, Default)]
pub struct Spans {
    map: HashMap<String, NodeSpan>,
}

impl Spans {
    /// Position of the value at `pointer` (for a mapping entry: the value, not the key).
    pub fn get(&self, pointer: &str) -> Option<Location> {
        self.map.get(pointer).map(|s| s.value)
    }

    /// Position of the key of the mapping entry at `pointer`, when it is one.
    pub fn key(&self, pointer: &str) -> Option<Location> {
        self.map.get(pointer).and_then(|s| s.key)
    }

    /// Position of `pointer` or, when it has none (nodes added by overlays, content copied by aliases),
    /// of its nearest located ancestor.
    pub fn nearest(&self, pointer: &str) -> Option<Location> {
        let mut current = pointer;
        loop {
            if let Some(location) = self.get(current) {
                return Some(location);
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return None,
            }
        }
    }

    /// Records the position of a value (used by the loaders, and by overlays that add nodes).
    pub fn insert(&mut self, pointer: impl Into<String>, value: Location) {
        self.map.insert(pointer.into(), NodeSpan { value, key: None });
    }

    /// Number of located nodes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn insert_entry(&mut self, pointer: String, value: Location, key: Option<Location>) {
        self.map.insert(pointer, NodeSpan { value, key });
    }
}

/// Why a document could not be loaded; becomes the message of the [`Diagnostic`].
#[derive(Debug, thiserror::Error)]
enum LoadError {
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty: expected a YAML or JSON document")]
    Empty,
    #[error("malformed YAML: {0}")]
    Yaml(String),
    #[error("malformed JSON: {0}")]
    Json(String),
    #[error("more than one YAML document in the file; only one is supported")]
    MultipleDocuments,
    #[error("duplicate key `{0}` in mapping")]
    DuplicateKey(String),
    #[error("too many alias expansions: anchors and aliases would copy more than {MAX_ALIAS_NODES} nodes")]
    TooManyAliases,
    #[error("alias `*{0}` refers to no anchor")]
    UnknownAnchor(usize),
    #[error("mapping keys must be scalars; sequences and mappings as keys are not supported")]
    ComplexKey,
    #[error("nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("`{text}` is not a valid `!!{tag}` value")]
    BadTaggedScalar { text: String, tag: String },
}

/// A [`LoadError`] with the place it refers to.
#[derive(Debug)]
struct Located {
    error: LoadError,
    location: Option<Location>,
    pointer: String,
}

impl Located {
    fn new(error: LoadError, location: Option<Location>, pointer: impl Into<String>) -> Self {
        Self { error, location, pointer: pointer.into() }
    }

    fn into_diagnostic(self, path: &Path) -> Diagnostic {
        Diagnostic::error(path, self.location, json_path_of_pointer(&self.pointer), self.error.to_string())
    }
}

/// Reads and parses `path`; YAML or JSON is decided by the content, not the extension.
pub fn load_file(path: &Path) -> Result<Loaded, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| Located::new(e.into(), None, "").into_diagnostic(path))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not UTF-8 ({e})"));
        Located::new(io.into(), None, "").into_diagnostic(path)
    })?;
    load_str(path, &text)
}

/// Parses `text` as the content of `path` (the path is only used in the result and in diagnostics).
pub fn load_str(path: &Path, text: &str) -> Result<Loaded, Diagnostic> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = body.trim_start_matches([' ', '\t', '\r', '\n']).chars().next();
    let parsed = match first {
        None => Err(Located::new(LoadError::Empty, None, "")),
        Some('{' | '[') => json::parse(body),
        Some(_) => yaml::parse(text),
    };
    parsed.map(|(value, spans)| Loaded { path: path.to_path_buf(), value, spans }).map_err(|e| e.into_diagnostic(path))
}

/// Appends one RFC 6901 reference token (`~` -> `~0`, `/` -> `~1`) to `pointer`.
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}
