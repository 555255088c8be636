//! The excerpt of a response body put in an error message: at most [`EXCERPT_CHARS`] characters,
//! scrubbed of secrets, read from a bounded prefix of the body.
//!
//! An error body may be as large as the client's body limit (32 MiB by default). Parsing it whole
//! into a `serde_json::Value` to show 200 characters cost more than a hundred times the body in
//! memory; this reads at most [`PREFIX_BYTES`] of it and builds nothing but the text.
//!
//! What an excerpt shows, for a body that fits in the prefix (exactly what a full parse gave):
//! - JSON: the compact text `Value::to_string` writes (whitespace dropped, escapes and numbers
//!   normalised), with every string under a field whose name says it is a secret, and every string at
//!   one of the step's secret pointers, replaced by `[REDACTED]`. Unlike a parsed document, a key
//!   given twice is shown twice (a parsed object keeps the last value), each occurrence scrubbed by
//!   the same rules, and a leading UTF-8 byte order mark is skipped.
//! - not JSON (a syntax error, or no value): the body as lossy UTF-8, unless the step reads secrets
//!   from the body, which cannot be searched for them: then `[REDACTED] (not JSON)`. Empty or blank:
//!   nothing.
//! - truncated JSON (the body ends inside the document, say a connection cut short): the compact text
//!   as far as it goes, scrubbed as above, then `...`. A full parse refused such a body and showed it
//!   raw, secret fields included.
//!
//! Then every known secret, raw, in its JSON-escaped spelling, or spelled with XML references
//! (`p&amp;ss`, `&#x73;k_live`, in any mix: `excerpt_references.rs`), becomes `[REDACTED]`, control
//! characters become spaces, and text beyond [`EXCERPT_CHARS`] is cut with `...`.
//!
//! A body larger than the prefix is shown from the prefix, with `...` at the end. It counts as JSON
//! when the prefix is the start of a JSON document; what follows is not read (a body invalid further
//! on is still shown as JSON, its secret fields scrubbed, where a full parse showed it raw). A string
//! cut by the end of the prefix is shown up to the cut. A secret may straddle the end of the text
//! (the prefix's or a truncated body's): the text is first cut before any tail that could begin a
//! secret, so that no part of one shows.

use serde_json::Value;

use crate::reading::EXCERPT_CHARS;

/// How much of a body an excerpt reads.
pub(crate) const PREFIX_BYTES: usize = 64 * 1024;

const REDACTED: &str = "[REDACTED]";

/// serde_json's recursion limit: a document nesting more containers than this is not JSON to the
/// runtime (the full parse refuses it), so it is not JSON here either.
const MAX_DEPTH: usize = 127;

/// The excerpt of `body` for an error message. `secret_pointers` are where the step reads secrets
/// from the body; `secrets` are every secret to scrub (empty ones are ignored).
pub(crate) fn excerpt(body: &[u8], secret_pointers: &[&str], secrets: &[&str]) -> String {
    let whole = body.len() <= PREFIX_BYTES;
    let prefix = &body[..body.len().min(PREFIX_BYTES)];
    let (text, cut) = match compact_json(prefix, whole, secret_pointers) {
        Some(Json { text, complete }) => (text, !whole || !complete),
        None if whole && body.trim_ascii().is_empty() => return String::new(),
        None if !secret_pointers.is_empty() => return format!("{REDACTED} (not JSON)"),
        None => (lossy(prefix, whole), !whole),
    };
    let text = scrub(text, secrets, cut);
    let mut chars = text.chars().map(|c| if c.is_control() { ' ' } else { c });
    let mut excerpt: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if cut || chars.next().is_some() {
        excerpt = excerpt.chars().take(EXCERPT_CHARS - 3).collect();
        excerpt.push_str("...");
    }
    excerpt
}

/// Whether a field name says its value is a credential: it ends in key, token, secret,
/// password, credential(s), authorization or cookie once case and separators are ignored
/// (`api_key_token`, `consumerKey`; not `api_key_id` or `keyName`).
pub(crate) fn is_secret_field(name: &str) -> bool {
    let normalized: String = name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    let stem = normalized.strip_suffix('s').unwrap_or(&normalized);
    ["key", "token", "secret", "password", "passwd", "credential", "authorization", "cookie"]
        .iter()
        .any(|suffix| stem.ends_with(suffix))
}

/// `prefix` as lossy UTF-8; when the body goes on, without a character the cut split in two.
fn lossy(prefix: &[u8], whole: bool) -> String {
    let mut text = String::from_utf8_lossy(prefix).into_owned();
    if !whole && text.ends_with(char::REPLACEMENT_CHARACTER) {
        text.pop();
    }
    text
}

