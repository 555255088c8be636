//! Reads the value at an RFC 6901 JSON pointer straight from a response body's bytes.
//!
//! A step usually reads one or two fields of a body. Building the whole document as a
//! `serde_json::Value` first (an `IndexMap` per object, a `String` per string) was the largest
//! client-side cost of a step (docs/BENCHMARKS.md); this walks the body once, drops every value off
//! the pointer's path as soon as it is read, and builds only the value the pointer names.
//!
//! It answers only the common case. `None` means "not answered here": the pointer is missing, the
//! value has another type, the body is not JSON. The caller then takes the slow path over the parsed
//! document (`response::parse_json`), which gives the exact error.
//!
//! # One reading of JSON
//!
//! Whatever it answers is what the full parse answers, on every input: a run's outcome must not
//! depend on whether a criterion happened to parse the body first. So nothing is skipped the way
//! serde's `IgnoredAny` skips (serde_json then checks syntax only): every value off the path is read
//! with serde_json's `deserialize_any`, the code the full parse runs, and dropped; keys are read as
//! strings, as the full parse reads them, not as bytes. That keeps the checks the full parse makes
//! and a bare skip does not:
//!
//! - no lone surrogate escape in a string or key (`"\ud800"`, `"\udc00"`, `"\ud800\u0041"`), and
//!   no control character in a key: serde_json refuses them in a `String`, not when skipping one
//!   or reading a key as bytes;
//! - numbers are within `f64`'s range: `1e400` (valid JSON, RFC 8259 sets no range) is refused
//!   wherever it is, as the full parse refuses it;
//! - nesting stops where the full parse stops (127 levels read, the 128th refused), counted the
//!   same way: a skip has no limit;
//! - the last of duplicate keys wins; anything after the document but whitespace is an error.
//!
//! The body is checked to be UTF-8 once, whole, and then read as a `str`, so that serde_json does
//! not check each string again (the full parse of the bytes does, and refuses the same bodies). The
//! value at the pointer is built as a `Value` and read into its type from there, as from the parsed
//! document, so that a type ignoring part of its input (a struct skipping unknown fields) sees a
//! checked value too. This costs about 10 % more than a bare skip on a body of a kilobyte with
//! thirty fields off the path (docs/RELIABILITY.md). `body_pointer_mutated_tests.rs` checks all of
//! this against the full parse on generated bodies (lone surrogates, BOMs, huge numbers, deep nesting,
//! truncation, bad bytes), and the `response_body` fuzz target does on arbitrary ones.
//!
//! A body starting with a UTF-8 byte-order mark is read as the text after it, here and by the full
//! parse: RFC 8259 §8.1 lets a parser ignore one, and some servers send it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::Value;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The JSON text of a body: the body without a leading byte-order mark. The full parse
/// ([`parse_json`](crate::reading::parse_json)) reads the same text.
pub(crate) fn json_text(body: &[u8]) -> &[u8] {
    body.strip_prefix(BOM).unwrap_or(body)
}

/// The JSON text of a body, when it is UTF-8 (RFC 8259 says JSON is): checked once for the whole
/// body, so that serde_json need not check each string again (it does not when it reads a `str`,
/// and refuses what a full parse of the bytes refuses all the same, see `parse_json`).
fn utf8(body: &[u8]) -> Option<&str> {
    std::str::from_utf8(json_text(body)).ok()
}

/// The value at `pointer` (`""`: the whole body) as a `T`, when the body is JSON, has a value
/// there and that value is a `T`; `None` in every other case.
pub(crate) fn read<T: DeserializeOwned>(body: &[u8], pointer: &str) -> Option<T> {
    if !is_valid(pointer) {
        return None;
    }
    let mut deserializer = serde_json::Deserializer::from_str(utf8(body)?);
    let found = At { rest: pointer, terminal: Build }.deserialize(&mut deserializer).ok()?;
    // Trailing text after the document makes the body invalid JSON, as for a full parse.
    deserializer.end().ok()?;
    T::deserialize(found?).ok()
}

