//! A raw-TCP fault proxy: sits on 127.0.0.1:0 in front of a fake, forwards every request to it, and
//! breaks the answer to one chosen request (the `n`th received, 1-based, counted across every proxy
//! sharing a [`FaultPlan`]) in one of the ways of [`Fault`].
//!
//! Each request gets its own connection: every response says `Connection: close` and the socket is
//! closed after it, so the HTTP client never pools and "refuse the `n`th request" means "stop
//! listening once request `n - 1` has arrived". Canned statuses (5xx, 429) are the fakes' own
//! [`Failure`](crate::Failure) injection; this proxy does what a handler cannot: broken connections,
//! stalled or malformed responses. Every socket operation is bounded, so a test never hangs here.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

use crate::server::lock;

/// Bound on each read, write or connect, and on reading a whole upstream response.
const IO_LIMIT: Duration = Duration::from_secs(5);
/// Longest a [`Fault::Stall`] holds a connection when the client does not give up first.
const STALL_LIMIT: Duration = Duration::from_secs(10);
/// Pause between the partial response and the reset, so the client has read the headers.
const RESET_PAUSE: Duration = Duration::from_millis(50);
/// Largest request head, request body or upstream response the proxy handles.
const MAX_MESSAGE: usize = 1024 * 1024;
/// Most headers a message may have.
const MAX_HEADERS: usize = 64;

/// What goes wrong with the chosen request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Nothing listens any more when the request would be sent (connection refused). For the first
    /// request the port is closed from the start.
    Refused,
    /// The fake handles the request; the client gets headers announcing more body than follows, part
    /// of the body, then a TCP reset (`SO_LINGER` 0). A body-less response (204) is cut mid-headers.
    ResetMidBody,
    /// The fake handles the request; the response is withheld until the client gives up.
    Stall,
    /// The fake's response with its JSON body cut in half (`Content-Length` matching what is sent).
    TruncatedJson,
    /// The fake's status with a JSON object that has none of the fake's fields.
    WrongShape,
    /// The fake's response with the value at the RFC 6901 `pointer` replaced by the number 12345
    /// (`""`: the whole body, JSON or not).
    WrongType {
        /// Where in the body.
        pointer: String,
    },
    /// The fake's status and headers with an empty body.
    EmptyBody,
    /// The fake's status with an HTML page, `content-type: text/html`.
    Html,
    /// The fake's headers and body under another status: an unexpected success (`201` where the
    /// document expects `200`) after the fake did what the request asked.
    Status(u16),
}

/// A request as the proxy received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxiedRequest {
    /// Upper-case method.
    pub method: String,
    /// The request target as sent (path and query).
    pub target: String,
}

/// The fault to inject and what the proxies saw; shared by every proxy of one test (Backblaze has two
/// servers), so requests are numbered across them.
#[derive(Clone, Default)]
pub struct FaultPlan(Arc<PlanState>);

#[derive(Default)]
struct PlanState {
    fault: Mutex<Option<(usize, Fault)>>,
    requests: Mutex<Vec<ProxiedRequest>>,
    /// `(from, to)` text replacements applied to every forwarded response body.
    rewrites: Mutex<Vec<(String, String)>>,
    /// The accept loops, aborted to refuse connections.
    accepting: Mutex<Vec<JoinHandle<()>>>,
    closed: Mutex<bool>,
    /// What went wrong in the proxy itself, for tests to assert there was nothing.
    errors: Mutex<Vec<String>>,
}

impl FaultPlan {
    /// A plan that forwards everything unchanged.
    pub fn new() -> Self {
        Self::default()
    }

    /// Request `n` (1-based) gets `fault`. Set it before starting the proxies.
    pub fn inject(&self, n: usize, fault: Fault) {
        *lock(&self.0.fault) = Some((n, fault));
    }

