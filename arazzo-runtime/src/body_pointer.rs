//! Reads the value at an RFC 6901 JSON pointer straight from a response body's bytes.
//!
//! A step usually reads one or two fields of a body. Building the whole document as a
//! `serde_json::Value` first (an `IndexMap` per object, a `String` per string) was the largest
//! client-side cost of a step (docs/BENCHMARKS.md); this checks that the body is UTF-8, walks it
//! once, skips every value off the pointer's path as serde's derived code skips unknown fields
//! (`IgnoredAny`), and deserializes only the value the pointer names.
//!
//! It answers only the common case. `None` means "not answered here": the pointer is missing, the
//! value has another type, the body is not JSON. The caller then takes the slow path over the parsed
//! document, which gives the exact error. Whatever it answers is what the slow path would answer
//! (same syntax checks, the whole body read to its end, the last of duplicate keys winning), with
//! one exception: a number beyond `f64`'s range off the pointer's path (`1e400`) is valid JSON that
//! serde_json's full parse refuses; here it is skipped like any other number.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, de::DeserializeOwned};

/// The value at `pointer` (`""`: the whole body) as a `T`, when the body is JSON, has a value
/// there and that value is a `T`; `None` in every other case.
pub(crate) fn read<T: DeserializeOwned>(body: &[u8], pointer: &str) -> Option<T> {
    // JSON text is UTF-8 (RFC 8259): checked once for the whole body, so that skipped strings and
    // keys need not be.
    if !is_valid(pointer) || std::str::from_utf8(body).is_err() {
        return None;
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let found = At::<T> { rest: pointer, marker: PhantomData }.deserialize(&mut deserializer).ok()?;
    // Trailing text after the document makes the body invalid JSON, as for a full parse.
    deserializer.end().ok()?;
    found
}

/// Where the values at `pointers` lie in `body` (byte ranges of their JSON text), found in one walk:
/// a step reading several outputs from a large body walks it once, then parses each value alone.
/// One entry per pointer, `None` where [`read`] would not answer (nothing there, or not a valid
/// pointer); `None` for all when the body is not JSON or there are more than 64 pointers.
///
/// A pointer below another one (`/a` and `/a/b`) is left unanswered (`None`): the walk takes the
/// outer value whole.
pub(crate) fn locate(body: &[u8], pointers: &[&str]) -> Option<Vec<Option<Range<usize>>>> {
    if pointers.len() > 64 || std::str::from_utf8(body).is_err() {
        return None;
    }
    let tokens: Vec<Vec<Cow<'_, str>>> = pointers.iter().map(|pointer| tokens(pointer)).collect();
    let mut found = vec![None; pointers.len()];
    let mut all = 0;
    for (index, pointer) in pointers.iter().enumerate() {
        if is_valid(pointer) {
            all |= 1 << index;
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let walk = Many { tokens: &tokens, depth: 0, wanted: all, body, found: &mut found };
    walk.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(found)
}

/// The reference tokens of a pointer, unescaped.
fn tokens(pointer: &str) -> Vec<Cow<'_, str>> {
    let mut tokens = Vec::new();
    let mut rest = pointer;
    while !rest.is_empty() {
        let (token, after) = first_token(rest);
        tokens.push(token);
        rest = after;
    }
    tokens
}

/// The pointers of `wanted` (a bit per pointer) that have reached the current value, `depth`
/// tokens down: their values' ranges go to `found`.
struct Many<'w, 'p> {
    tokens: &'w [Vec<Cow<'p, str>>],
    depth: usize,
    wanted: u64,
    body: &'w [u8],
    found: &'w mut [Option<Range<usize>>],
}

impl Many<'_, '_> {
    /// The pointers of `wanted` whose token at `depth` is `key`.
    fn matching(&self, key: impl Fn(&str) -> bool) -> u64 {
        let mut matching = 0;
        for (index, tokens) in self.tokens.iter().enumerate() {
            if self.wanted & (1 << index) != 0 && tokens.get(self.depth).is_some_and(|token| key(token)) {
                matching |= 1 << index;
            }
        }
        matching
    }

    /// The pointers of `wanted` that end at the current value.
    fn matching_end(&self) -> u64 {
        let mut ending = 0;
        for (index, tokens) in self.tokens.iter().enumerate() {
            if self.wanted & (1 << index) != 0 && tokens.len() == self.depth {
                ending |= 1 << index;
            }
        }
        ending
    }

    fn below(&mut self, wanted: u64) -> Many<'_, '_> {
        Many { tokens: self.tokens, depth: self.depth + 1, wanted, body: self.body, found: self.found }
    }
}

impl<'de> DeserializeSeed<'de> for Many<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let ending = self.matching_end();
        if ending == 0 {
            return deserializer.deserialize_any(self);
        }
        // A pointer ends here: the value's text is taken whole (deeper pointers go unanswered).
        let raw = <&serde_json::value::RawValue>::deserialize(deserializer)?;
        let start = (raw.get().as_ptr() as usize).wrapping_sub(self.body.as_ptr() as usize);
        let range = start..start + raw.get().len();
        for (index, found) in self.found.iter_mut().enumerate() {
            if ending & (1 << index) != 0 {
                *found = self.body.get(range.clone()).map(|_| range.clone());
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for Many<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeyBytes)? {
            let wanted = self.matching(|token| token.as_bytes() == &*key);
            if wanted == 0 {
                map.next_value::<IgnoredAny>()?;
            } else {
                // A later duplicate replaces an earlier one, as in a parsed document: what the
                // earlier one held no longer counts.
                for (index, found) in self.found.iter_mut().enumerate() {
                    if wanted & (1 << index) != 0 {
                        *found = None;
                    }
                }
                map.next_value_seed(self.below(wanted))?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut position = 0;
        loop {
            let wanted = self.matching(|token| index(token) == Some(position));
            let more = if wanted == 0 {
                seq.next_element::<IgnoredAny>()?.is_some()
            } else {
                seq.next_element_seed(self.below(wanted))?.is_some()
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

/// An object's key as bytes: borrowed from the body when it has no escapes, else copied. Read as
/// bytes, so that serde_json hands it over without checking it is UTF-8 again.
struct KeyBytes;

impl<'de> DeserializeSeed<'de> for KeyBytes {
    type Value = Cow<'de, [u8]>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_bytes(self)
    }
}

impl<'de> Visitor<'de> for KeyBytes {
    type Value = Cow<'de, [u8]>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_bytes<E: de::Error>(self, key: &'de [u8]) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_vec()))
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key.as_bytes()))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.as_bytes().to_vec()))
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
    let token = if memchr::memchr(b'~', raw.as_bytes()).is_some() {
        Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(raw)
    };
    (token, after)
}

