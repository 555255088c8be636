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

use std::collections::{BTreeMap, HashMap};
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

/// Where a node was found: its value, and for mapping entries also its key. Ends are exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NodeSpan {
    value: Location,
    end: Option<Location>,
    key: Option<Location>,
    key_end: Option<Location>,
    /// For a string written on one line whose characters map one to one onto the source (plain, or
    /// quoted without escapes): where its first character is, and a hash of its text, so that a value
    /// an overlay changed is never located by the original's positions.
    text: Option<(Location, u64)>,
}

/// The parts of a [`NodeSpan`] a loader knows when it records a node.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Recorded {
    pub(crate) end: Option<Location>,
    pub(crate) key: Option<(Location, Location)>,
    /// Where a string's first character is, when its text maps one to one onto the source.
    pub(crate) text_start: Option<Location>,
}

/// Identifies a string's text (see [`NodeSpan::text`]); only compared within one process.
pub(crate) fn text_hash(text: &str) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
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

    /// Where the value at `pointer` ends (exclusive), when known.
    pub fn end(&self, pointer: &str) -> Option<Location> {
        self.map.get(pointer).and_then(|s| s.end)
    }

    /// Where the key of the mapping entry at `pointer` ends (exclusive), when it is one.
    pub fn key_end(&self, pointer: &str) -> Option<Location> {
        self.map.get(pointer).and_then(|s| s.key_end)
    }

    /// Start and (when known) end of `pointer` or, as [`nearest`](Self::nearest), of its nearest
    /// located ancestor.
    pub fn nearest_range(&self, pointer: &str) -> Option<(Location, Option<Location>)> {
        let mut current = pointer;
        loop {
            if let Some(span) = self.map.get(current) {
                return Some((span.value, span.end));
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return None,
            }
        }
    }

    /// Where the bytes `range` of the string `text` at `pointer` are in the source: exact when the
    /// string was written on one line without escapes and is still the text that was loaded;
    /// `None` otherwise (folded, escaped or block scalars, values changed by an overlay), when callers
    /// fall back to the whole value.
    pub fn text_range(&self, pointer: &str, text: &str, range: std::ops::Range<usize>) -> Option<(Location, Location)> {
        let (start, hash) = self.map.get(pointer)?.text?;
        if hash != text_hash(text) {
            return None;
        }
        let column = |byte: usize| text.get(..byte).map(|before| start.column + before.chars().count());
        let (from, to) = (column(range.start)?, column(range.end.max(range.start))?);
        Some((Location { line: start.line, column: from }, Location { line: start.line, column: to }))
    }

    /// Records the position of a value (used by the loaders, and by overlays that add nodes).
    pub fn insert(&mut self, pointer: impl Into<String>, value: Location) {
        self.map.insert(pointer.into(), NodeSpan { value, end: None, key: None, key_end: None, text: None });
    }

    /// Number of located nodes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Records a node; `text` is the value when it is a string (for [`text_range`](Self::text_range)).
    fn insert_entry(&mut self, pointer: String, value: Location, recorded: Recorded, text: Option<&str>) {
        let text = recorded.text_start.zip(text.map(text_hash));
        let (key, key_end) = recorded.key.map_or((None, None), |(start, end)| (Some(start), Some(end)));
        self.map.insert(pointer, NodeSpan { value, end: recorded.end, key, key_end, text });
    }

    /// Records where a collection recorded earlier ends, once its end is reached.
    /// Keeps every position inside the text whose `lines` these are (see [`clamp`]).
    fn clamp(&mut self, lines: &[usize]) {
        for span in self.map.values_mut() {
            let NodeSpan { value, end, key, key_end, text } = span;
            let text = text.as_mut().map(|(start, _)| start);
            for location in [Some(value), end.as_mut(), key.as_mut(), key_end.as_mut(), text].into_iter().flatten() {
                clamp(location, lines);
            }
        }
    }

    fn set_end(&mut self, pointer: &str, end: Location) {
        if let Some(span) = self.map.get_mut(pointer) {
            span.end = Some(end);
        }
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

    /// Keeps the position inside the text whose `lines` these are (see [`clamp`]).
    fn within(mut self, lines: &[usize]) -> Self {
        if let Some(location) = &mut self.location {
            clamp(location, lines);
        }
        self
    }
}