    /// Replaces `from` by `to` in every forwarded response body (e.g. a server URL the fake hands
    /// out, so the client comes back through a proxy).
    pub fn rewrite(&self, from: &str, to: &str) {
        lock(&self.0.rewrites).push((from.to_owned(), to.to_owned()));
    }

    /// Every request received so far by the proxies of this plan, in order.
    pub fn requests(&self) -> Vec<ProxiedRequest> {
        lock(&self.0.requests).clone()
    }

    /// Problems of the proxy itself (an unparsable request, an upstream that did not answer, a
    /// [`Fault::WrongType`] pointer with nothing there); empty when it did its job.
    pub fn errors(&self) -> Vec<String> {
        lock(&self.0.errors).clone()
    }

    fn fault(&self) -> Option<(usize, Fault)> {
        lock(&self.0.fault).clone()
    }

    fn error(&self, message: String) {
        lock(&self.0.errors).push(message);
    }

    /// Records a request; returns its number and the fault it gets.
    fn record(&self, request: ProxiedRequest) -> (usize, Option<Fault>) {
        let n = {
            let mut requests = lock(&self.0.requests);
            requests.push(request);
            requests.len()
        };
        let fault = self.fault().and_then(|(at, fault)| (at == n).then_some(fault));
        (n, fault)
    }

    fn refuses_from(&self) -> Option<usize> {
        self.fault().and_then(|(n, fault)| (fault == Fault::Refused).then_some(n))
    }

    fn is_closed(&self) -> bool {
        *lock(&self.0.closed)
    }

    /// Stops every accept loop and waits until their listeners are dropped, so the next connection
    /// attempt is refused.
    async fn stop_accepting(&self) {
        *lock(&self.0.closed) = true;
        let loops: Vec<JoinHandle<()>> = lock(&self.0.accepting).drain(..).collect();
        for accept_loop in loops {
            accept_loop.abort();
            // Resolves once the task (and so its listener) is dropped.
            let _ = accept_loop.await;
        }
    }
}

/// One proxy in front of one upstream server; stops accepting when dropped.
#[derive(Debug)]
pub struct FaultProxy {
    /// Where the proxy listens.
    pub addr: SocketAddr,
    accept_loop: Option<AbortHandle>,
}

impl FaultProxy {
    /// Listens on 127.0.0.1:0 and forwards to `upstream` under `plan`.
    pub async fn start(upstream: SocketAddr, plan: &FaultPlan) -> io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        if plan.is_closed() || plan.refuses_from() == Some(1) {
            // Dropping the listener leaves a closed port: connecting to it is refused.
            return Ok(FaultProxy { addr, accept_loop: None });
        }
        let task = tokio::spawn(accept(listener, upstream, plan.clone()));
        let handle = task.abort_handle();
        lock(&plan.0.accepting).push(task);
        Ok(FaultProxy { addr, accept_loop: Some(handle) })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(handle) = &self.accept_loop {
            handle.abort();
        }
    }
}

async fn accept(listener: TcpListener, upstream: SocketAddr, plan: FaultPlan) {
    loop {
        match listener.accept().await {
            Ok((client, _)) => {
                tokio::spawn(serve(client, upstream, plan.clone()));
            }
            Err(error) => {
                plan.error(format!("accept failed: {error}"));
                return;
            }
        }
    }
}

async fn serve(client: TcpStream, upstream: SocketAddr, plan: FaultPlan) {
    if let Err(error) = proxy(client, upstream, &plan).await {
        plan.error(error.to_string());
    }
}

