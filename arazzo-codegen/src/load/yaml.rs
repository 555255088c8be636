//! YAML -> `serde_json::Value` + [`Spans`], built directly from saphyr-parser's events.
//!
//! Events rather than saphyr's node loader because the loader's alias budget does not count mapping
//! keys, so aliases inside complex keys still expand exponentially; here every node copied by an anchor
//! or an alias is counted against [`MAX_ALIAS_NODES`], and complex keys are refused anyway.
//!
//! Scalars follow the YAML 1.2 core schema:
//! - plain `null`/`Null`/`NULL`/`~`/empty -> null; `true`/`True`/`TRUE`/`false`/... -> booleans;
//! - plain integers (decimal, `0o17`, `0x1F`) -> numbers: i64, else u64, else (decimal only) f64 —
//!   digits beyond f64's precision are lost; octal/hex beyond u64 stay strings;
//! - plain floats -> f64; `.inf`, `-.inf`, `.nan` and overflowing floats have no JSON form and stay
//!   strings as written;
//! - quoted and block scalars are always strings, whatever their tag;
//! - tags: `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` are honoured (a plain value that does not
//!   fit its tag is an error); other `!!` tags (`!!binary`, `!!timestamp`) keep the text as a string;
//!   the non-specific `!` makes a string; local tags (`!thing`) are ignored; tags on collections are
//!   ignored.
//!
//! Keys are taken as written (`200:` -> `"200"`, `true:` -> `"true"`); two keys with the same text
//! are a duplicate even when one was quoted. YAML 1.1 merge keys (`<<`) are ordinary keys.
//! Descendants of a node copied by an alias have no span of their own (see [`Spans::nearest`]).

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};

use super::{LoadError, Located, MAX_ALIAS_NODES, MAX_DEPTH, Recorded, Spans, push_token};
use crate::diagnostic::Location;

fn location(marker: Marker) -> Location {
    Location { line: marker.line(), column: marker.col() + 1 }
}

/// Where a scalar's first character is in the source, when its characters map one to one onto the
/// source: on one line, and as long as written (plain) or as written less its quotes (quoted). Any
/// escape (`\t`, `''`) makes the written form longer, so it is never mistaken for exact.
fn text_start(text: &str, style: ScalarStyle, start: Marker, end: Marker) -> Option<Location> {
    if start.line() != end.line() {
        return None;
    }
    let written = end.index().checked_sub(start.index())?;
    let chars = text.chars().count();
    let at = location(start);
    match style {
        ScalarStyle::Plain if written == chars => Some(at),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if written == chars + 2 => {
            Some(Location { column: at.column + 1, ..at })
        }
        _ => None,
    }
}

/// Where quoted scalars and flow collections end. Saphyr ends their spans after the spaces and
/// comment that follow them on the line (`"x" # note`, `{a: 1} # note`), which would underline the
/// comment too; the span ends here at the closing quote or bracket, found in the source. Events
/// come in source order, so one cursor walks the text once.
struct SourceEnds<'t> {
    text: &'t str,
    /// The cursor, in characters (saphyr's markers count characters) and in bytes.
    chars: usize,
    bytes: usize,
}

impl SourceEnds<'_> {
    /// Moves the cursor to the character `index` (saphyr's markers count characters); the rest
    /// of the text from there.
    fn seek(&mut self, index: usize) -> Option<&str> {
        if index < self.chars {
            (self.chars, self.bytes) = (0, 0);
        }
        while self.chars < index {
            self.bytes += self.text.get(self.bytes..)?.chars().next()?.len_utf8();
            self.chars += 1;
        }
        self.text.get(self.bytes..)
    }

    /// The marker just past the `}` or `]` at `start` that closes a flow collection; `None` for a
    /// block collection, whose end is where saphyr says.
    fn bracket_end(&mut self, start: Marker) -> Option<Marker> {
        let first = self.seek(start.index())?.chars().next()?;
        matches!(first, '}' | ']').then(|| Marker::new(start.index() + 1, start.line(), start.col() + 1))
    }

    /// The marker just past the closing quote of the quoted scalar that starts at `start`; `None`
    /// if the source there is not one (the caller keeps saphyr's span).
    fn end(&mut self, start: Marker, style: ScalarStyle) -> Option<Marker> {
        let quote = match style {
            ScalarStyle::SingleQuoted => '\'',
            ScalarStyle::DoubleQuoted => '"',
            _ => return None,
        };
        let mut rest = self.seek(start.index())?.chars().peekable();
        if rest.next()? != quote {
            return None;
        }
        let (mut index, mut line, mut col) = (start.index() + 1, start.line(), start.col() + 1);
        // A line break is `\n`, `\r\n` or a lone `\r`, as YAML reads them.
        let mut after_cr = false;
        let mut step = |c: char| {
            index += 1;
            match c {
                '\n' if after_cr => {}
                '\n' | '\r' => {
                    line += 1;
                    col = 0;
                }
                _ => col += 1,
            }
            after_cr = c == '\r';
        };
        loop {
            let c = rest.next()?;
            step(c);
            if quote == '"' && c == '\\' {
                step(rest.next()?);
            } else if c == quote {
                // `''` is a quote inside a single-quoted scalar.
                if quote == '\'' && rest.peek() == Some(&'\'') {
                    step(rest.next()?);
                    continue;
                }
                return Some(Marker::new(index, line, col));
            }
        }
    }
}

