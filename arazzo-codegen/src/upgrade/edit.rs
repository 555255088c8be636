//! Edits of the source text at the places the loader recorded, so that everything else (comments,
//! blank lines, quoting, key order, indentation) stays exactly as written.

use crate::diagnostic::Location;
use crate::load::{Loaded, escape_token};

/// Replaces the bytes `start..end` of the source with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Edit {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) text: String,
}

/// Why a value cannot be rewritten in place; the caller lists it for a human instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The loader recorded no position for it (a value copied by a YAML alias).
    Unlocated,
    /// A YAML block scalar (`|`, `>`): its text is spread over lines and indentation.
    BlockScalar,
    /// A mapping entry whose removal would leave the surrounding YAML malformed.
    Layout,
}

/// The source text and the positions the loader recorded in it.
pub(super) struct Source<'a> {
    pub(super) text: &'a str,
    pub(super) loaded: &'a Loaded,
    pub(super) json: bool,
    /// Byte offset of the start of each line.
    lines: Vec<usize>,
}

impl<'a> Source<'a> {
    pub(super) fn new(text: &'a str, loaded: &'a Loaded, json: bool) -> Self {
        // Lines as the loaders count them: YAML also breaks at a lone `\r`, JSON only at `\n`.
        let bytes = text.as_bytes();
        let mut lines = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => lines.push(i + 1),
                b'\r' if !json => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    lines.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        Self { text, loaded, json, lines }
    }

    /// The byte offset of a line and column (columns count characters).
    pub(super) fn offset(&self, location: Location) -> Option<usize> {
        let start = *self.lines.get(location.line.checked_sub(1)?)?;
        let line = self.text.get(start..)?;
        let column = location.column.checked_sub(1)?;
        match line.char_indices().nth(column) {
            Some((at, _)) => Some(start + at),
            // The end of the text, for a position just past its last character.
            None if line.chars().count() == column => Some(self.text.len()),
            None => None,
        }
    }

    /// Where the value at `pointer` is: its first and (exclusive) last byte.
    pub(super) fn value_range(&self, pointer: &str) -> Option<(usize, usize)> {
        let spans = &self.loaded.spans;
        let start = self.offset(spans.get(pointer)?)?;
        // saphyr ends a quoted scalar after the comment that follows it, if any: the closing quote is
        // found here instead.
        if !self.json
            && let Some(end) = self.quoted_end(start)
        {
            return Some((start, end));
        }
        let end = self.offset(spans.end(pointer)?)?;
        (start <= end).then_some((start, end))
    }