/// Replaces every secret in `text`, longest first (a secret containing another is replaced whole),
/// raw, as it appears inside a JSON string, and spelled with XML references. When `cut`, the text
/// is first shortened so that it ends before anything that could be the start of a secret: the
/// rest of it is not in `text`.
fn scrub(mut text: String, secrets: &[&str], cut: bool) -> String {
    let mut secrets: Vec<&str> = secrets.iter().copied().filter(|secret| !secret.is_empty()).collect();
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    let spellings: Vec<(&str, Option<String>)> = secrets
        .iter()
        .map(|&secret| {
            let escaped = Value::from(secret).to_string();
            let escaped = &escaped[1..escaped.len() - 1];
            (secret, (escaped != secret).then(|| escaped.to_owned()))
        })
        .collect();
    if cut {
        let patterns: Vec<&str> =
            spellings.iter().flat_map(|(raw, escaped)| std::iter::once(*raw).chain(escaped.as_deref())).collect();
        text.truncate(settled_len(&text, &patterns));
    }
    for (raw, escaped) in &spellings {
        text = text.replace(raw, REDACTED);
        if let Some(escaped) = escaped {
            text = text.replace(escaped.as_str(), REDACTED);
        }
    }
    references::scrub(text, &secrets, cut)
}

/// Where to cut `text` so that its end cuts no occurrence of a pattern in two: before the earliest
/// tail that is the start of a pattern, and again while the new end is inside one (an occurrence may
/// begin before the first cut and reach past it). Every occurrence left in the text is then whole,
/// and replaced whole.
fn settled_len(text: &str, patterns: &[&str]) -> usize {
    /// Past this many cuts (only for a text and secrets made of one repeated piece), nothing is kept.
    const MAX_CUTS: usize = 32;
    let bytes = text.as_bytes();
    let matchers: Vec<PrefixMatcher<'_>> =
        patterns.iter().map(|pattern| PrefixMatcher::new(pattern.as_bytes())).collect();
    let mut end = bytes.len();
    for _ in 0..MAX_CUTS {
        let longest_tail = matchers.iter().map(|matcher| matcher.longest_tail(&bytes[..end])).max().unwrap_or(0);
        if longest_tail == 0 {
            return end;
        }
        // A pattern starts on a character boundary, so the cut is on one too.
        end -= longest_tail;
    }
    0
}

/// Finds the longest start of a pattern that a text ends with (Knuth–Morris–Pratt), in time linear
/// in the pattern's length however the text and the pattern repeat.
struct PrefixMatcher<'p> {
    pattern: &'p [u8],
    /// `fallback[i]`: the length of the longest proper start of `pattern[..=i]` that it also ends with.
    fallback: Vec<usize>,
}

impl<'p> PrefixMatcher<'p> {
    fn new(pattern: &'p [u8]) -> Self {
        let mut fallback = vec![0; pattern.len()];
        let mut matched = 0;
        for (i, &byte) in pattern.iter().enumerate().skip(1) {
            while matched > 0 && pattern[matched] != byte {
                matched = fallback[matched - 1];
            }
            if pattern[matched] == byte {
                matched += 1;
            }
            fallback[i] = matched;
        }
        Self { pattern, fallback }
    }

    /// The length of the longest proper start of the pattern that `text` ends with (0 if none).
    fn longest_tail(&self, text: &[u8]) -> usize {
        // A proper start is shorter than the pattern: only that much of the text can hold it, and
        // no whole occurrence fits there.
        let window = &text[text.len().saturating_sub(self.pattern.len().saturating_sub(1))..];
        let mut matched = 0;
        for &byte in window {
            while matched > 0 && self.pattern[matched] != byte {
                matched = self.fallback[matched - 1];
            }
            if self.pattern.get(matched) == Some(&byte) {
                matched += 1;
            }
        }
        matched
    }
}

/// The compact JSON text of a body's prefix, secrets redacted.
#[derive(Debug, PartialEq)]
struct Json {
    text: String,
    /// Whether the document ends in the prefix; else the text stops where the prefix does (or
    /// where the body does, when it is truncated).
    complete: bool,
}

/// The compact JSON text of `prefix` (the whole body when `whole`), or `None` when it is not JSON:
/// a syntax error, or no value started before its end.
fn compact_json(prefix: &[u8], whole: bool, secret_pointers: &[&str]) -> Option<Json> {
    let pointers: Vec<Vec<String>> = secret_pointers.iter().filter_map(|pointer| tokens(pointer)).collect();
    let mut writer =
        Writer { input: prefix, whole, at: 0, pointers: &pointers, frames: Vec::new(), text: String::new() };
    match writer.document() {
        Ok(()) => Some(Json { text: writer.text, complete: true }),
        // A truncated body, or one that goes on after the prefix: shown as far as it goes.
        Err(Stop::End) if !writer.text.is_empty() => Some(Json { text: writer.text, complete: false }),
        Err(Stop::End | Stop::Invalid) => None,
    }
}