/// A value that an alias can copy.
struct Anchor {
    value: Value,
    /// The scalar's text when the anchored node is a scalar, so that it can also serve as a key.
    key_text: Option<String>,
    nodes: usize,
    height: usize,
}

enum Container {
    Seq(Vec<Value>),
    /// The mapping so far and the key (with its start and end) waiting for its value.
    Map(Map<String, Value>, Option<(String, (Location, Location))>),
}

/// A sequence or mapping being filled.
struct Frame {
    container: Container,
    pointer: String,
    anchor: usize,
    /// Nodes in this subtree, itself and keys included (what copying it costs).
    nodes: usize,
    /// Collections nested in this subtree, itself included.
    height: usize,
}

/// Where the next node goes.
enum Slot {
    Key,
    /// A value at this pointer; the start and end of its key when it is a mapping entry.
    Value(String, Option<(Location, Location)>),
}

struct Builder {
    frames: Vec<Frame>,
    anchors: HashMap<usize, Anchor>,
    root: Option<Value>,
    spans: Spans,
    alias_budget: usize,
}

pub(super) fn parse(text: &str) -> Result<(Value, Spans), Located> {
    let mut builder = Builder {
        frames: Vec::new(),
        anchors: HashMap::new(),
        root: None,
        spans: Spans::default(),
        alias_budget: MAX_ALIAS_NODES,
    };
    let mut source_ends = SourceEnds { text, chars: 0, bytes: 0 };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0usize;
    let mut empty_root = false;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            Located::new(LoadError::Yaml(e.info().to_string()), Some(location(*e.marker())), builder.pointer_hint())
        })?;
        let span_end = match &event {
            Event::Scalar(_, style, ..) => source_ends.end(span.start, *style),
            Event::SequenceEnd | Event::MappingEnd => source_ends.bracket_end(span.start),
            _ => None,
        }
        .filter(|end| end.index() <= span.end.index())
        .unwrap_or(span.end);
        let at = location(span.start);
        let end = location(span_end);
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(Located::new(LoadError::MultipleDocuments, Some(at), ""));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                if builder.frames.is_empty() && style == ScalarStyle::Plain && text.is_empty() && tag.is_none() {
                    empty_root = true;
                }
                let exact = text_start(&text, style, span.start, span_end);
                builder.scalar(&text, style, anchor, tag.as_deref(), (at, end), exact)?;
            }
            Event::Alias(id) => builder.alias(id, (at, end))?,
            Event::SequenceStart(anchor, _) => builder.start(Container::Seq(Vec::new()), anchor, at)?,
            Event::MappingStart(anchor, _) => builder.start(Container::Map(Map::new(), None), anchor, at)?,
            Event::SequenceEnd | Event::MappingEnd => builder.end(at, end)?,
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    match builder.root {
        Some(value) if !empty_root => Ok((value, builder.spans)),
        _ => Err(Located::new(LoadError::Empty, Some(Location { line: 1, column: 1 }), "")),
    }
}

impl Builder {
    /// The pointer of the innermost open collection, to locate parser errors in reports.
    fn pointer_hint(&self) -> String {
        self.frames.last().map(|f| f.pointer.clone()).unwrap_or_default()
    }

    fn slot(&self) -> Slot {
        match self.frames.last() {
            None => Slot::Value(String::new(), None),
            Some(Frame { container: Container::Seq(items), pointer, .. }) => {
                Slot::Value(format!("{pointer}/{}", items.len()), None)
            }
            Some(Frame { container: Container::Map(_, None), .. }) => Slot::Key,
            Some(Frame { container: Container::Map(_, Some((key, key_span))), pointer, .. }) => {
                let mut child = pointer.clone();
                push_token(&mut child, key);
                Slot::Value(child, Some(*key_span))
            }
        }
    }

