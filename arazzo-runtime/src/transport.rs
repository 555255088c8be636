//! Sending a prepared request and receiving the whole response, with errors that never carry
//! the URL (its query may hold an API key) or anything the server sent.

use std::error::Error as _;
use std::io;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;

use crate::client::{Backend, Client};
use crate::error::StepError;
use crate::request::Prepared;
use crate::response::{Answered, Response};

/// Sends a request prepared with [`Request::prepare`]. With `left` (the time left before the
/// run's deadline) shorter than the client's request timeout, the request gets `left` as its
/// timeout: reqwest's own timer then bounds it, and no second timer is needed.
pub(crate) async fn execute_prepared(
    client: &Client,
    ids: (&'static str, &'static str),
    prepared: Prepared,
    left: Option<std::time::Duration>,
) -> Result<Response, StepError> {
    match client.backend() {
        Backend::Http(http) => {
            let http = http.as_ref().map_err(|message| StepError::Transport {
                message: format!("the HTTP client could not be built: {message}"),
            })?;
            let (mut outgoing, answered) = outgoing(prepared);
            if let (Some(left), Some(limit)) = (left, client.request_timeout())
                && left < limit
            {
                *outgoing.timeout_mut() = Some(left);
            }
            let parts = send(http, client.max_response_bytes(), outgoing).await?;
            Ok(Response::received(parts, answered))
        }
        Backend::DryRun(dry_run) => {
            let answer = dry_run.answer(ids, &prepared)?;
            Ok(respond(prepared, (answer.status, Arc::new(answer.headers), Bytes::from(answer.body))))
        }
    }
}

/// The response to `prepared` from its parts (received, or recorded in a checkpoint). It knows its
/// request's secrets and, for criteria that read the request (`$url`, `$request.header.*`), what
/// was sent: kept in memory only.
pub(crate) fn respond(prepared: Prepared, parts: (u16, Arc<HeaderMap>, Bytes)) -> Response {
    let sent = prepared.sent.map(|mut sent| {
        sent.url = Some(prepared.url);
        sent.headers = prepared.headers;
        sent
    });
    let answered = Answered {
        secrets: prepared.secrets,
        secret_pointers: prepared.secret_pointers,
        method: Some(prepared.method_sent),
        sent,
    };
    Response::received(parts, answered)
}

/// The reqwest request for `prepared`, and what its response keeps of it. URL, headers and body
/// move into the request; URL and headers are copied only when the response keeps a record of
/// what was sent ([`Request::keep_sent`](crate::Request::keep_sent)).
fn outgoing(prepared: Prepared) -> (reqwest::Request, Answered) {
    let Prepared { method, url, headers, body, secrets, secret_pointers, method_sent, sent } = prepared;
    let (url, headers, sent) = match sent {
        Some(mut sent) => {
            sent.url = Some(url.clone());
            sent.headers = headers.clone();
            (url, headers, Some(sent))
        }
        None => (url, headers, None),
    };
    let mut outgoing = reqwest::Request::new(method, url);
    *outgoing.headers_mut() = headers;
    if let Some(body) = body {
        *outgoing.body_mut() = Some(body.into());
    }
    (outgoing, Answered { secrets, secret_pointers, method: Some(method_sent), sent })
}

/// Sends `outgoing` over the network and reads at most `limit` bytes of body.
async fn send(
    http: &reqwest::Client,
    limit: usize,
    outgoing: reqwest::Request,
) -> Result<(u16, Arc<HeaderMap>, Bytes), StepError> {
    let mut incoming = http.execute(outgoing).await.map_err(map_reqwest_error)?;
    let status = incoming.status().as_u16();
    let headers = std::mem::take(incoming.headers_mut());
    // A body that arrives in one chunk (most JSON answers) is kept as received, without a copy.
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut received = 0_usize;
    while let Some(chunk) = incoming.chunk().await.map_err(map_reqwest_error)? {
        received = received.saturating_add(chunk.len());
        if received > limit {
            return Err(StepError::Transport {
                message: format!("the response body is larger than the limit of {limit} bytes"),
            });
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            None => joined.extend_from_slice(&chunk),
            Some(earlier) => {
                joined.reserve(earlier.len() + chunk.len());
                joined.extend_from_slice(&earlier);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    let body = first.unwrap_or_else(|| Bytes::from(joined));
    Ok((status, Arc::new(headers), body))
}

/// Maps a reqwest error to a step error that keeps only a description.
pub(crate) fn map_reqwest_error(error: reqwest::Error) -> StepError {
    let error = error.without_url();
    if error.is_timeout() {
        StepError::Timeout
    } else if error.is_builder() {
        StepError::InvalidRequest { message: "the HTTP request could not be built".into() }
    } else {
        StepError::Transport { message: describe_reqwest_error(&error) }
    }
}

/// What kind of failure a reqwest error is, plus the operating system's reason when known.
///
/// Built from error kinds rather than reqwest's or hyper's messages, which may quote the URL.
pub(crate) fn describe_reqwest_error(error: &reqwest::Error) -> String {
    let what = if error.is_dns() {
        "could not resolve the server's host name"
    } else if error.is_connect() {
        "could not connect to the server"
    } else if error.is_redirect() {
        "the redirect could not be followed"
    } else if error.is_body() || error.is_decode() {
        "the response body could not be received"
    } else if error.is_builder() {
        "the HTTP client could not be configured"
    } else {
        "the request could not be sent or its response received"
    };
    match io_reason(error) {
        Some(reason) => format!("{what} ({reason})"),
        None => what.to_owned(),
    }
}

/// The kind of the first `io::Error` in the source chain, when it says something useful.
fn io_reason(error: &reqwest::Error) -> Option<&'static str> {
    let mut source = error.source();
    while let Some(current) = source {
        if let Some(io_error) = current.downcast_ref::<io::Error>() {
            use io::ErrorKind::*;
            return match io_error.kind() {
                ConnectionRefused => Some("connection refused"),
                ConnectionReset => Some("connection reset"),
                ConnectionAborted => Some("connection aborted"),
                NotConnected => Some("not connected"),
                AddrNotAvailable => Some("address not available"),
                HostUnreachable => Some("host unreachable"),
                NetworkUnreachable => Some("network unreachable"),
                BrokenPipe => Some("broken pipe"),
                UnexpectedEof => Some("connection closed early"),
                PermissionDenied => Some("permission denied"),
                _ => None,
            };
        }
        source = current.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Method, Request};
    use std::sync::Arc;

    #[tokio::test]
    async fn a_client_that_failed_to_build_reports_it_on_use() {
        let client = Client::with_backend(Backend::Http(Err(Arc::from("no TLS backend"))));
        let prepared = Request::new(Method::Get, "/").prepare("http://127.0.0.1:9").unwrap();
        let error = execute_prepared(&client, ("w", "s"), prepared, None).await.err();
        assert_eq!(
            error,
            Some(StepError::Transport { message: "the HTTP client could not be built: no TLS backend".into() })
        );
    }
}