    /// Just after the closing quote of the YAML quoted scalar starting at `start`, if it is one.
    fn quoted_end(&self, start: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let quote = *bytes.get(start).filter(|b| matches!(b, b'"' | b'\''))?;
        let mut i = start + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' if quote == b'"' => i += 2,
                // `''` is an escaped quote in a single-quoted scalar.
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                _ if b == quote => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    /// The offset of each byte of the string `old` at `pointer` in the source, when it is written on
    /// one line exactly as it reads: plain, or quoted without escapes.
    pub(super) fn verbatim(&self, pointer: &str, old: &str) -> Option<usize> {
        let (start, end) = self.value_range(pointer)?;
        let written = self.text.get(start..end)?;
        let quoted = matches!(written.as_bytes().first(), Some(b'"' | b'\''));
        let inner = if quoted { written.get(1..written.len().checked_sub(1)?)? } else { written };
        (inner == old).then_some(start + usize::from(quoted))
    }

    /// The first byte of the value at `pointer` (a quote, a block indicator, a bracket...).
    pub(super) fn first_byte(&self, pointer: &str) -> Option<u8> {
        self.value_range(pointer).and_then(|(start, _)| self.byte_at(start))
    }

    fn byte_at(&self, offset: usize) -> Option<u8> {
        self.text.as_bytes().get(offset).copied()
    }

    /// Whether the node at `pointer` sits inside a flow collection (`{...}`, `[...]`, or any JSON),
    /// where `{`, `}`, `,`, `[` and `]` end a plain scalar.
    fn in_flow(&self, pointer: &str) -> bool {
        if self.json {
            return true;
        }
        let mut current = pointer;
        while let Some(cut) = current.rfind('/') {
            current = &current[..cut];
            let start = self.loaded.spans.get(current).and_then(|at| self.offset(at));
            if start.and_then(|at| self.byte_at(at)).is_some_and(|b| b == b'{' || b == b'[') {
                return true;
            }
        }
        false
    }

    /// Inserts `insertions` (byte offset in the string's text, what to insert) into the string value at
    /// `pointer`, whose text is `old`. In place when the string is written on one line without escapes
    /// and stays valid as written; otherwise the whole value is written again, quoted.
    pub(super) fn insert_into_string(
        &self,
        pointer: &str,
        old: &str,
        insertions: &[(usize, &str)],
    ) -> Result<Vec<Edit>, Refusal> {
        let mut new = String::with_capacity(old.len() + 8);
        let mut copied = 0;
        for (at, what) in insertions {
            new.push_str(old.get(copied..*at).unwrap_or_default());
            new.push_str(what);
            copied = *at;
        }
        new.push_str(old.get(copied..).unwrap_or_default());

        let (start, _) = self.value_range(pointer).ok_or(Refusal::Unlocated)?;
        let style = self.byte_at(start);
        // A plain YAML scalar may not start with `{` (that opens a mapping), nor hold braces in flow
        // context.
        let plain = !self.json && !matches!(style, Some(b'"' | b'\''));
        let plain_safe = !plain || (!new.starts_with(['{', '}']) && !self.in_flow(pointer));
        let in_place: Option<Vec<Edit>> = plain_safe
            .then(|| {
                insertions
                    .iter()
                    .map(|(at, what)| {
                        let offset = self.verbatim(pointer, old)? + at;
                        Some(Edit { start: offset, end: offset, text: (*what).to_string() })
                    })
                    .collect()
            })
            .flatten();
        match in_place {
            Some(edits) => Ok(edits),
            None => self.rewrite_string(pointer, &new).map(|edit| vec![edit]),
        }
    }

    /// Writes the string value at `pointer` again as `new`: single-quoted in YAML when it fits on
    /// one line, double-quoted (JSON escapes, which YAML reads alike) otherwise and in JSON.
    fn rewrite_string(&self, pointer: &str, new: &str) -> Result<Edit, Refusal> {
        let (start, end) = self.value_range(pointer).ok_or(Refusal::Unlocated)?;
        if !self.json && matches!(self.byte_at(start), Some(b'|' | b'>')) {
            return Err(Refusal::BlockScalar);
        }
        let text = if !self.json && !new.chars().any(char::is_control) {
            format!("'{}'", new.replace('\'', "''"))
        } else {
            serde_json::Value::String(new.to_string()).to_string()
        };
        Ok(Edit { start, end, text })
    }

    /// Replaces the whole value at `pointer` with `text`, written as is.
    pub(super) fn replace_value(&self, pointer: &str, text: &str) -> Result<Edit, Refusal> {
        let (start, end) = self.value_range(pointer).ok_or(Refusal::Unlocated)?;
        Ok(Edit { start, end, text: text.to_string() })
    }

    /// Removes the mapping entry at `pointer` (key and value), with the line it stands on in block
    /// YAML, or with its comma in JSON and flow mappings.
    pub(super) fn remove_entry(&self, pointer: &str) -> Result<Edit, Refusal> {
        let spans = &self.loaded.spans;
        let key = spans.key(pointer).and_then(|at| self.offset(at)).ok_or(Refusal::Unlocated)?;
        let (_, end) = self.value_range(pointer).ok_or(Refusal::Unlocated)?;
        let parent = pointer.rfind('/').map_or("", |cut| &pointer[..cut]);
        let parent_start = spans.get(parent).and_then(|at| self.offset(at));
        let flow = self.json || parent_start.and_then(|at| self.byte_at(at)) == Some(b'{');
        if flow { self.remove_flow_entry(key, end) } else { self.remove_block_entry(key, end) }
    }

    fn remove_flow_entry(&self, key: usize, end: usize) -> Result<Edit, Refusal> {
        let bytes = self.text.as_bytes();
        let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let mut after = end;
        while bytes.get(after).is_some_and(|b| is_space(*b)) {
            after += 1;
        }
        if bytes.get(after) == Some(&b',') {
            // `key: value,` and the blanks up to the next entry, which then takes this one's place.
            let mut next = after + 1;
            while bytes.get(next).is_some_and(|b| is_space(*b)) {
                next += 1;
            }
            return Ok(Edit { start: key, end: next, text: String::new() });
        }
        // The last entry: the comma before it goes.
        let mut before = key;
        while before > 0 && bytes.get(before - 1).is_some_and(|b| is_space(*b)) {
            before -= 1;
        }
        if before > 0 && bytes.get(before - 1) == Some(&b',') {
            return Ok(Edit { start: before - 1, end, text: String::new() });
        }
        // The only entry.
        Ok(Edit { start: key, end, text: String::new() })
    }

    fn remove_block_entry(&self, key: usize, end: usize) -> Result<Edit, Refusal> {
        let line_start = self.text[..key].rfind(['\n', '\r']).map_or(0, |at| at + 1);
        let before = &self.text[line_start..key];
        // What follows the value on its line may only be blanks and a comment.
        let line_end = self.text[end..].find(['\n', '\r']).map_or(self.text.len(), |at| end + at);
        let rest = self.text[end..line_end].trim_start_matches([' ', '\t']);
        if !rest.is_empty() && !rest.starts_with('#') {
            return Err(Refusal::Layout);
        }
        let next_line = match self.text[line_end..].strip_prefix("\r\n") {
            Some(_) => line_end + 2,
            None => (line_end + 1).min(self.text.len()),
        };
        if before.bytes().all(|b| b == b' ') {
            // The entry stands on its own line(s): they go, comment included.
            return Ok(Edit { start: line_start, end: next_line, text: String::new() });
        }
        // `- key: value` opening a sequence item: the next entry of the mapping moves up after the
        // `- `. It must be a sibling, indented to the key's column.
        if before.trim_end_matches(' ').bytes().all(|b| b == b' ' || b == b'-') {
            let column = self.text[line_start..key].chars().count();
            let next = &self.text[next_line..];
            let indent = next.bytes().take_while(|b| *b == b' ').count();
            let sibling = indent == column && next.as_bytes().get(indent).is_some_and(|b| !matches!(b, b'#' | b'-'));
            if sibling {
                return Ok(Edit { start: key, end: next_line + indent, text: String::new() });
            }
        }
        Err(Refusal::Layout)
    }
}

/// The text with `edits` applied; edits that overlap an earlier one are dropped (none are made).
pub(super) fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|edit| (edit.start, edit.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut copied = 0;
    for edit in edits {
        if edit.start < copied {
            continue;
        }
        out.push_str(&text[copied..edit.start]);
        out.push_str(&edit.text);
        copied = edit.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// `pointer` extended by `key` (RFC 6901).
pub(super) fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape_token(key))
}
