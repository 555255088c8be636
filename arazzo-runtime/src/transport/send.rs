//! Sending a prepared request and receiving the whole response, with errors that never carry
//! the URL (its query may hold an API key) or anything the server sent.

use std::error::Error as _;
use std::io;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::HeaderMap;

use crate::encoding::Prepared;
use crate::error::StepError;
use crate::reading::Answered;
use crate::transport::DryRun;

/// Where requests go.
#[derive(Clone, Debug)]
pub(crate) enum Backend {
    /// Over the network. Building a reqwest client can fail (TLS backend initialisation); the
    /// error is kept and reported by the first request instead of panicking in `Client::new`.
    Http(Result<reqwest::Client, Arc<str>>),
    /// To a [`DryRun`](crate::DryRun), which answers with the responses it was given.
    DryRun(DryRun),
}

/// A response's status, headers and body, as received.
pub(crate) type Parts = (u16, Arc<HeaderMap>, Bytes);

/// Sends a request prepared with [`Request::prepare`](crate::Request) (whose [`answered_of`] was
/// taken) to `backend`, reading at most `max_response_bytes` of body: the response's parts, which a
/// journal records. With `left` (the time left before the run's deadline) shorter than the
/// client's `request_timeout`, the request gets `left` as its timeout: reqwest's own timer then
/// bounds it, and no second timer is needed.
pub(crate) async fn execute_parts(
    backend: &Backend,
    request_timeout: Option<std::time::Duration>,
    max_response_bytes: usize,
    ids: (&'static str, &'static str),
    prepared: Prepared,
    left: Option<std::time::Duration>,
) -> Result<Parts, StepError> {
    match backend {
        Backend::Http(http) => {
            let http = http.as_ref().map_err(|message| StepError::Transport {
                message: format!("the HTTP client could not be built: {message}"),
            })?;
            let mut outgoing = outgoing(prepared);
            if let (Some(left), Some(limit)) = (left, request_timeout)
                && left < limit
            {
                *outgoing.timeout_mut() = Some(left);
            }
            send(http, max_response_bytes, outgoing).await
        }
        Backend::DryRun(dry_run) => {
            let answer = dry_run.answer(ids, &prepared)?;
            Ok((answer.status, Arc::new(answer.headers), Bytes::from(answer.body)))
        }
    }
}

/// Takes out of `prepared` what its response keeps of the request: its secrets and method and,
/// for criteria that read the request (`$url`, `$request.header.*`), what was sent, with the URL
/// and headers copied only when the request asked to keep it
/// ([`Request::keep_sent`](crate::Request::keep_sent)). Kept in memory only.
pub(crate) fn answered_of(prepared: &mut Prepared) -> Answered {
    let sent = prepared.sent.take().map(|mut sent| {
        sent.url = Some(prepared.url.clone());
        sent.headers = prepared.headers.clone();
        sent
    });
    Answered {
        secrets: std::mem::take(&mut prepared.secrets),
        secret_pointers: prepared.secret_pointers,
        method: Some(prepared.method_sent),
        sent,
    }
}

/// The reqwest request for `prepared`, whose [`answered_of`] was taken: URL, headers and body move
/// into it.
fn outgoing(prepared: Prepared) -> reqwest::Request {
    let Prepared { method, url, headers, body, .. } = prepared;
    let mut outgoing = reqwest::Request::new(method, url);
    *outgoing.headers_mut() = headers;
    if let Some(body) = body {
        *outgoing.body_mut() = Some(body.into());
    }
    outgoing
}

/// Sends `outgoing` over the network and reads at most `limit` bytes of body.
async fn send(http: &reqwest::Client, limit: usize, outgoing: reqwest::Request) -> Result<Parts, StepError> {
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
/// Built from error kinds rather than reqwest's or hyper's messages, which may quote the URL. A
/// cause found in the error's source chain that says more than reqwest's category (no file
/// descriptor left, a malformed response) replaces the category, which would mislead: running out
/// of file descriptors is a connect error to reqwest, but the server was never tried.
pub(crate) fn describe_reqwest_error(error: &reqwest::Error) -> String {
    let causes = Causes::of(error);
    if let Some(limit) = causes.descriptor_limit {
        return format!(
            "too many open files: the {limit} limit on open file descriptors is reached, so no connection \
             could be opened (see `ulimit -n`, or run fewer requests at once)"
        );
    }
    if let Some(what) = causes.http.and_then(http_failure) {
        return what.to_owned();
    }
    if error.is_connect() && causes.https_without_tls {
        return "the base URL is `https`, but arazzo-runtime was built without TLS: enable its `rustls` or \
                `native-tls` feature"
            .to_owned();
    }
    if error.is_connect()
        && let Some(tls) = causes.tls.or_else(|| causes.io.and_then(tls_failure))
    {
        return format!("the TLS handshake with the server failed ({tls})");
    }
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
    match causes.io.and_then(io_reason) {
        Some(reason) => format!("{what} ({reason})"),
        None => what.to_owned(),
    }
}

/// The causes in an error's source chain that [`describe_reqwest_error`] reads.
#[derive(Default)]
struct Causes<'a> {
    /// The first `io::Error`.
    io: Option<&'a io::Error>,
    /// `"process's"` or `"system's"` when an `io::Error` says no file descriptor was left.
    descriptor_limit: Option<&'static str>,
    /// The first hyper error.
    http: Option<&'a hyper::Error>,
    /// Whether the connector refused an `https` URL because no TLS backend is built in.
    https_without_tls: bool,
    /// What native-tls's error says of a failed handshake.
    tls: Option<String>,
}

