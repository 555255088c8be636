//! What Restate stores for each exchange: the id it answered and its outcome, as JSON.
//!
//! Bytes (bodies, header values) are written as standard base64 (RFC 4648): a body need not be
//! UTF-8, and the record must give back exactly the bytes received.

use serde::{Deserialize, Serialize};

use crate::exchange::{ExchangeId, ExchangeOutcome};

/// The version of [`Record`]'s form, written in every record: a service instance that finds a form
/// it does not know refuses it instead of misreading a journal written by another version.
pub(crate) const RECORD_VERSION: u32 = 1;

/// One journal entry: which exchange it answered, and how. Public in a private module, so that the
/// sealing trait [`Recorder`](crate::pump::Recorder) can name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub(crate) v: u32,
    pub(crate) id: ExchangeId,
    pub(crate) outcome: ExchangeOutcome,
}

impl Record {
    pub(crate) fn new(id: ExchangeId, outcome: ExchangeOutcome) -> Self {
        Self { v: RECORD_VERSION, id, outcome }
    }
}

/// `Vec<u8>` as a base64 string.
pub(crate) mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// Headers as `[name, base64 value]` pairs.
pub(crate) mod header_values {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(headers: &[(String, Vec<u8>)], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(headers.len()))?;
        for (name, value) in headers {
            seq.serialize_element(&(name, STANDARD.encode(value)))?;
        }
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, Vec<u8>)>, D::Error> {
        let pairs = Vec::<(String, String)>::deserialize(deserializer)?;
        pairs
            .into_iter()
            .map(|(name, value)| Ok((name, STANDARD.decode(value).map_err(serde::de::Error::custom)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::RecordedResponse;

    fn id() -> ExchangeId {
        ExchangeId::new("rotate", "createKey", "POST", "/keys", 7)
    }

    #[test]
    fn a_record_is_json_with_bytes_in_base64() {
        let response = RecordedResponse {
            status: 201,
            headers: vec![("content-type".into(), b"application/json".to_vec())],
            body: b"{\"key\":\"k\"}".to_vec(),
        };
        let json = serde_json::to_value(Record::new(id(), Ok(response))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "v": 1,
                "id": {"workflow": "rotate", "step": "createKey", "method": "POST", "path": "/keys", "request": 7},
                // base64 of `application/json` and of `{"key":"k"}`, by RFC 4648's alphabet.
                "outcome": {"Ok": {
                    "status": 201,
                    "headers": [["content-type", "YXBwbGljYXRpb24vanNvbg=="]],
                    "body": "eyJrZXkiOiJrIn0="
                }}
            })
        );
    }

    #[test]
    fn a_record_reads_back_what_was_written_bytes_included() {
        let response = RecordedResponse {
            status: 200,
            headers: vec![("x-raw".into(), vec![0xff, 0x00, b'a'])],
            body: vec![0x80, 0x81, 0x00],
        };
        let branch = vec![("rotate".to_owned(), "both".to_owned())];
        for record in [
            Record::new(id().with_branch(branch.clone()), Ok(response.clone())),
            Record::new(id(), Err("connection refused".into())),
        ] {
            let text = serde_json::to_string(&record).unwrap();
            assert_eq!(serde_json::from_str::<Record>(&text).unwrap(), record);
        }
    }

    #[test]
    fn a_body_that_is_not_base64_is_refused() {
        let text = r#"{"v":1,"id":{"workflow":"w","step":"s","method":"GET","path":"/","request":0},
            "outcome":{"Ok":{"status":200,"headers":[],"body":"not base64!"}}}"#;
        assert!(serde_json::from_str::<Record>(text).is_err());
    }

    #[test]
    fn debug_output_shows_no_header_value_or_body() {
        let response = RecordedResponse {
            status: 200,
            headers: vec![("authorization".into(), b"Bearer sk_live_secret".to_vec())],
            body: b"{\"key\":\"sk_live_secret\"}".to_vec(),
        };
        let debug = format!("{response:?}");
        assert!(!debug.contains("sk_live_secret"), "{debug}");
        assert!(debug.contains("authorization") && debug.contains("200"), "{debug}");
    }
}
