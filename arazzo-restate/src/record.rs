//! What Restate stores for each exchange: which exchange it answered, readable, and the exchange
//! itself (the response, or the transport failure, with the id it answered) sealed with the user's
//! [`JournalKey`], so that Restate's storage never holds what a provider answered in the clear (a
//! key a step created).
//!
//! The request is never recorded: nothing a run sent (credentials included) enters Restate.

use arazzo_runtime::journal::Exchange;
use arazzo_runtime::journal::seal::JournalKey;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The version of [`Record`]'s form, written in every record: a service instance that finds a form
/// it does not know refuses it instead of misreading a journal written by another version. Version
/// 1 (the first arazzo-restate) recorded responses in the clear.
pub(crate) const RECORD_VERSION: u32 = 2;

/// The base64 alphabet of sealed bytes in records and replies (RFC 4648, standard, padded).
pub(crate) const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// One journal entry. Public in a private module, so that the sealed trait
/// [`Recorder`](crate::pump::Recorder) can name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub(crate) v: u32,
    /// `workflow/step (METHOD /path/{template})`, for whoever reads the journal in Restate's UI;
    /// nothing a request sent. The pump matches an entry to its request by the sealed id.
    pub(crate) exchange: String,
    /// The exchange as JSON, sealed with the journal key and bound to the invocation (base64): an
    /// entry copied into another invocation's journal does not open.
    pub(crate) sealed: String,
}

/// Why a record's exchange cannot be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unreadable {
    /// It does not open with this key (another key sealed it) for this invocation, or was altered.
    Unopened,
    /// It opened, but what it holds is not an exchange.
    NotAnExchange(String),
}

impl Record {
    /// `exchange`, sealed for the journal of `invocation`.
    pub(crate) fn seal(exchange: &Exchange, key: &JournalKey, invocation: &str) -> Result<Self, String> {
        let plaintext =
            zeroize::Zeroizing::new(serde_json::to_vec(&exchange.expose_secrets()).map_err(|error| error.to_string())?);
        let sealed = key.seal(&plaintext, &context(invocation)).map_err(|error| error.to_string())?;
        Ok(Self { v: RECORD_VERSION, exchange: exchange.id().to_string(), sealed: BASE64.encode(sealed) })
    }

    /// The exchange this record holds, opened with `key` for `invocation`.
    pub(crate) fn open(&self, key: &JournalKey, invocation: &str) -> Result<Exchange, Unreadable> {
        let sealed = BASE64.decode(&self.sealed).map_err(|_| Unreadable::Unopened)?;
        let plaintext = key.open(&sealed, &context(invocation)).map_err(|_| Unreadable::Unopened)?;
        serde_json::from_slice(&plaintext).map_err(|error| Unreadable::NotAnExchange(error.to_string()))
    }
}

/// What a record's seal is bound to: its purpose and the invocation.
fn context(invocation: &str) -> Vec<u8> {
    [b"arazzo-restate journal entry\0".as_slice(), invocation.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use arazzo_runtime::journal::{ExchangeId, Failure};
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::*;

    const SECRET: &str = "sk_live_created_7d1e4b";

    fn key(byte: u8) -> JournalKey {
        JournalKey::from_bytes([byte; 32])
    }

    fn exchange() -> Exchange {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let id = ExchangeId::new("rotate", "createKey", "POST", "/keys", 7);
        Exchange::response(id, 201, headers, format!("{{\"key\":\"{SECRET}\"}}"))
    }

    #[test]
    fn a_record_names_its_exchange_and_holds_the_response_sealed() {
        let record = Record::seal(&exchange(), &key(1), "inv_1").unwrap();
        let json = serde_json::to_string(&record).unwrap();
        assert!(!json.contains(SECRET) && !json.contains("application/json"), "{json}");
        assert_eq!(record.v, 2);
        assert_eq!(record.exchange, "rotate/createKey (POST /keys)");
        let opened = record.open(&key(1), "inv_1").unwrap();
        assert_eq!(opened.id(), exchange().id());
        assert_eq!(opened.status(), Some(201));
        let exposed = serde_json::to_value(opened.expose_secrets()).unwrap();
        assert_eq!(exposed["body"], format!("{{\"key\":\"{SECRET}\"}}"));
    }

    #[test]
    fn a_transport_failure_is_recorded_and_opens_as_the_same_failure() {
        let id = ExchangeId::new("rotate", "createKey", "POST", "/keys", 7);
        let failed = Exchange::failed(id, Failure::Timeout);
        let opened = Record::seal(&failed, &key(1), "inv_1").unwrap().open(&key(1), "inv_1").unwrap();
        assert_eq!(opened.failure(), Some(&Failure::Timeout));
    }

    #[test]
    fn a_record_does_not_open_with_another_key_or_in_another_invocation() {
        let record = Record::seal(&exchange(), &key(1), "inv_1").unwrap();
        assert_eq!(record.open(&key(2), "inv_1").unwrap_err(), Unreadable::Unopened);
        assert_eq!(record.open(&key(1), "inv_2").unwrap_err(), Unreadable::Unopened);
        let mut altered = record.clone();
        altered.sealed.replace_range(10..11, if &altered.sealed[10..11] == "A" { "B" } else { "A" });
        assert_eq!(altered.open(&key(1), "inv_1").unwrap_err(), Unreadable::Unopened);
    }

    #[test]
    fn every_record_is_sealed_afresh() {
        // A random nonce per record: equal exchanges give unrelated records.
        let (a, b) = (
            Record::seal(&exchange(), &key(1), "inv_1").unwrap(),
            Record::seal(&exchange(), &key(1), "inv_1").unwrap(),
        );
        assert_ne!(a.sealed, b.sealed);
    }
}
