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

/// Reads the values at `pointers` into `slots` (slot `i` for `pointers[i]`) in one walk: a step
/// reading several outputs deserializes each straight from the body, as `read` does for one.
///
/// Answers like [`read`] for each pointer, with the same `None` cases (the slot is left empty),
/// except that a pointer below another one of the set (`/a` and `/a/b`), or repeating one, is left
/// unanswered: the walk hands the value to the first pointer ending there. `false` when the body is
/// not JSON, a value is not of its slot's type, or there are more than [`MAX_POINTERS`] pointers:
/// then nothing the slots hold counts.
pub(crate) fn read_many<S: Slots>(body: &[u8], pointers: &[&str], slots: &mut S) -> bool {
    if pointers.len() > MAX_POINTERS || std::str::from_utf8(body).is_err() {
        return false;
    }
    let mut wanted = 0;
    for (index, pointer) in pointers.iter().enumerate() {
        if is_valid(pointer) {
            wanted |= 1 << index;
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let walk = Many { pointers, offset: 0, wanted, slots };
    walk.deserialize(&mut deserializer).is_ok() && deserializer.end().is_ok()
}

/// The most pointers [`read_many`] reads in one walk.
pub(crate) const MAX_POINTERS: usize = 16;

/// Where [`read_many`] puts the values it reads: one slot per pointer, of the type read there.
pub(crate) trait Slots {
    /// Deserializes slot `index`'s value from `deserializer` (which holds it whole).
    fn fill<'de, D: Deserializer<'de>>(&mut self, index: usize, deserializer: D) -> Result<(), D::Error>;

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
            Some(index) => self.slots.fill(index, deserializer),
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
        while let Some(key) = map.next_key_seed(KeyBytes)? {
            let (wanted, next) = self.matching(&tokens, |token| token_is(token, &key));
            if wanted == 0 {
                map.next_value::<IgnoredAny>()?;
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
                seq.next_element::<IgnoredAny>()?.is_some()
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
fn token_is(token: &str, key: &[u8]) -> bool {
    if memchr::memchr(b'~', token.as_bytes()).is_none() {
        token.as_bytes() == key
    } else {
        unescape(token).as_bytes() == key
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
    (unescape(raw), after)
}

/// A reference token unescaped (`~1` is `/`, `~0` is `~`): borrowed unless it has an escape.
fn unescape(raw: &str) -> Cow<'_, str> {
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