    fn scalar(
        &mut self,
        text: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        (at, end): (Location, Location),
        text_start: Option<Location>,
    ) -> Result<(), Located> {
        let slot = self.slot();
        let pointer = match &slot {
            Slot::Key => self.pointer_hint(),
            Slot::Value(pointer, _) => pointer.clone(),
        };
        let value = resolve_scalar(text, style, tag).map_err(|e| Located::new(e, Some(at), pointer.as_str()))?;
        if anchor > 0 {
            let key_text = Some(text.to_string());
            self.anchors.insert(anchor, Anchor { value: value.clone(), key_text, nodes: 1, height: 0 });
        }
        match slot {
            Slot::Key => self.key(text.to_string(), (at, end)),
            Slot::Value(pointer, key) => {
                let recorded = Recorded { end: Some(end), key, text_start };
                self.spans.insert_entry(pointer.clone(), at, recorded, value.as_str());
                self.place(value, 1, 0, &pointer)
            }
        }
    }

    fn key(&mut self, key: String, (at, end): (Location, Location)) -> Result<(), Located> {
        if let Some(Frame { container: Container::Map(map, pending), pointer, .. }) = self.frames.last_mut() {
            if map.contains_key(&key) {
                let mut entry = pointer.clone();
                push_token(&mut entry, &key);
                return Err(Located::new(LoadError::DuplicateKey(key), Some(at), entry));
            }
            *pending = Some((key, (at, end)));
        }
        Ok(())
    }

    fn alias(&mut self, id: usize, (at, end): (Location, Location)) -> Result<(), Located> {
        let slot = self.slot();
        let Some(anchor) = self.anchors.get(&id) else {
            return Err(Located::new(LoadError::UnknownAnchor(id), Some(at), self.pointer_hint()));
        };
        match slot {
            Slot::Key => match anchor.key_text.clone() {
                Some(key) => self.key(key, (at, end)),
                None => Err(Located::new(LoadError::ComplexKey, Some(at), self.pointer_hint())),
            },
            Slot::Value(pointer, key) => {
                if self.frames.len() + anchor.height > MAX_DEPTH {
                    return Err(Located::new(LoadError::TooDeep, Some(at), pointer));
                }
                let (nodes, height) = (anchor.nodes, anchor.height);
                let value = self.copy(id, at, &pointer)?;
                // Located at the alias, whose text is not the value's.
                self.spans.insert_entry(pointer.clone(), at, Recorded { end: Some(end), key, text_start: None }, None);
                self.place(value, nodes, height, &pointer)
            }
        }
    }

    /// Copies anchor `id`, charging its size to the alias budget.
    fn copy(&mut self, id: usize, at: Location, pointer: &str) -> Result<Value, Located> {
        let Some(anchor) = self.anchors.get(&id) else {
            return Err(Located::new(LoadError::UnknownAnchor(id), Some(at), pointer));
        };
        self.alias_budget = self
            .alias_budget
            .checked_sub(anchor.nodes)
            .ok_or_else(|| Located::new(LoadError::TooManyAliases, Some(at), pointer))?;
        Ok(anchor.value.clone())
    }

    fn start(&mut self, container: Container, anchor: usize, at: Location) -> Result<(), Located> {
        match self.slot() {
            Slot::Key => Err(Located::new(LoadError::ComplexKey, Some(at), self.pointer_hint())),
            Slot::Value(pointer, key) => {
                if self.frames.len() >= MAX_DEPTH {
                    return Err(Located::new(LoadError::TooDeep, Some(at), pointer));
                }
                // The end is known when the collection ends (see `end`).
                self.spans.insert_entry(pointer.clone(), at, Recorded { end: None, key, text_start: None }, None);
                self.frames.push(Frame { container, pointer, anchor, nodes: 1, height: 1 });
                Ok(())
            }
        }
    }

    fn end(&mut self, at: Location, end: Location) -> Result<(), Located> {
        let Some(frame) = self.frames.pop() else {
            return Err(Located::new(LoadError::Yaml("unbalanced end of collection".into()), Some(at), ""));
        };
        self.spans.set_end(&frame.pointer, end);
        let value = match frame.container {
            Container::Seq(items) => Value::Array(items),
            Container::Map(map, _) => Value::Object(map),
        };
        if frame.anchor > 0 {
            // Keeping a copy for later aliases costs as much as an alias does.
            self.alias_budget = self
                .alias_budget
                .checked_sub(frame.nodes)
                .ok_or_else(|| Located::new(LoadError::TooManyAliases, Some(at), frame.pointer.as_str()))?;
            let anchor = Anchor { value: value.clone(), key_text: None, nodes: frame.nodes, height: frame.height };
            self.anchors.insert(frame.anchor, anchor);
        }
        self.place(value, frame.nodes, frame.height, &frame.pointer)
    }