/// A request or response as read from the wire.
#[derive(Clone)]
struct Message {
    /// The start line: `METHOD target HTTP/1.1` or `HTTP/1.1 status reason`.
    start: String,
    /// The response status; 0 for a request.
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Message {
    fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.as_bytes().to_vec()));
    }

    /// Responses that carry no body whatever their headers say.
    fn is_bodiless(&self) -> bool {
        self.status == 204 || self.status == 304 || (100..200).contains(&self.status)
    }

    /// The start line and headers, with `Connection: close` and (unless body-less) `Content-Length`
    /// set to `length`; other framing headers are dropped.
    fn head(&self, length: usize) -> Vec<u8> {
        let mut head = format!("{}\r\n", self.start).into_bytes();
        for (name, value) in &self.headers {
            let framing = ["connection", "content-length", "transfer-encoding", "keep-alive", "proxy-connection"];
            if framing.iter().any(|f| name.eq_ignore_ascii_case(f)) {
                continue;
            }
            head.extend_from_slice(name.as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value);
            head.extend_from_slice(b"\r\n");
        }
        if !self.is_bodiless() {
            head.extend_from_slice(format!("content-length: {length}\r\n").as_bytes());
        }
        head.extend_from_slice(b"connection: close\r\n\r\n");
        head
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.head(self.body.len());
        if !self.is_bodiless() {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

async fn proxy(mut client: TcpStream, upstream: SocketAddr, plan: &FaultPlan) -> io::Result<()> {
    let request = bounded("reading the request", read_request(&mut client)).await?;
    let mut words = request.start.split(' ');
    let (method, target) = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
    let (n, fault) = plan.record(ProxiedRequest { method: method.to_owned(), target: target.to_owned() });
    if plan.refuses_from() == Some(n + 1) {
        plan.stop_accepting().await;
    }
    let mut response = forward(upstream, &request).await?;
    for (from, to) in lock(&plan.0.rewrites).iter() {
        if let Ok(text) = std::str::from_utf8(&response.body) {
            response.body = text.replace(from.as_str(), to).into_bytes();
        }
    }
    match fault {
        None | Some(Fault::Refused) => respond(&mut client, &response.to_bytes()).await,
        Some(Fault::ResetMidBody) => reset(client, &response).await,
        Some(Fault::Stall) => {
            stall(&mut client).await;
            Ok(())
        }
        Some(fault) => {
            mangle(&mut response, &fault, plan);
            respond(&mut client, &response.to_bytes()).await
        }
    }
}

/// Sends the request upstream on a new connection and reads the whole response.
async fn forward(upstream: SocketAddr, request: &Message) -> io::Result<Message> {
    let mut server = bounded("connecting upstream", TcpStream::connect(upstream)).await?;
    let mut bytes = request.head(request.body.len());
    bytes.extend_from_slice(&request.body);
    bounded("writing upstream", server.write_all(&bytes)).await?;
    bounded("reading upstream", read_response(&mut server)).await
}

async fn respond(client: &mut TcpStream, bytes: &[u8]) -> io::Result<()> {
    bounded("writing the response", client.write_all(bytes)).await?;
    bounded("closing the connection", client.shutdown()).await
}

/// Headers promising more than is sent, part of the body, then RST.
async fn reset(mut client: TcpStream, response: &Message) -> io::Result<()> {
    let partial = if response.is_bodiless() {
        let head = response.head(0);
        head[..head.len() / 2].to_vec()
    } else {
        let mut bytes = response.head(response.body.len() + 64);
        bytes.extend_from_slice(&response.body[..response.body.len() / 2]);
        bytes
    };
    bounded("writing the partial response", client.write_all(&partial)).await?;
    bounded("flushing the partial response", client.flush()).await?;
    tokio::time::sleep(RESET_PAUSE).await;
    // Linger 0: closing sends RST instead of FIN, and never blocks.
    client.set_zero_linger()?;
    drop(client);
    Ok(())
}

/// Says nothing until the client closes the connection (its timeout), at most [`STALL_LIMIT`].
async fn stall(client: &mut TcpStream) {
    let mut sink = [0_u8; 512];
    let _ = tokio::time::timeout(STALL_LIMIT, async { while let Ok(1..) = client.read(&mut sink).await {} }).await;
}

fn mangle(response: &mut Message, fault: &Fault, plan: &FaultPlan) {
    match fault {
        Fault::TruncatedJson => {
            let body = std::mem::take(&mut response.body);
            // Half of a JSON object or array is never valid JSON; an empty body gets an unfinished object.
            response.body = if body.len() >= 2 { body[..body.len() / 2].to_vec() } else { b"{\"cut\": ".to_vec() };
            response.set_header("content-type", "application/json");
        }
        Fault::WrongShape => {
            response.body = br#"{"unexpected":"shape"}"#.to_vec();
            response.set_header("content-type", "application/json");
        }
        // `""` is the whole body, which then need not have been JSON.
        Fault::WrongType { pointer } if pointer.is_empty() => {
            response.body = b"12345".to_vec();
            response.set_header("content-type", "application/json");
        }
        Fault::WrongType { pointer } => {
            let mut body: Option<Value> = serde_json::from_slice(&response.body).ok();
            match body.as_mut().and_then(|body| body.pointer_mut(pointer)) {
                Some(value) => *value = Value::from(12345),
                None => plan.error(format!("WrongType: no value at {pointer:?} in the response")),
            }
            if let Some(body) = body {
                response.body = body.to_string().into_bytes();
            }
        }
        Fault::EmptyBody => response.body.clear(),
        Fault::Html => {
            response.body = b"<!DOCTYPE html><html><head><title>Maintenance</title></head>\
                <body><h1>Back soon</h1></body></html>"
                .to_vec();
            response.set_header("content-type", "text/html; charset=utf-8");
        }
        Fault::Status(status) => {
            response.status = *status;
            response.start = format!("HTTP/1.1 {status} Changed");
        }
        Fault::Refused | Fault::ResetMidBody | Fault::Stall => {}
    }
}

async fn bounded<T>(what: &str, operation: impl Future<Output = io::Result<T>>) -> io::Result<T> {
    match tokio::time::timeout(IO_LIMIT, operation).await {
        Ok(result) => result.map_err(|error| io::Error::new(error.kind(), format!("{what}: {error}"))),
        Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, format!("{what}: timed out"))),
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Reads until `complete` says how long the message is, or the peer closes (`None` from `complete`
/// at end of stream is an error).
async fn read_until<R: AsyncRead + Unpin>(
    stream: &mut R,
    mut complete: impl FnMut(&[u8], bool) -> io::Result<Option<Message>>,
) -> io::Result<Message> {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 8192];
    loop {
        let read = stream.read(&mut chunk).await?;
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(message) = complete(&buffer, read == 0)? {
            return Ok(message);
        }
        if read == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the peer closed mid-message"));
        }
        if buffer.len() > MAX_MESSAGE {
            return Err(invalid(format!("message larger than {MAX_MESSAGE} bytes")));
        }
    }
}

fn owned_headers(headers: &[httparse::Header<'_>]) -> Vec<(String, Vec<u8>)> {
    headers.iter().map(|h| (h.name.to_owned(), h.value.to_vec())).collect()
}

/// `Content-Length` as a number; chunked bodies are refused (reqwest sends lengths for the seeds).
fn content_length(headers: &[(String, Vec<u8>)]) -> io::Result<Option<usize>> {
    if headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding")) {
        return Err(invalid("chunked messages are not supported".to_owned()));
    }
    let Some((_, value)) = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(value).map_err(|_| invalid("content-length is not text".to_owned()))?;
    text.trim().parse().map(Some).map_err(|_| invalid(format!("content-length {text:?} is not a number")))
}

async fn read_request(stream: &mut TcpStream) -> io::Result<Message> {
    read_until(stream, |buffer, _| {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        let httparse::Status::Complete(head) =
            request.parse(buffer).map_err(|e| invalid(format!("bad request head: {e}")))?
        else {
            return Ok(None);
        };
        let start = format!("{} {} HTTP/1.1", request.method.unwrap_or("GET"), request.path.unwrap_or("/"));
        let headers = owned_headers(request.headers);
        let length = content_length(&headers)?.unwrap_or(0);
        if buffer.len() < head + length {
            return Ok(None);
        }
        let body = buffer[head..head + length].to_vec();
        Ok(Some(Message { start, status: 0, headers, body }))
    })
    .await
}

/// Reads a response whose body is delimited by `Content-Length` or by the end of the connection.
async fn read_response(stream: &mut TcpStream) -> io::Result<Message> {
    read_until(stream, |buffer, at_end| {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        let httparse::Status::Complete(head) =
            response.parse(buffer).map_err(|e| invalid(format!("bad response head: {e}")))?
        else {
            return Ok(None);
        };
        let status = response.code.unwrap_or(0);
        let start = format!("HTTP/1.1 {status} {}", response.reason.unwrap_or(""));
        let headers = owned_headers(response.headers);
        let body = match content_length(&headers)? {
            Some(length) if buffer.len() >= head + length => buffer[head..head + length].to_vec(),
            Some(_) => return Ok(None),
            None if at_end => buffer[head..].to_vec(),
            None => return Ok(None),
        };
        Ok(Some(Message { start, status, headers, body }))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_forces_close_and_the_given_length() {
        let message = Message {
            start: "HTTP/1.1 200 OK".into(),
            status: 200,
            headers: vec![
                ("content-type".into(), b"application/json".to_vec()),
                ("Content-Length".into(), b"2".to_vec()),
                ("connection".into(), b"keep-alive".to_vec()),
            ],
            body: b"{}".to_vec(),
        };
        let head = String::from_utf8(message.head(99)).unwrap();
        assert_eq!(
            head,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 99\r\nconnection: close\r\n\r\n"
        );
    }

    #[test]
    fn a_204_gets_no_length_and_no_body() {
        let message =
            Message { start: "HTTP/1.1 204 No Content".into(), status: 204, headers: vec![], body: b"x".to_vec() };
        assert_eq!(message.to_bytes(), b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
    }

    #[test]
    fn chunked_bodies_are_refused() {
        let headers = vec![("Transfer-Encoding".to_owned(), b"chunked".to_vec())];
        assert!(content_length(&headers).is_err());
        assert_eq!(content_length(&[("content-length".into(), b" 12 ".to_vec())]).unwrap(), Some(12));
        assert_eq!(content_length(&[]).unwrap(), None);
    }

    #[test]
    fn mangling_breaks_the_body_as_promised() {
        let plan = FaultPlan::new();
        let original = Message {
            start: "HTTP/1.1 200 OK".into(),
            status: 200,
            headers: vec![("content-type".into(), b"application/json".to_vec())],
            body: br#"{"id":"a","key":"k"}"#.to_vec(),
        };
        let mangled = |fault: Fault| {
            let mut message = original.clone();
            mangle(&mut message, &fault, &plan);
            message
        };
        let cut = mangled(Fault::TruncatedJson);
        // 20 bytes, cut after 10.
        assert_eq!(cut.body, br#"{"id":"a","#);
        assert!(serde_json::from_slice::<Value>(&cut.body).is_err());
        let typed = mangled(Fault::WrongType { pointer: "/key".into() });
        assert_eq!(serde_json::from_slice::<Value>(&typed.body).unwrap(), serde_json::json!({"id": "a", "key": 12345}));
        assert_eq!(mangled(Fault::WrongType { pointer: String::new() }).body, b"12345");
        assert!(mangled(Fault::EmptyBody).body.is_empty());
        let html = mangled(Fault::Html);
        assert_eq!(html.headers, [("content-type".to_owned(), b"text/html; charset=utf-8".to_vec())]);
        assert!(plan.errors().is_empty());
        mangled(Fault::WrongType { pointer: "/missing".into() });
        assert_eq!(plan.errors().len(), 1);
    }
}
