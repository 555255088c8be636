//! The secrets a run has handled, scrubbed from the response excerpts of its later errors.

use std::fmt;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::reading::body_pointer;
use crate::secrets::SecretString;

/// The secrets a run has handled (credentials, secret values sent, secrets read from responses),
/// scrubbed from every later error excerpt: a server may quote, in a later error message, a key
/// an earlier step created.
///
/// Secrets in response bodies are looked up only when an excerpt needs them: a run that does not
/// fail never reads them but as the outputs it asked for.
#[derive(Default)]
pub(crate) struct HandledSecrets {
    known: Vec<SecretString>,
    /// Response bodies and the JSON pointers where they hold secrets, not searched yet.
    unread: Vec<(Bytes, &'static [&'static str])>,
}

impl HandledSecrets {
    /// Adds `secrets` (without repeats, so a retry loop does not grow the list).
    pub(crate) fn add<'a>(&mut self, secrets: impl IntoIterator<Item = &'a SecretString>) {
        for secret in secrets {
            if !secret.expose_secret().is_empty()
                && !self.known.iter().any(|known| known.expose_secret() == secret.expose_secret())
            {
                self.known.push(secret.clone());
            }
        }
    }

    /// Adds the strings at `pointers` of the JSON `body`, when they are needed.
    pub(crate) fn add_in_body(&mut self, body: &Bytes, pointers: &'static [&'static str]) {
        if !pointers.is_empty() {
            self.unread.push((body.clone(), pointers));
        }
    }

    /// Every secret handled so far. A body that is not JSON adds nothing: an excerpt of it is
    /// withheld whole.
    ///
    /// Only the values at the pointers are read, straight from the bodies: a body may be as large as
    /// the client's limit, and no document of it is built.
    pub(crate) fn all(&mut self) -> Vec<SecretString> {
        let mut found = Vec::new();
        for (body, pointers) in std::mem::take(&mut self.unread) {
            let mut parsed = None;
            for pointer in pointers {
                match body_pointer::read::<Strings>(&body, pointer) {
                    Some(Strings(strings)) => found.extend(strings),
                    None => found.extend(strings_in_parsed(&body, pointer, &mut parsed)),
                }
            }
        }
        self.add(&found);
        self.known.clone()
    }
}

/// Bodies up to this size are parsed whole when the pointer walk does not answer.
const PARSED_FALLBACK_BYTES: usize = 64 * 1024;

/// The strings at `pointer` of `body` parsed whole (`parsed` keeps the document for the body's other
/// pointers), for a small body only: the walk leaves unanswered a pointer that is not RFC 6901
/// (a `~` followed by neither `0` nor `1`), which `Value::pointer` still reads.
fn strings_in_parsed(body: &[u8], pointer: &str, parsed: &mut Option<Option<Value>>) -> Vec<SecretString> {
    if body.len() > PARSED_FALLBACK_BYTES {
        return Vec::new();
    }
    let document = parsed.get_or_insert_with(|| crate::reading::parse_json(body).ok());
    let value = document.as_ref().and_then(|document| document.pointer(pointer));
    value.and_then(|value| Strings::deserialize(value).ok()).map_or_else(Vec::new, |Strings(strings)| strings)
}

/// Every string of a JSON value (the values of its objects, the items of its arrays), read without
/// building the value.
struct Strings(Vec<SecretString>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut found = Vec::new();
        Collect(&mut found).deserialize(deserializer)?;
        Ok(Strings(found))
    }
}

/// Adds the strings of one value to a list.
struct Collect<'a>(&'a mut Vec<SecretString>);

impl<'de> DeserializeSeed<'de> for Collect<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Collect<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.0.push(SecretString::from(text));
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(Collect(&mut *self.0))?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Collect(&mut *self.0))?.is_some() {}
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

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handled_secrets_are_kept_once_and_read_from_bodies_when_needed() {
        let mut handled = HandledSecrets::default();
        let token = SecretString::from("token");
        handled.add([&token, &SecretString::from("token"), &SecretString::from("")]);
        let body = Bytes::from_static(br#"{"consumerKey":"ck_1","consumerSecret":{"value":"cs_1","n":1},"id":"x"}"#);
        handled.add_in_body(&body, &["/consumerKey", "/consumerSecret", "/absent"]);
        // Nothing is read before it is needed.
        assert_eq!(handled.unread.len(), 1);
        handled.add_in_body(&Bytes::from_static(b"not json ck_2"), &["/key"]);
        handled.add_in_body(&body, &[]);
        let all: Vec<String> = handled.all().iter().map(|secret| secret.expose_secret().to_owned()).collect();
        assert_eq!(all, ["token", "ck_1", "cs_1"]);
        assert!(handled.unread.is_empty());
        // The same body again (a retried step) adds no repeats; a credential stays the same value.
        handled.add_in_body(&body, &["/consumerKey"]);
        let all = handled.all();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].expose_secret().as_ptr(), token.expose_secret().as_ptr());
    }

    fn all_of(body: &[u8], pointers: &'static [&'static str]) -> Vec<String> {
        let mut handled = HandledSecrets::default();
        handled.add_in_body(&Bytes::copy_from_slice(body), pointers);
        handled.all().iter().map(|secret| secret.expose_secret().to_owned()).collect()
    }

    #[test]
    fn every_string_under_a_pointer_is_a_secret() {
        let body = br#"{"keys":[{"id":"k1","v":["s1",2,null,{"w":"s2"}]},"s3"],"n":5,"t":true,"o":{"a":"s4"}}"#;
        assert_eq!(all_of(body, &["/keys", "/n", "/t", "/o"]), ["k1", "s1", "s2", "s3", "s4"]);
        assert_eq!(all_of(body, &["/keys/1"]), ["s3"]);
        assert_eq!(all_of(br#""top""#, &[""]), ["top"]);
        // Bodies that are not JSON, or end early, hold no secrets to read.
        assert!(all_of(br#"{"key":"k1""#, &["/key"]).is_empty());
        assert!(all_of(b"key=k1", &["/key"]).is_empty());
    }

    #[test]
    fn a_pointer_the_walk_refuses_is_read_from_a_small_body_parsed_whole() {
        // `~2` is not an RFC 6901 escape; `Value::pointer` reads it as is.
        let small = br#"{"a~2b":"s1","c":"s2"}"#;
        assert_eq!(all_of(small, &["/a~2b", "/c"]), ["s1", "s2"]);
        // A large body is never parsed whole: that pointer finds nothing there.
        let large = format!(r#"{{"a~2b":"s1","c":"s2","pad":"{}"}}"#, "x".repeat(PARSED_FALLBACK_BYTES));
        assert_eq!(all_of(large.as_bytes(), &["/a~2b", "/c"]), ["s2"]);
    }

    #[test]
    fn secrets_in_a_large_body_are_read_by_the_walk() {
        let items: Vec<String> = (0..100_000).map(|n| format!(r#"{{"id":"i{n}","key":"k{n}"}}"#)).collect();
        let body = format!(r#"{{"items":[{}],"key":"last"}}"#, items.join(","));
        assert_eq!(all_of(body.as_bytes(), &["/items/99999/key", "/key"]), ["k99999", "last"]);
    }
}
