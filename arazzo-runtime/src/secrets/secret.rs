//! Secret values: API keys, tokens and passwords that must never reach a log line. [`SecretString`]
//! is defined at the crate root (so that rustc's notes name it by its public path); its code is here.

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretBox};
use serde::{Deserialize, Deserializer};

use crate::SecretString;

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::new(SecretBox::from(Box::<str>::from(value.into()))))
    }

    /// The secret in plain text. Do not log it.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl Clone for SecretString {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([REDACTED])")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

/// A user name and password for HTTP Basic authentication.
///
/// `Debug` shows the user name and redacts the password.
#[derive(Clone, Debug, Deserialize)]
pub struct BasicCredentials {
    /// The user name (for Backblaze B2: the application key id).
    pub username: String,
    /// The password (for Backblaze B2: the application key).
    pub password: SecretString,
}

impl BasicCredentials {
    /// Pairs a user name with a password.
    pub fn new(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        Self { username: username.into(), password: password.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_secret_is_redacted() {
        let secret = SecretString::from("sk_live_123");
        assert_eq!(format!("{secret:?}"), "SecretString([REDACTED])");
        assert_eq!(format!("{secret:#?}"), "SecretString([REDACTED])");
    }

    #[test]
    fn expose_secret_returns_the_plain_text() {
        assert_eq!(SecretString::from(String::from("tok")).expose_secret(), "tok");
        assert_eq!(SecretString::from("tok").expose_secret(), "tok");
    }

    #[test]
    fn clones_hold_the_same_secret() {
        let secret = SecretString::from("abc");
        let copy = secret.clone();
        drop(secret);
        assert_eq!(copy.expose_secret(), "abc");
    }

    #[test]
    fn clones_share_one_copy_of_the_value() {
        let secret = SecretString::from("abc");
        let copy = secret.clone();
        assert_eq!(secret.expose_secret().as_ptr(), copy.expose_secret().as_ptr());
        assert_ne!(SecretString::from("abc").expose_secret().as_ptr(), secret.expose_secret().as_ptr());
    }

    #[test]
    fn debug_of_structs_holding_secrets_never_shows_them() {
        #[derive(Debug)]
        #[allow(dead_code)] // fields are read only through Debug
        struct Outputs {
            key_id: String,
            key: SecretString,
            old: Option<SecretString>,
        }
        let outputs =
            Outputs { key_id: "key_1".into(), key: "sk_new_secret".into(), old: Some("sk_old_secret".into()) };
        let text = format!("{outputs:?} {outputs:#?}");
        assert!(text.contains("key_1"));
        assert!(!text.contains("sk_new_secret"));
        assert!(!text.contains("sk_old_secret"));

        let basic = BasicCredentials::new("app-key-id", "app-key-secret");
        let text = format!("{basic:?}");
        assert!(text.contains("app-key-id"));
        assert!(!text.contains("app-key-secret"));
    }

    #[test]
    fn deserializes_from_a_json_string() {
        let secret: SecretString = serde_json::from_str("\"xyz\"").unwrap();
        assert_eq!(secret.expose_secret(), "xyz");
        assert!(serde_json::from_str::<SecretString>("12").is_err());

        let basic: BasicCredentials = serde_json::from_str(r#"{"username":"u","password":"p"}"#).unwrap();
        assert_eq!(basic.username, "u");
        assert_eq!(basic.password.expose_secret(), "p");
    }
}
