//! The HTTP client shared by every workflow call, and its timeouts.

use std::sync::Arc;
use std::time::Duration;

use crate::error::StepError;

/// Default limit for a whole request (connect, send, receive the body).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default limit for the size of a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The HTTP client generated workflows send their requests with. Cheap to clone (shared pool).
///
/// Redirects are not followed: a redirect would carry API-key headers to wherever the server
/// points, so a 3xx response is returned to the workflow, whose criteria then fail clearly.
/// Build it over your own `reqwest::Client` with [`Client::from_reqwest`] for other policies
/// (proxies, TLS roots, redirects).
#[derive(Clone, Debug)]
pub struct Client {
    // Building a reqwest client can fail (TLS backend initialisation); the error is kept and
    // reported by the first request instead of panicking in `Client::new`.
    http: Result<reqwest::Client, Arc<str>>,
    max_response_bytes: usize,
}

impl Client {
    /// A client with a 30 s request timeout and a 10 s connect timeout.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Uses an existing reqwest client with all its settings (timeouts, redirects, TLS, proxy).
    pub fn from_reqwest(client: reqwest::Client) -> Self {
        Self { http: Ok(client), max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES }
    }

    /// Limits the size of response bodies (default 32 MiB); a larger body fails the step.
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    pub(crate) fn http(&self) -> Result<&reqwest::Client, StepError> {
        self.http.as_ref().map_err(|message| StepError::Transport {
            message: format!("the HTTP client could not be built: {message}"),
        })
    }

    pub(crate) fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

/// Settings for a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    request_timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
}

/// The HTTP client could not be built (for example the TLS backend failed to initialise).
#[derive(Clone, Debug, thiserror::Error)]
#[error("the HTTP client could not be built: {message}")]
pub struct ClientBuildError {
    message: String,
}

impl ClientBuilder {
    /// Limit for a whole request, from connecting to the end of the response body.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Limit for establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limit for the size of a response body.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Builds the client. Should building fail, every request made with it fails with
    /// [`StepError::Transport`]; use [`ClientBuilder::try_build`] to find out now.
    pub fn build(self) -> Client {
        let max_response_bytes = self.max_response_bytes;
        Client { http: self.reqwest().map_err(|error| Arc::from(error.message)), max_response_bytes }
    }

    /// Builds the client, or says why it cannot be built.
    pub fn try_build(self) -> Result<Client, ClientBuildError> {
        let max_response_bytes = self.max_response_bytes;
        Ok(Client { http: Ok(self.reqwest()?), max_response_bytes })
    }

    fn reqwest(self) -> Result<reqwest::Client, ClientBuildError> {
        reqwest::Client::builder()
            .timeout(self.request_timeout)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| ClientBuildError { message: crate::transport::describe_reqwest_error(&error) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_client_builds() {
        let client = Client::default();
        assert!(client.http().is_ok());
        assert_eq!(client.max_response_bytes(), DEFAULT_MAX_RESPONSE_BYTES);
    }

    #[test]
    fn builder_sets_limits() {
        let client = Client::builder()
            .request_timeout(Duration::from_millis(5))
            .connect_timeout(Duration::from_millis(5))
            .max_response_bytes(10)
            .try_build()
            .unwrap();
        assert_eq!(client.max_response_bytes(), 10);
        assert_eq!(client.with_max_response_bytes(20).max_response_bytes(), 20);
    }

    #[test]
    fn a_client_that_failed_to_build_reports_it_on_use() {
        let client = Client { http: Err(Arc::from("no TLS backend")), max_response_bytes: 1 };
        assert_eq!(
            client.http().err(),
            Some(StepError::Transport { message: "the HTTP client could not be built: no TLS backend".into() })
        );
    }
}