impl<'a> Causes<'a> {
    fn of(error: &'a reqwest::Error) -> Self {
        let mut causes = Causes::default();
        let mut source = error.source();
        while let Some(current) = source {
            if let Some(io_error) = current.downcast_ref::<io::Error>() {
                causes.io = causes.io.or(Some(io_error));
                causes.descriptor_limit = causes.descriptor_limit.or_else(|| descriptor_limit(io_error));
            }
            if let Some(http) = current.downcast_ref::<hyper::Error>() {
                causes.http = causes.http.or(Some(http));
            }
            #[cfg(feature = "native-tls")]
            if causes.tls.is_none() {
                causes.tls = crate::transport::tls::native_tls_failure(current);
            }
            // hyper-util's connector says so in a fixed text, its only way to: without a TLS backend
            // it takes only `http` URLs.
            causes.https_without_tls |= current.to_string() == "invalid URL, scheme is not http";
            source = current.source();
        }
        causes
    }
}

/// Whose limit on open file descriptors `error` reports reaching, if it does. The standard
/// library has no stable `ErrorKind` for it (it is `Uncategorized`), so the OS error number is read.
fn descriptor_limit(error: &io::Error) -> Option<&'static str> {
    // EMFILE and ENFILE: 24 and 23 on Linux, the BSDs and macOS; WSAEMFILE on Windows.
    #[cfg(unix)]
    const LIMITS: [(i32, &str); 2] = [(24, "process's"), (23, "system's")];
    #[cfg(windows)]
    const LIMITS: [(i32, &str); 1] = [(10024, "process's")];
    #[cfg(not(any(unix, windows)))]
    const LIMITS: [(i32, &str); 0] = [];
    let code = error.raw_os_error()?;
    LIMITS.iter().find(|(limit, _)| *limit == code).map(|(_, whose)| *whose)
}

/// What a hyper error says went wrong with the response, when it is specific. hyper's messages
/// for these kinds are fixed descriptions that never quote what was received; the kinds without
/// a predicate of their own are told apart by them.
fn http_failure(error: &hyper::Error) -> Option<&'static str> {
    if error.is_parse_status() {
        return Some("the response is malformed: its status line has no valid status code");
    }
    if error.is_incomplete_message() {
        return Some("the connection was closed before a complete response was received");
    }
    if !error.is_parse() {
        return None;
    }
    let description = error.to_string();
    Some(match description.as_str() {
        // hyper reports too many headers as too large a head.
        "message head is too large" => {
            "the response is malformed: its headers are too large or too many (the HTTP library accepts 100 \
             headers and about 400 KiB)"
        }
        "invalid content-length parsed" => {
            "the response is malformed: its Content-Length is invalid (not a number, or given twice with different values)"
        }
        "unexpected transfer-encoding parsed" => {
            "the response is malformed: it has a Transfer-Encoding header where none is allowed"
        }
        "invalid transfer-encoding parsed" => "the response is malformed: its Transfer-Encoding is invalid",
        "invalid HTTP header parsed" => "the response is malformed: a header is not valid (its name or line)",
        version if version.starts_with("invalid HTTP version parsed") => {
            "the response is malformed: its status line does not start with an HTTP/1 version"
        }
        _ => "the response is malformed: it is not valid HTTP",
    })
}

/// What went wrong in a TLS handshake, when `error` (met while connecting) is rustls's: it reports a
/// failed handshake (an unknown certificate authority, a name the certificate is not valid for, a
/// server that does not speak TLS) as `InvalidData` wrapping its own error, whose text names the
/// cause and never the URL (native-tls's error is read by `tls::native_tls_failure`). hyper-rustls
/// wraps that `io::Error` in another (`Other`), whose `source()` skips it: the wrapped errors are
/// read through `get_ref`. Only a build with a TLS backend can meet one.
fn tls_failure(error: &io::Error) -> Option<String> {
    if !cfg!(any(feature = "rustls-no-provider", feature = "native-tls")) {
        return None;
    }
    let mut current = error;
    loop {
        match current.get_ref() {
            Some(inner) => match inner.downcast_ref::<io::Error>() {
                Some(wrapped) => current = wrapped,
                None if current.kind() == io::ErrorKind::InvalidData => return Some(inner.to_string()),
                None => return None,
            },
            None => return None,
        }
    }
}

/// What the kind of an `io::Error` says, when it says something useful.
fn io_reason(io_error: &io::Error) -> Option<&'static str> {
    use io::ErrorKind::*;
    match io_error.kind() {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{Method, Request};
    use std::sync::Arc;

    #[tokio::test]
    async fn a_client_that_failed_to_build_reports_it_on_use() {
        let backend = Backend::Http(Err(Arc::from("no TLS backend")));
        let prepared = Request::new(Method::Get, "/").prepare("http://127.0.0.1:9").unwrap();
        let error = execute_parts(&backend, None, 1024, ("w", "s"), prepared, None).await.err();
        assert_eq!(
            error,
            Some(StepError::Transport { message: "the HTTP client could not be built: no TLS backend".into() })
        );
    }
}
