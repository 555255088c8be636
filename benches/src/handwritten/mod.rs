//! Hand-written reqwest clients for the five seed workflows: the baseline the generated clients are
//! measured against.
//!
//! Each function sends exactly the requests the generated client sends (method, path, query,
//! headers, body bytes) and reads the same response fields, the way a careful person would write it
//! by hand: serde structs parsed straight from the body, `?` on every step, no run record, no
//! tracing, no secret wrappers. `tests/same_requests.rs` checks that both send the same requests.

use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;

pub mod apigee;
pub mod backblaze;
pub mod deepgram;
pub mod propelauth;
pub mod svix;

/// Why a hand-written rotation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{step}: {source}")]
    Http { step: &'static str, source: reqwest::Error },
    #[error("{step}: unexpected status {status}")]
    Status { step: &'static str, status: u16 },
    #[error("{step}: unexpected response body: {source}")]
    Body { step: &'static str, source: serde_json::Error },
    #[error("{step}: the response has an empty list")]
    Empty { step: &'static str },
    #[error("{step}: invalid URL")]
    Url { step: &'static str },
}

/// The same client settings as `arazzo_runtime::Client::new()`: 30 s request and 10 s connect
/// timeouts, no redirects.
///
/// arazzo-runtime's `rustls` feature builds reqwest with rustls but leaves the crypto provider to
/// whoever builds a client (it hands ring to its own): a client built with reqwest directly needs
/// one installed for the process, as an application's would. Err when one is already installed.
pub fn client() -> Result<reqwest::Client, reqwest::Error> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// RFC 3986 `unreserved` stays, everything else is percent-encoded: a value is one path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `text` percent-encoded as one path segment.
pub(crate) fn seg(text: &str) -> percent_encoding::PercentEncode<'_> {
    utf8_percent_encode(text, SEGMENT)
}

/// `base` without its trailing slashes, so that `{base}/path` never has `//`.
pub(crate) fn base(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// Sends `request`, checks the status and returns the body bytes.
pub(crate) async fn send(
    step: &'static str,
    request: reqwest::RequestBuilder,
    status: u16,
) -> Result<impl AsRef<[u8]>, Error> {
    let response = request.send().await.map_err(|source| Error::Http { step, source })?;
    if response.status().as_u16() != status {
        return Err(Error::Status { step, status: response.status().as_u16() });
    }
    response.bytes().await.map_err(|source| Error::Http { step, source })
}

/// Parses a JSON body into `T`.
pub(crate) fn parse<T: DeserializeOwned>(step: &'static str, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|source| Error::Body { step, source })
}
