//! Sealing journal records with the user's key: XChaCha20-Poly1305 (authenticated encryption), a
//! random 24-byte nonce per record, and a key check that tells a wrong key from damage.
//!
//! Why XChaCha20-Poly1305 rather than AES-256-GCM: its 192-bit nonces can be drawn at random for
//! every record without any bookkeeping (a collision is negligible even after billions of records
//! under one key), where GCM's 96-bit random nonces limit one key to about 2^32 records; and it is
//! fast in pure Rust without AES hardware instructions. Both are RustCrypto crates of the same
//! family.
//!
//! A sealed record is `nonce (24 bytes) || ciphertext || tag (16 bytes)`. The caller binds it to
//! where it belongs with `context` (associated data, authenticated but not stored): the file journal
//! passes the run id and the record's position, so a record moved to another place or another file
//! does not open.

use std::fmt;

use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

use super::JournalError;

/// Bytes a sealed record adds to its plaintext: the nonce and the tag.
pub const SEAL_OVERHEAD: usize = NONCE_LEN + TAG_LEN;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// What the key check seals: a fixed text, so that opening it tells whether a key is the one a
/// journal was written with before any record is read.
const KEY_CHECK: &[u8] = b"arazzo-rs journal key check, version 1";

/// The 32-byte key journal records are sealed with, provided by the user (a secret manager, an
/// environment variable). Zeroized when dropped; never printed (`Debug` shows `[REDACTED]`).
///
/// Generate one with `openssl rand -hex 32` (or [`JournalKey::generate`]) and keep it where the
/// other secrets of the application are: a journal cannot be read without it.
#[derive(Clone)]
pub struct JournalKey {
    /// The cipher keyed with it, which holds the key and zeroizes it when dropped.
    cipher: XChaCha20Poly1305,
}

impl JournalKey {
    /// A key from its 32 bytes. The array given is zeroized.
    pub fn from_bytes(mut bytes: [u8; 32]) -> Self {
        let cipher = XChaCha20Poly1305::new(&Key::from(bytes));
        bytes.zeroize();
        Self { cipher }
    }

    /// A key from 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, JournalError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| JournalError::InvalidKey {
            reason: format!("a journal key is 32 bytes, this one is {}", bytes.len()),
        })?;
        Ok(Self::from_bytes(array))
    }

    /// A key written as 64 hexadecimal digits or as base64 (standard or URL-safe alphabet, with or
    /// without padding) of 32 bytes; surrounding whitespace is ignored. The message of a refusal
    /// never quotes the text.
    pub fn parse(text: &str) -> Result<Self, JournalError> {
        use base64::Engine;
        let text = text.trim();
        if text.len() == 64 && text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            let mut bytes = Zeroizing::new([0_u8; 32]);
            for (index, pair) in text.as_bytes().chunks(2).enumerate() {
                let digit = |byte: u8| (byte as char).to_digit(16).unwrap_or(0) as u8;
                bytes[index] = digit(pair[0]) << 4 | digit(pair[1]);
            }
            return Ok(Self::from_bytes(*bytes));
        }
        let engines = [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        for engine in engines {
            if let Ok(decoded) = engine.decode(text) {
                let decoded = Zeroizing::new(decoded);
                return Self::from_slice(&decoded);
            }
        }
        Err(JournalError::InvalidKey { reason: "it is neither 64 hexadecimal digits nor base64 of 32 bytes".into() })
    }

    /// The key in environment variable `name` ([`JournalKey::parse`]).
    pub fn from_env(name: &str) -> Result<Self, JournalError> {
        let value = Zeroizing::new(std::env::var(name).map_err(|error| JournalError::InvalidKey {
            reason: match error {
                std::env::VarError::NotPresent => format!("the environment variable `{name}` is not set"),
                std::env::VarError::NotUnicode(_) => format!("the environment variable `{name}` is not text"),
            },
        })?);
        Self::parse(&value).map_err(|error| match error {
            JournalError::InvalidKey { reason } => {
                JournalError::InvalidKey { reason: format!("the environment variable `{name}`: {reason}") }
            }
            other => other,
        })
    }

    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<Self, JournalError> {
        let bytes = <[u8; 32]>::try_generate().map_err(|error| JournalError::Other {
            message: format!("the system's random number generator failed: {error}"),
        })?;
        Ok(Self::from_bytes(bytes))
    }

    /// `plaintext` sealed under this key and bound to `context` (which is not stored: opening
    /// needs the same).
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, JournalError> {
        let nonce = XNonce::try_generate().map_err(|error| JournalError::Other {
            message: format!("the system's random number generator failed: {error}"),
        })?;
        let sealed = self
            .cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad: context })
            .map_err(|_| JournalError::Other { message: "a journal record is too large to seal".into() })?;
        let mut record = Vec::with_capacity(NONCE_LEN + sealed.len());
        record.extend_from_slice(&nonce);
        record.extend_from_slice(&sealed);
        Ok(record)
    }

    /// The plaintext of `sealed`, sealed under this key with `context`; [`Unopened`] when it was
    /// sealed under another key or with another context, or was altered or cut short.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Zeroizing<Vec<u8>>, Unopened> {
        if sealed.len() < SEAL_OVERHEAD {
            return Err(Unopened);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| Unopened)?;
        self.cipher.decrypt(&nonce, Payload { msg: ciphertext, aad: context }).map(Zeroizing::new).map_err(|_| Unopened)
    }

    /// A key check for a store whose records this key seals under `context`: stored beside them
    /// (it reveals nothing of the key), it tells with [`JournalKey::verify`] whether a key is the
    /// one they were sealed with.
    pub fn key_check(&self, context: &[u8]) -> Result<Vec<u8>, JournalError> {
        self.seal(KEY_CHECK, context)
    }

    /// Whether `key_check` ([`JournalKey::key_check`]) was made with this key.
    pub fn verify(&self, key_check: &[u8], context: &[u8]) -> bool {
        self.open(key_check, context).is_ok_and(|text| &text[..] == KEY_CHECK)
    }
}

impl fmt::Debug for JournalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JournalKey([REDACTED])")
    }
}

/// Sealed bytes that do not open under the key and context given: another key, another place, or
/// damage. Says nothing more, by design of authenticated encryption.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the sealed bytes do not open with this key: sealed with another key, or altered")]
pub struct Unopened;

#[cfg(test)]
#[path = "seal_tests.rs"]
mod tests;
