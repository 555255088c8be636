//! What Restate stores for each exchange: the id it answered and its outcome, as JSON.
//!
//! Bodies and header values are written as text when they are UTF-8 (JSON bodies almost always
//! are), so that an entry reads plainly in Restate's UI; otherwise as `{"base64": "..."}` (standard
//! base64, RFC 4648), since the record must give back exactly the bytes received.

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

/// Bytes as a journal entry writes them: text when UTF-8, base64 otherwise.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Bytes<'a> {
    Text(std::borrow::Cow<'a, str>),
    Base64 { base64: String },
}

impl<'a> Bytes<'a> {
    fn of(bytes: &'a [u8]) -> Self {
        use base64::Engine;
        match std::str::from_utf8(bytes) {
            Ok(text) => Self::Text(text.into()),
            Err(_) => Self::Base64 { base64: base64::engine::general_purpose::STANDARD.encode(bytes) },
        }
    }

    fn into_bytes<E: serde::de::Error>(self) -> Result<Vec<u8>, E> {
        use base64::Engine;
        match self {
            Self::Text(text) => Ok(text.into_owned().into_bytes()),
            Self::Base64 { base64 } => base64::engine::general_purpose::STANDARD.decode(base64).map_err(E::custom),
        }
    }
}

/// A body: [`Bytes`].
pub(crate) mod body {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Bytes;

    pub(crate) fn serialize<S: Serializer>(body: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        Bytes::of(body).serialize(serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        Bytes::deserialize(deserializer)?.into_bytes()
    }
}

/// Headers as `[name, value]` pairs, each value [`Bytes`].
pub(crate) mod headers {
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::Bytes;

    pub(crate) fn serialize<S: Serializer>(headers: &[(String, Vec<u8>)], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(headers.len()))?;
        for (name, value) in headers {
            seq.serialize_element(&(name, Bytes::of(value)))?;
        }
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, Vec<u8>)>, D::Error> {
        let pairs = Vec::<(String, Bytes<'static>)>::deserialize(deserializer)?;
        pairs.into_iter().map(|(name, value)| Ok((name, value.into_bytes()?))).collect()
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
    fn a_record_is_json_with_text_as_text() {
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
                "outcome": {"Ok": {
                    "status": 201,
                    "headers": [["content-type", "application/json"]],
                    "body": "{\"key\":\"k\"}"
                }}
            })
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_written_in_base64() {
        let response =
            RecordedResponse { status: 200, headers: vec![("x-raw".into(), vec![0xff, b'a'])], body: vec![0x80, 0x00] };
        let json = serde_json::to_value(Record::new(id(), Ok(response))).unwrap();
        // RFC 4648: 0xff 0x61 is `/2E=`, 0x80 0x00 is `gAA=`.
        assert_eq!(json["outcome"]["Ok"]["headers"], serde_json::json!([["x-raw", {"base64": "/2E="}]]));
        assert_eq!(json["outcome"]["Ok"]["body"], serde_json::json!({"base64": "gAA="}));
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
            "outcome":{"Ok":{"status":200,"headers":[],"body":{"base64":"not base64!"}}}}"#;
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