    /// Puts a finished node into the open collection (or makes it the root).
    fn place(&mut self, value: Value, nodes: usize, height: usize, pointer: &str) -> Result<(), Located> {
        let Some(parent) = self.frames.last_mut() else {
            self.root = Some(value);
            return Ok(());
        };
        parent.height = parent.height.max(height + 1);
        match &mut parent.container {
            Container::Seq(items) => {
                parent.nodes += nodes;
                items.push(value);
            }
            Container::Map(map, pending) => {
                let Some((key, _)) = pending.take() else {
                    return Err(Located::new(LoadError::Yaml("mapping value without a key".into()), None, pointer));
                };
                parent.nodes += nodes + 1;
                map.insert(key, value);
            }
        }
        Ok(())
    }
}

/// Resolves one scalar per the rules in the module documentation.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, LoadError> {
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_string()));
    }
    let Some(tag) = tag else {
        return Ok(resolve_plain(text));
    };
    if !tag.is_yaml_core_schema() {
        // `!` alone (the non-specific tag) asks for a string; local tags are not ours to interpret.
        let non_specific = (tag.handle == "!" && tag.suffix.is_empty()) || (tag.handle.is_empty() && tag.suffix == "!");
        return Ok(if non_specific { Value::String(text.to_string()) } else { resolve_plain(text) });
    }
    let resolved = resolve_plain(text);
    let fits = match tag.suffix.as_str() {
        "str" => return Ok(Value::String(text.to_string())),
        "null" => resolved.is_null(),
        "bool" => resolved.is_boolean(),
        "int" => resolved.is_i64() || resolved.is_u64() || (resolved.is_f64() && is_decimal_int(text)),
        "float" => resolved.is_number() || is_special_float(text),
        _ => return Ok(Value::String(text.to_string())),
    };
    if fits {
        Ok(resolved)
    } else {
        Err(LoadError::BadTaggedScalar { text: text.to_string(), tag: tag.suffix.clone() })
    }
}

/// Core-schema resolution of an untagged plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let radix = |digits: &str, radix: u32| {
        let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        valid.then(|| u64::from_str_radix(digits, radix).ok()).flatten()
    };
    if let Some(digits) = text.strip_prefix("0x") {
        return radix(digits, 16).map_or_else(|| Value::String(text.into()), |n| Value::Number(n.into()));
    }
    if let Some(digits) = text.strip_prefix("0o") {
        return radix(digits, 8).map_or_else(|| Value::String(text.into()), |n| Value::Number(n.into()));
    }
    if is_decimal_int(text) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Ok(n) = text.trim_start_matches('+').parse::<u64>() {
            return Value::Number(n.into());
        }
    }
    if is_decimal_int(text) || is_float(text) {
        let number = text.parse::<f64>().ok().and_then(Number::from_f64);
        if let Some(number) = number {
            return Value::Number(number);
        }
    }
    Value::String(text.to_string())
}

/// `[-+]?[0-9]+`
fn is_decimal_int(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(cut) => (&body[..cut], Some(&body[cut + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac_part {
        None => !int_part.is_empty() && all_digits(int_part),
        Some(frac) => all_digits(int_part) && all_digits(frac) && (!int_part.is_empty() || !frac.is_empty()),
    };
    let exponent_ok = exponent.is_none_or(is_decimal_int);
    mantissa_ok && exponent_ok
}

fn is_special_float(text: &str) -> bool {
    matches!(
        text,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Bool(true));
        assert_eq!(resolve_plain("yes"), Value::String("yes".into()), "YAML 1.1 booleans are strings in 1.2");
        assert_eq!(resolve_plain("0x1F"), Value::from(31));
        assert_eq!(resolve_plain("0o17"), Value::from(15));
        assert_eq!(resolve_plain("0o19"), Value::String("0o19".into()));
        assert_eq!(resolve_plain("-12"), Value::from(-12));
        assert_eq!(resolve_plain("+12"), Value::from(12));
        assert_eq!(resolve_plain("18446744073709551615"), Value::from(u64::MAX));
        assert_eq!(resolve_plain("1e3"), Value::from(1000.0));
        assert_eq!(resolve_plain(".5"), Value::from(0.5));
        assert_eq!(resolve_plain("1."), Value::from(1.0));
        assert_eq!(resolve_plain("."), Value::String(".".into()));
        assert_eq!(resolve_plain(".inf"), Value::String(".inf".into()));
        assert_eq!(resolve_plain("1e999"), Value::String("1e999".into()));
        assert_eq!(resolve_plain("1.2.3"), Value::String("1.2.3".into()));
        assert_eq!(resolve_plain("3.0.3"), Value::String("3.0.3".into()));
        assert_eq!(resolve_plain("1_000"), Value::String("1_000".into()));
        assert_eq!(resolve_plain("infinity"), Value::String("infinity".into()));
    }

    #[test]
    fn big_decimal_integers_become_floats() {
        assert_eq!(resolve_plain("123456789012345678901234"), Value::from(1.2345678901234568e23));
    }
}