/// Reads the values at `pointers` into `slots` (slot `i` for `pointers[i]`) in one walk: a step
/// reading several outputs reads each from the body, as `read` does for one.
///
/// Answers like [`read`] for each pointer, with the same `None` cases (the slot is left empty),
/// except that a pointer below another one of the set (`/a` and `/a/b`), or repeating one, is left
/// unanswered: the walk hands the value to the first pointer ending there. `false` when the body is
/// not JSON, a value is not of its slot's type, or there are more than [`MAX_POINTERS`] pointers:
/// then nothing the slots hold counts.
pub(crate) fn read_many<S: Slots>(body: &[u8], pointers: &[&str], slots: &mut S) -> bool {
    let Some(text) = utf8(body).filter(|_| pointers.len() <= MAX_POINTERS) else {
        return false;
    };
    let mut wanted = 0;
    for (index, pointer) in pointers.iter().enumerate() {
        if is_valid(pointer) {
            wanted |= 1 << index;
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let walk = Many { pointers, offset: 0, wanted, slots };
    walk.deserialize(&mut deserializer).is_ok() && deserializer.end().is_ok()
}

/// The most pointers [`read_many`] reads in one walk.
pub(crate) const MAX_POINTERS: usize = 16;

/// Where [`read_many`] puts the values it reads: one slot per pointer, of the type read there.
pub(crate) trait Slots {
    /// Reads slot `index`'s value from `value`, the value at its pointer.
    fn fill(&mut self, index: usize, value: Value) -> Result<(), serde_json::Error>;

    /// Empties slot `index`: a later duplicate key replaced the value it held.
    fn clear(&mut self, index: usize);
}

/// The set bits of `bits`, lowest first.
fn bits(mut bits: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let index = bits.trailing_zeros();
        (bits != 0).then(|| {
            bits &= bits - 1;
            index as usize
        })
    })
}

/// The pointers of `wanted` (a bit per pointer) that have reached the current value. They have all
/// matched the same tokens so far, so their current token starts at the same byte, `offset`: a
/// valid pointer spells each token one way only (`~0` for `~`, `~1` for `/`).
struct Many<'w, S> {
    pointers: &'w [&'w str],
    offset: usize,
    wanted: u32,
    slots: &'w mut S,
}

impl<'w, S> Many<'w, S> {
    /// The escaped token each pointer of `wanted` has at this depth.
    fn tokens(&self) -> [&'w str; MAX_POINTERS] {
        let mut tokens = [""; MAX_POINTERS];
        for index in bits(self.wanted) {
            let rest = self.pointers[index].get(self.offset + 1..).unwrap_or_default();
            tokens[index] = match memchr::memchr(b'/', rest.as_bytes()) {
                Some(slash) => &rest[..slash],
                None => rest,
            };
        }
        tokens
    }

    /// The pointers of `wanted` whose token here `matches`, and the offset of their next token.
    /// (None of them ends here: `deserialize` hands a value where one ends to its slot whole.)
    fn matching(&self, tokens: &[&str; MAX_POINTERS], matches: impl Fn(&str) -> bool) -> (u32, usize) {
        let mut matching = 0;
        let mut next = 0;
        for index in bits(self.wanted) {
            if matches(tokens[index]) {
                matching |= 1 << index;
                next = self.offset + 1 + tokens[index].len();
            }
        }
        (matching, next)
    }

    fn below(&mut self, wanted: u32, offset: usize) -> Many<'_, S> {
        Many { pointers: self.pointers, offset, wanted, slots: self.slots }
    }
}

impl<'de, S: Slots> DeserializeSeed<'de> for Many<'_, S> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        // A pointer ending here takes the value whole; pointers going deeper, or repeating it,
        // go unanswered.
        match bits(self.wanted).find(|&index| self.pointers[index].len() == self.offset) {
            Some(index) => {
                let value = Value::deserialize(deserializer)?;
                self.slots.fill(index, value).map_err(de::Error::custom)
            }
            None => deserializer.deserialize_any(self),
        }
    }
}

impl<'de, S: Slots> Visitor<'de> for Many<'_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let tokens = self.tokens();
        while let Some(key) = map.next_key_seed(Key)? {
            let (wanted, next) = self.matching(&tokens, |token| token_is(token, &key));
            if wanted == 0 {
                map.next_value_seed(Skip)?;
            } else {
                // A later duplicate replaces an earlier one, as in a parsed document: what the
                // earlier one held no longer counts.
                bits(wanted).for_each(|index| self.slots.clear(index));
                map.next_value_seed(self.below(wanted, next))?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let tokens = self.tokens();
        let mut position = 0;
        loop {
            let (wanted, next) = self.matching(&tokens, |token| index(token) == Some(position));
            let more = if wanted == 0 {
                seq.next_element_seed(Skip)?.is_some()
            } else {
                seq.next_element_seed(self.below(wanted, next))?.is_some()
            };
            if !more {
                return Ok(());
            }
            position += 1;
        }
    }

    // Pointers that go on below a scalar name nothing.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Whether the escaped token `token` names the object key `key`.
fn token_is(token: &str, key: &str) -> bool {
    if memchr::memchr(b'~', token.as_bytes()).is_none() { token == key } else { unescape(token) == key }
}

/// An object's key, borrowed from the body when it has no escapes, else copied. Read as a string,
/// as the full parse reads keys: read as bytes, a key's surrogate escapes and control characters
/// would not be checked.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}

/// A value off the pointer's path: read as the full parse reads it (`deserialize_any`, with all its
/// checks, see the module doc), then dropped. Strings without escapes are not copied.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Keys too: `deserialize_any` reads a key as a checked string.
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Whether `pointer` is `""` or starts with `/`, and every `~` in it is followed by `0` or `1`.
fn is_valid(pointer: &str) -> bool {
    (pointer.is_empty() || pointer.starts_with('/'))
        && (memchr::memchr(b'~', pointer.as_bytes()).is_none()
            || pointer.split('~').skip(1).all(|after| after.starts_with(['0', '1'])))
}

/// The first reference token of `rest` (a valid pointer other than `""`), unescaped (`~1` is `/`,
/// `~0` is `~`; borrowed unless it has an escape), and the pointer after it.
fn first_token(rest: &str) -> (Cow<'_, str>, &str) {
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    // Byte searches: `str::find` and `contains` are slow on strings this short.
    let (raw, after) = match memchr::memchr(b'/', rest.as_bytes()) {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, ""),
    };
    (unescape(raw), after)
}