/// An array index as `serde_json::Value::pointer` reads it: decimal digits, no sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// Deserializes the value at the pointer `rest` below the current value.
struct At<'p, T> {
    rest: &'p str,
    marker: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for At<'_, T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        if self.rest.is_empty() {
            return T::deserialize(deserializer).map(Some);
        }
        let (token, rest) = first_token(self.rest);
        deserializer.deserialize_any(Step { token, rest, marker: PhantomData })
    }
}

/// One reference token: the member or item it names, the others skipped.
struct Step<'p, T> {
    token: Cow<'p, str>,
    rest: &'p str,
    marker: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Step<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key_seed(KeyBytes)? {
            if *key == *self.token.as_bytes() {
                // A later duplicate replaces an earlier one, as in a parsed document.
                found = map.next_value_seed(At { rest: self.rest, marker: PhantomData })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        let wanted = index(&self.token);
        let mut found = None;
        let mut position = 0;
        loop {
            if Some(position) == wanted {
                match seq.next_element_seed(At { rest: self.rest, marker: PhantomData })? {
                    Some(value) => found = value,
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            position += 1;
        }
        Ok(found)
    }

    // A pointer that goes on below a scalar names nothing.
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
}

#[cfg(test)]
#[path = "body_pointer_tests.rs"]
mod tests;