/// The reference tokens of an RFC 6901 pointer, unescaped as `Value::pointer_mut` does; `None` for a
/// pointer that names nothing (not `""` and not starting with `/`).
fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|token| crate::reading::body_pointer::unescape(token).into_owned()).collect())
}

/// An array index as `Value::pointer_mut` reads it: decimal digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// Why the walk stopped before the end of a document.
#[derive(Debug)]
enum Stop {
    /// Not JSON.
    Invalid,
    /// The input ended inside the document.
    End,
}

/// Where a value stands: whether its strings are secrets, and which pointers go on below it.
struct Place {
    redact: bool,
    /// Indexes of the pointers whose tokens name the path so far and go on below.
    below: Vec<usize>,
}

/// An open object or array.
struct Frame {
    object: bool,
    /// For an array: whether its items' strings are secrets (the array is).
    redact: bool,
    below: Vec<usize>,
    /// For an array: the position of the current item.
    item: usize,
}

/// Walks a JSON prefix, writing its compact text.
struct Writer<'a> {
    input: &'a [u8],
    /// Whether `input` is the whole body (else the body goes on after it).
    whole: bool,
    at: usize,
    pointers: &'a [Vec<String>],
    frames: Vec<Frame>,
    text: String,
}

impl Writer<'_> {
    fn document(&mut self) -> Result<(), Stop> {
        if self.input.starts_with(b"\xEF\xBB\xBF") {
            self.at = 3;
        }
        let below = (0..self.pointers.len()).filter(|&i| !self.pointers[i].is_empty()).collect();
        let mut place = Place { redact: self.pointers.iter().any(Vec::is_empty), below };
        loop {
            let opened = self.value(place)?;
            match self.next_place(opened)? {
                Some(next) => place = next,
                None => break,
            }
        }
        self.skip_whitespace();
        if self.at < self.input.len() { Err(Stop::Invalid) } else { Ok(()) }
    }

    /// Writes one value, or opens a container (`true`: its items follow).
    fn value(&mut self, place: Place) -> Result<bool, Stop> {
        self.skip_whitespace();
        match self.peek()? {
            open @ (b'{' | b'[') => {
                if self.frames.len() >= MAX_DEPTH {
                    return Err(Stop::Invalid);
                }
                self.at += 1;
                self.text.push(char::from(open));
                let object = open == b'{';
                self.frames.push(Frame { object, redact: place.redact, below: place.below, item: 0 });
                return Ok(true);
            }
            b'"' => self.string(place.redact)?,
            b'-' | b'0'..=b'9' => self.number()?,
            b't' => self.literal("true")?,
            b'f' => self.literal("false")?,
            b'n' => self.literal("null")?,
            _ => return Err(Stop::Invalid),
        }
        Ok(false)
    }

    /// After a value, or a container just `opened`: closes what ends here and returns the place of
    /// the next value, or `None` at the end of the document.
    fn next_place(&mut self, mut opened: bool) -> Result<Option<Place>, Stop> {
        loop {
            let Some(frame) = self.frames.last() else { return Ok(None) };
            let object = frame.object;
            self.skip_whitespace();
            let byte = self.peek()?;
            if byte == if object { b'}' } else { b']' } {
                self.at += 1;
                self.text.push(char::from(byte));
                self.frames.pop();
                opened = false;
                continue;
            }
            if !opened {
                if byte != b',' {
                    return Err(Stop::Invalid);
                }
                self.at += 1;
                self.text.push(',');
                if let Some(frame) = self.frames.last_mut() {
                    frame.item += 1;
                }
            }
            return if object { self.member().map(Some) } else { Ok(Some(self.item())) };
        }
    }

    /// The place of the current item of the innermost array.
    fn item(&self) -> Place {
        let Some(frame) = self.frames.last() else { return Place { redact: false, below: Vec::new() } };
        let (hit, below) = self.follow(frame, |token| index(token) == Some(frame.item));
        Place { redact: hit || frame.redact, below }
    }

    /// Writes a member's key and colon; returns the place of its value.
    fn member(&mut self) -> Result<Place, Stop> {
        self.skip_whitespace();
        if self.peek()? != b'"' {
            return Err(Stop::Invalid);
        }
        let key = self.string_text()?;
        self.push_json_string(&key);
        self.skip_whitespace();
        if self.peek()? != b':' {
            return Err(Stop::Invalid);
        }
        self.at += 1;
        self.text.push(':');
        let Some(frame) = self.frames.last() else { return Err(Stop::Invalid) };
        let (hit, below) = self.follow(frame, |token| token == key);
        Ok(Place { redact: hit || is_secret_field(&key), below })
    }

    /// Of the pointers going on below `frame`, whether one ends at the child whose token `matches`,
    /// and which go on below that child.
    fn follow(&self, frame: &Frame, matches: impl Fn(&str) -> bool) -> (bool, Vec<usize>) {
        let depth = self.frames.len() - 1;
        let mut hit = false;
        let mut below = Vec::new();
        for &pointer in &frame.below {
            let tokens = &self.pointers[pointer];
            if tokens.get(depth).is_some_and(|token| matches(token)) {
                if tokens.len() == depth + 1 {
                    hit = true;
                } else {
                    below.push(pointer);
                }
            }
        }
        (hit, below)
    }

    /// Writes a string value, `[REDACTED]` if it is a secret.
    fn string(&mut self, redact: bool) -> Result<(), Stop> {
        match self.string_text() {
            Ok(text) if !redact => self.push_json_string(&text),
            Ok(_) => self.text.push_str("\"[REDACTED]\""),
            Err(Stop::End) if redact => {
                self.text.push_str("\"[REDACTED]\"");
                return Err(Stop::End);
            }
            Err(Stop::End) => {
                // The prefix ends inside the string: show it up to there, unclosed.
                let start = self.at;
                if let Some(part) = self.string_start(start) {
                    self.push_json_string(&part);
                    self.text.pop();
                }
                return Err(Stop::End);
            }
            Err(error) => return Err(error),
        }
        Ok(())
    }

    /// The decoded text of the string starting at the current position (a `"`), moving past it.
    fn string_text(&mut self) -> Result<String, Stop> {
        let start = self.at;
        let mut at = start + 1;
        loop {
            let offset = memchr::memchr2(b'"', b'\\', &self.input[at..]).ok_or(Stop::End)?;
            at += offset;
            if self.input[at] == b'"' {
                break;
            }
            // An escape: the byte after the backslash cannot close the string.
            at += 2;
            if at > self.input.len() {
                return Err(Stop::End);
            }
        }
        // serde_json decodes it, so that escapes, UTF-8 and control characters are judged as a
        // full parse judges them.
        let text = serde_json::from_slice(&self.input[start..=at]).map_err(|_| Stop::Invalid)?;
        self.at = at + 1;
        Ok(text)
    }

    /// The decoded start of an unclosed string beginning at `start` (a `"`): as much of it as
    /// decodes, a character or an escape cut in two left out. `None` when no start of it decodes.
    fn string_start(&self, start: usize) -> Option<String> {
        let content = &self.input[start + 1..];
        // The longest escape is a surrogate pair, `\uD83D\uDE00`: 12 bytes.
        let shortest = content.len().saturating_sub(12);
        (shortest..=content.len()).rev().find_map(|len| {
            let mut token = Vec::with_capacity(len + 2);
            token.push(b'"');
            token.extend_from_slice(&content[..len]);
            token.push(b'"');
            serde_json::from_slice::<String>(&token).ok()
        })
    }

    fn number(&mut self) -> Result<(), Stop> {
        let start = self.at;
        let rest = &self.input[start..];
        let len = match rest.iter().position(|byte| !matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')) {
            Some(len) => len,
            // The end of the whole body ends a number; the end of a prefix may cut one.
            None if self.whole => rest.len(),
            None => return Err(Stop::End),
        };
        // serde_json reads it, so that its value and its text are those of a full parse (`1E2` is
        // written `100.0`, an integer beyond 64 bits becomes a float, `1e400` is refused).
        let number: Value = serde_json::from_slice(&rest[..len]).map_err(|_| Stop::Invalid)?;
        self.text.push_str(&number.to_string());
        self.at += len;
        Ok(())
    }

    fn literal(&mut self, word: &'static str) -> Result<(), Stop> {
        let rest = &self.input[self.at..];
        if rest.starts_with(word.as_bytes()) {
            self.at += word.len();
            self.text.push_str(word);
            Ok(())
        } else if word.as_bytes().starts_with(rest) {
            Err(Stop::End)
        } else {
            Err(Stop::Invalid)
        }
    }

    /// Appends `text` as a JSON string, escaped as `Value::to_string` escapes it.
    fn push_json_string(&mut self, text: &str) {
        self.text.push_str(&Value::from(text).to_string());
    }

    fn peek(&self) -> Result<u8, Stop> {
        self.input.get(self.at).copied().ok_or(Stop::End)
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.input.get(self.at) {
            self.at += 1;
        }
    }
}

#[path = "excerpt_references.rs"]
mod references;

#[cfg(test)]
#[path = "excerpt_tests.rs"]
mod tests;