/// The length in characters of each line of `text`; YAML also breaks lines at a lone `\r`.
fn line_lengths(text: &str, yaml: bool) -> Vec<usize> {
    let lines: Vec<&str> = if yaml {
        text.split("\r\n").flat_map(|part| part.split(['\r', '\n'])).collect()
    } else {
        text.split('\n').collect()
    };
    lines.iter().map(|line| line.chars().count()).collect()
}

/// Moves a position that lies past the end of its line, or after the last line, to the end of that
/// line or of the text, where an editor can show it. Both happen with saphyr (found by fuzzing): at
/// the end of a text that lacks a final line break it reports positions on the line after the last
/// one, and it counts a directive name's bytes as characters (saphyr-parser 0.3.4,
/// `fetch_while_is_yaml_non_space`), so a column can run past the end of its line.
fn clamp(location: &mut Location, lines: &[usize]) {
    if location.line > lines.len() {
        location.line = lines.len().max(1);
        location.column = usize::MAX;
    }
    let chars = lines.get(location.line.saturating_sub(1)).copied().unwrap_or(0);
    location.column = location.column.min(chars + 1);
}

/// Reads and parses `path`; YAML or JSON is decided by the content, not the extension.
pub fn load_file(path: &Path) -> Result<Loaded, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| Located::new(e.into(), None, "").into_diagnostic(path))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        // Located at the first byte that is not UTF-8: what comes before it is text.
        let before = String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]).into_owned();
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        let at = Location { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 };
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not UTF-8 ({e})"));
        Located::new(io.into(), Some(at), "").into_diagnostic(path)
    })?;
    load_str(path, &text)
}

/// Where documents are read from: the Arazzo document, and the OpenAPI and Arazzo documents its
/// sources name.
#[derive(Clone, Copy, Debug, Default)]
pub enum Files<'a> {
    /// The file system.
    #[default]
    Disk,
    /// Only this map of path -> content, looked up by the path exactly as resolved; the disk is never
    /// read, and a path missing from the map is reported like a missing file. For tools that hold
    /// documents in memory, tests and fuzzing.
    Memory(&'a BTreeMap<PathBuf, String>),
}

impl Files<'_> {
    /// Reads and parses `path` from these files.
    pub fn load(&self, path: &Path) -> Result<Loaded, Diagnostic> {
        match self {
            Files::Disk => load_file(path),
            Files::Memory(files) => match files.get(path) {
                Some(text) => load_str(path, text),
                None => {
                    let io = std::io::Error::new(std::io::ErrorKind::NotFound, "not among the in-memory files");
                    Err(Located::new(io.into(), None, "").into_diagnostic(path))
                }
            },
        }
    }

    /// What identifies `path` when looking for cycles: the canonical path on disk, the path itself in
    /// memory (where it is also the lookup key).
    pub(crate) fn identity(&self, path: &Path) -> PathBuf {
        match self {
            Files::Disk => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
            Files::Memory(_) => path.to_path_buf(),
        }
    }
}

/// Parses `text` as the content of `path` (the path is only used in the result and in diagnostics).
pub fn load_str(path: &Path, text: &str) -> Result<Loaded, Diagnostic> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = body.trim_start_matches([' ', '\t', '\r', '\n']).chars().next();
    let yaml = !matches!(first, Some('{' | '['));
    let parsed = match first {
        None => Err(Located::new(LoadError::Empty, Some(Location { line: 1, column: 1 }), "")),
        Some('{' | '[') => json::parse(body),
        Some(_) => yaml::parse(text),
    };
    parsed
        .map(|(value, mut spans)| {
            spans.clamp(&line_lengths(text, yaml));
            Loaded { path: path.to_path_buf(), value, spans }
        })
        .map_err(|e| e.within(&line_lengths(text, yaml)).into_diagnostic(path))
}

/// Appends one RFC 6901 reference token (`~` -> `~0`, `/` -> `~1`) to `pointer`.
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&escape_token(token));
}

/// An RFC 6901 reference token for `key`: `~` as `~0`, `/` as `~1`. The crate's only escaping, as
/// [`unescape_token`] is its only unescaping (serde_json reads pointers but exports neither).
pub(crate) fn escape_token(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(['~', '/']) { key.replace('~', "~0").replace('/', "~1").into() } else { key.into() }
}

/// The key an RFC 6901 reference token names: `~1` is `/`, then `~0` is `~` (in that order, so that
/// `~01` is `~1`).
pub(crate) fn unescape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') { token.replace("~1", "/").replace("~0", "~").into() } else { token.into() }
}
