//! Serializing values that hold secrets: redacted unless the caller asks, in so many words, for
//! the plain text.
//!
//! Generated `…Outputs` and `…Partial` structs implement `serde::Serialize`. A plain
//! `serde_json::to_string(&outputs)` writes every secret as `"[REDACTED]"`, so outputs can be
//! logged or returned from an API without leaking a key; `serde_json::to_string(&outputs.expose_secrets())`
//! writes the secrets themselves, for the places that need them (a secret manager), as
//! [`Checkpoint::expose_secrets`](crate::Checkpoint::expose_secrets) does for checkpoints.
//! [`SecretString`] itself has no `Serialize`: a secret is only written through a struct that chose
//! how.
//!
//! ```
//! use arazzo_runtime::SecretString;
//! use arazzo_runtime::serde_support::ExposeSecrets;
//!
//! // What arazzo-codegen writes for an output struct, in short.
//! #[derive(serde::Serialize)]
//! struct Outputs {
//!     key_id: String,
//!     #[serde(serialize_with = "arazzo_runtime::serde_support::secret")]
//!     key: SecretString,
//! }
//!
//! let outputs = Outputs { key_id: "key_2".into(), key: "sk_live_new".into() };
//! assert_eq!(serde_json::to_string(&outputs)?, r#"{"key_id":"key_2","key":"[REDACTED]"}"#);
//! assert_eq!(
//!     serde_json::to_string(&ExposeSecrets::new(&outputs))?,
//!     r#"{"key_id":"key_2","key":"sk_live_new"}"#
//! );
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::cell::Cell;

use serde::{Serialize, Serializer};

use crate::SecretString;

/// What a secret is written as outside [`ExposeSecrets`].
pub const REDACTED: &str = "[REDACTED]";

thread_local! {
    /// Set while an [`ExposeSecrets`] serializes its value. Serialization is synchronous, so every
    /// secret the value holds is written on this thread, inside that call.
    static EXPOSED: Cell<bool> = const { Cell::new(false) };
}

/// A value that serializes with its secrets in plain text: store the result as a secret.
///
/// Generated structs return one from their `expose_secrets()`.
pub struct ExposeSecrets<'a, T: ?Sized>(&'a T);

impl<'a, T: ?Sized> ExposeSecrets<'a, T> {
    /// Wraps `value`, whose secrets are then written in plain text.
    pub fn new(value: &'a T) -> Self {
        Self(value)
    }
}

impl<T: Serialize + ?Sized> Serialize for ExposeSecrets<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// Restores the previous state even if serialization unwinds.
        struct Restore(bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                EXPOSED.with(|exposed| exposed.set(self.0));
            }
        }
        let _restore = Restore(EXPOSED.with(|exposed| exposed.replace(true)));
        self.0.serialize(serializer)
    }
}

/// Types that hold secrets, written by [`secret`]: [`SecretString`], and `Option`s and `Vec`s of
/// them.
pub trait SerializeSecret {
    /// Writes the value, its secrets redacted unless inside [`ExposeSecrets`].
    fn serialize_secret<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

impl SerializeSecret for SecretString {
    fn serialize_secret<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if EXPOSED.with(Cell::get) {
            serializer.serialize_str(self.expose_secret())
        } else {
            serializer.serialize_str(REDACTED)
        }
    }
}

impl<T: SerializeSecret> SerializeSecret for Option<T> {
    fn serialize_secret<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Secret(value)),
            None => serializer.serialize_none(),
        }
    }
}

impl<T: SerializeSecret> SerializeSecret for Vec<T> {
    fn serialize_secret<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Secret))
    }
}

/// A [`SerializeSecret`] as a `Serialize`.
struct Secret<'a, T>(&'a T);

impl<T: SerializeSecret> Serialize for Secret<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_secret(serializer)
    }
}

/// For `#[serde(serialize_with = "::arazzo_runtime::serde_support::secret")]` on a field holding
/// secrets: `"[REDACTED]"`, or the secret inside [`ExposeSecrets`].
pub fn secret<T: SerializeSecret, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.serialize_secret(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Outputs {
        id: String,
        #[serde(serialize_with = "secret")]
        key: SecretString,
        #[serde(serialize_with = "secret")]
        maybe: Option<SecretString>,
        #[serde(serialize_with = "secret")]
        none: Option<SecretString>,
        #[serde(serialize_with = "secret")]
        many: Vec<SecretString>,
    }

    fn outputs() -> Outputs {
        Outputs {
            id: "k2".into(),
            key: "sk_one".into(),
            maybe: Some("sk_two".into()),
            none: None,
            many: vec!["sk_three".into()],
        }
    }

    #[test]
    fn secrets_are_redacted_unless_exposed() {
        let plain = serde_json::to_string(&outputs()).unwrap();
        assert_eq!(plain, r#"{"id":"k2","key":"[REDACTED]","maybe":"[REDACTED]","none":null,"many":["[REDACTED]"]}"#);
        let exposed = serde_json::to_string(&ExposeSecrets::new(&outputs())).unwrap();
        assert_eq!(exposed, r#"{"id":"k2","key":"sk_one","maybe":"sk_two","none":null,"many":["sk_three"]}"#);
        // Exposure ends with the call that asked for it.
        assert_eq!(serde_json::to_string(&outputs()).unwrap(), plain);
        let value = serde_json::to_value(ExposeSecrets::new(&[outputs()])).unwrap();
        assert_eq!(value[0]["key"], "sk_one");
        assert_eq!(serde_json::to_value(outputs()).unwrap()["key"], REDACTED);
    }
}
