//! JSON: `serde_json` builds the value; a light scan of the (then known to be valid) text records where
//! every value and key starts, and rejects duplicate keys as the YAML path does.

use std::collections::HashSet;

use serde_json::Value;

use super::{LoadError, Located, Recorded, Spans, push_token};
use crate::diagnostic::Location;

pub(super) fn parse(text: &str) -> Result<(Value, Spans), Located> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; the position goes into the diagnostic instead.
        let message = match message.rfind(" at line ") {
            Some(cut) => message[..cut].to_string(),
            None => message,
        };
        let location =
            (e.line() > 0).then(|| Location { line: e.line(), column: char_column(text, e.line(), e.column()) });
        Located::new(LoadError::Json(message), location, "")
    })?;
    let mut scan = Scan { text, pos: 0, line: 1, column: 1, spans: Spans::default() };
    scan.value(String::new(), None)?;
    Ok((value, scan.spans))
}

/// serde_json counts columns in bytes; reports count characters.
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(line_text) = text.split('\n').nth(line.saturating_sub(1)) else {
        return byte_column;
    };
    let bytes = byte_column.min(line_text.len());
    let prefix = line_text.as_bytes().get(..bytes).unwrap_or_default();
    prefix.iter().filter(|b| (**b & 0xC0) != 0x80).count().max(1)
}

struct Scan<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    column: usize,
    spans: Spans,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn here(&self) -> Location {
        Location { line: self.line, column: self.column }
    }

    fn bump(&mut self) {
        if let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if (b & 0xC0) != 0x80 {
                // Only the first byte of a UTF-8 sequence starts a new character.
                self.column += 1;
            }
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.bump();
        }
    }

    fn unexpected(&self) -> Located {
        // serde_json accepted the text, so this only happens if the two disagree.
        Located::new(LoadError::Json("unexpected character".into()), Some(self.here()), "")
    }

    fn expect(&mut self, byte: u8) -> Result<(), Located> {
        if self.peek() != Some(byte) {
            return Err(self.unexpected());
        }
        self.bump();
        Ok(())
    }

    /// Records the value starting here (recursion depth is bounded by serde_json's nesting limit).
    fn value(&mut self, pointer: String, key: Option<(Location, Location)>) -> Result<(), Located> {
        self.skip_ws();
        let start = self.here();
        // A string without escapes is its text between the quotes, character for character.
        let mut text = None;
        match self.peek() {
            Some(b'{') => self.object(pointer.clone())?,
            Some(b'[') => self.array(pointer.clone())?,
            Some(b'"') => {
                let source = self.text;
                let (from, to, escaped) = self.string_bounds()?;
                text = source.get(from..to).filter(|_| !escaped);
            }
            Some(_) => {
                while !matches!(self.peek(), None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n')) {
                    self.bump();
                }
            }
            None => return Err(self.unexpected()),
        }
        let text_start = text.map(|_| Location { column: start.column + 1, ..start });
        let recorded = Recorded { end: Some(self.here()), key, text_start };
        self.spans.insert_entry(pointer, start, recorded, text);
        Ok(())
    }

    fn object(&mut self, pointer: String) -> Result<(), Located> {
        self.bump();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(());
        }
        let mut keys = HashSet::new();
        loop {
            self.skip_ws();
            let key_at = self.here();
            let key = self.string()?;
            let key_end = self.here();
            let mut child = pointer.clone();
            push_token(&mut child, &key);
            if !keys.insert(key.clone()) {
                return Err(Located::new(LoadError::DuplicateKey(key), Some(key_at), child));
            }
            self.skip_ws();
            self.expect(b':')?;
            self.value(child, Some((key_at, key_end)))?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.bump();
                    return Ok(());
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn array(&mut self, pointer: String) -> Result<(), Located> {
        self.bump();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(());
        }
        for index in 0usize.. {
            self.value(format!("{pointer}/{index}"), None)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.bump();
                    return Ok(());
                }
                _ => return Err(self.unexpected()),
            }
        }
        Ok(())
    }

    /// Skips a string literal and decodes it (for keys: values are already in serde_json's tree).
    fn string(&mut self) -> Result<String, Located> {
        let start = self.pos;
        let (from, end, escaped) = self.string_bounds()?;
        let literal = self.text.get(start..self.pos).ok_or_else(|| self.unexpected())?;
        if escaped {
            serde_json::from_str(literal).map_err(|_| self.unexpected())
        } else {
            Ok(self.text.get(from..end).unwrap_or_default().to_string())
        }
    }

    /// Skips a string literal: the byte range between its quotes, and whether it has escapes.
    fn string_bounds(&mut self) -> Result<(usize, usize, bool), Located> {
        self.expect(b'"')?;
        let from = self.pos;
        let bytes = self.text.as_bytes();
        let mut escaped = false;
        let mut end = None;
        let mut i = self.pos;
        // JSON strings hold no raw newline, so only the column moves: count characters in one pass.
        let mut chars = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' => {
                    escaped = true;
                    chars += 1;
                    i += 1;
                }
                b'"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
            if bytes.get(i).is_some_and(|b| (b & 0xC0) != 0x80) {
                chars += 1;
            }
            i += 1;
        }
        let Some(end) = end else {
            return Err(self.unexpected());
        };
        self.pos = end + 1;
        self.column += chars + 1;
        Ok((from, end, escaped))
    }
}