/// A reference token unescaped (`~1` is `/`, `~0` is `~`): borrowed unless it has an escape. The
/// runtime's only unescaping.
pub(crate) fn unescape(raw: &str) -> Cow<'_, str> {
    if memchr::memchr(b'~', raw.as_bytes()).is_some() {
        Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(raw)
    }
}

/// An array index as `serde_json::Value::pointer` reads it: decimal digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// What the walk does with the value a pointer names: builds it ([`Build`]), or reads it through
/// and reports its kind ([`Kind`]).
trait Terminal: Copy {
    type Found;

    fn read<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Found, D::Error>;
}

/// Builds the value at the pointer as a `Value` ([`read`] reads its type from that).
#[derive(Clone, Copy)]
struct Build;

impl Terminal for Build {
    type Found = Value;

    fn read<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }
}

/// Reads the value at the pointer as the full parse reads it, builds nothing, and gives its JSON
/// kind ([`kind_at`]).
#[derive(Clone, Copy)]
struct Kind;

impl Terminal for Kind {
    type Found = &'static str;

    fn read<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<&'static str, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Kind {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<&'static str, A::Error> {
        Skip.visit_map(map).map(|()| "object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<&'static str, A::Error> {
        Skip.visit_seq(seq).map(|()| "array")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<&'static str, E> {
        Ok("boolean")
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<&'static str, E> {
        Ok("number")
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<&'static str, E> {
        Ok("number")
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<&'static str, E> {
        Ok("number")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<&'static str, E> {
        Ok("string")
    }

    fn visit_unit<E: de::Error>(self) -> Result<&'static str, E> {
        Ok("null")
    }
}

/// The JSON kind (`object`, `array`, `string`, `number`, `boolean`, `null`) of the value at
/// `pointer` of `body`, read without building anything: `Ok(None)` when nothing is there. The
/// whole body is read as the full parse reads it (from the bytes, after a byte-order mark), so its
/// errors are the full parse's, at the same place: an output nobody reads costs no memory however
/// large it is, and fails exactly as reading it would.
pub(crate) fn kind_at(body: &[u8], pointer: &str) -> Result<Option<&'static str>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(json_text(body));
    let found = At { rest: pointer, terminal: Kind }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(found)
}

/// Reads the value at the pointer `rest` below the current value with `terminal`.
struct At<'p, T> {
    rest: &'p str,
    terminal: T,
}

impl<'de, T: Terminal> DeserializeSeed<'de> for At<'_, T> {
    type Value = Option<T::Found>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        if self.rest.is_empty() {
            return self.terminal.read(deserializer).map(Some);
        }
        let (token, rest) = first_token(self.rest);
        deserializer.deserialize_any(Step { token, rest, terminal: self.terminal })
    }
}

/// One reference token: the member or item it names, the others skipped.
struct Step<'p, T> {
    token: Cow<'p, str>,
    rest: &'p str,
    terminal: T,
}

impl<'de, T: Terminal> Visitor<'de> for Step<'_, T> {
    type Value = Option<T::Found>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key_seed(Key)? {
            if key == self.token {
                // A later duplicate replaces an earlier one, as in a parsed document.
                found = map.next_value_seed(At { rest: self.rest, terminal: self.terminal })?;
            } else {
                map.next_value_seed(Skip)?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let wanted = index(&self.token);
        let mut found = None;
        let mut position = 0;
        loop {
            if Some(position) == wanted {
                match seq.next_element_seed(At { rest: self.rest, terminal: self.terminal })? {
                    Some(value) => found = value,
                    None => break,
                }
            } else if seq.next_element_seed(Skip)?.is_none() {
                break;
            }
            position += 1;
        }
        Ok(found)
    }

    // A pointer that goes on below a scalar names nothing.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
#[path = "body_pointer_tests.rs"]
mod tests;
