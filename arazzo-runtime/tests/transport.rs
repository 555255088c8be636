//! Transport failures say what happened: a malformed response names the part that is malformed,
//! running out of file descriptors says so (not "could not connect"), and the client keeps no
//! more idle connections than its pool settings allow. Raw TCP servers on 127.0.0.1; every socket
//! operation is bounded.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use arazzo_runtime::{Client, DEFAULT_POOL_MAX_IDLE_PER_HOST, Method, Request, StepError};
use common::send_with;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

/// Bound on every socket operation of the servers here, and on waiting for the client.
const LIMIT: Duration = Duration::from_secs(10);
/// Bound on how long a keep-alive connection waits for its next request: longer than [`LIMIT`], so
/// that the server never closes a connection the client keeps while a test waits for the client.
const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// Text the malformed responses carry, which no error message may repeat.
const MARKER: &str = "marker-from-the-server";

/// Reads one request head (up to the blank line) from `stream`, each read bounded by `limit`;
/// `false` at EOF, on error or when the bound runs out.
async fn read_head(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match timeout(limit, stream.read(&mut buffer)).await {
            Ok(Ok(read)) if read > 0 => head.extend_from_slice(&buffer[..read]),
            _ => return false,
        }
    }
    true
}

/// Answers the one request it accepts with `response`, then closes the connection.
async fn serve_once(response: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let Ok(Ok((mut stream, _))) = timeout(LIMIT, listener.accept()).await else { return };
        if read_head(&mut stream, LIMIT).await {
            // The client may stop reading early (a head too large) and close: not an error here.
            let _ = timeout(LIMIT, stream.write_all(&response)).await;
            let _ = timeout(LIMIT, stream.shutdown()).await;
        }
    });
    address
}

/// The transport error a request gets from a server answering with `response`.
async fn error_for(response: Vec<u8>) -> String {
    let address = serve_once(response).await;
    let client = Client::builder().request_timeout(LIMIT).build();
    let error = send_with(&client, &format!("http://{address}"), Request::new(Method::Get, "/")).await.unwrap_err();
    let StepError::Transport { message } = error.error() else { panic!("not a transport error: {error:?}") };
    assert!(!format!("{error} {error:?}").contains(MARKER), "{error}");
    message.clone()
}

#[tokio::test]
async fn each_malformed_response_says_which_part_is_malformed() {
    let many_headers: String = (0..5000).map(|index| format!("X-{index}: {MARKER}\r\n")).collect();
    let cases: [(&str, Vec<u8>, &str); 8] = [
        (
            "garbage status line",
            format!("{MARKER} garbage\r\n\r\n").into_bytes(),
            "the response is malformed: its status line does not start with an HTTP/1 version",
        ),
        (
            "status code not a number",
            format!("HTTP/1.1 2x0 {MARKER}\r\ncontent-length: 0\r\n\r\n").into_bytes(),
            "the response is malformed: its status line has no valid status code",
        ),
        (
            "a 1 MB header",
            format!("HTTP/1.1 200 OK\r\nx-big: {}\r\ncontent-length: 0\r\n\r\n", MARKER.repeat(1024 * 1024 / 20))
                .into_bytes(),
            "the response is malformed: its headers are too large or too many (the HTTP library accepts 100 headers \
             and about 400 KiB)",
        ),
        (
            "5,000 headers",
            format!("HTTP/1.1 200 OK\r\n{many_headers}content-length: 0\r\n\r\n").into_bytes(),
            "the response is malformed: its headers are too large or too many (the HTTP library accepts 100 headers \
             and about 400 KiB)",
        ),
        (
            "two different Content-Lengths",
            format!("HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 30\r\n\r\n{MARKER}").into_bytes(),
            "the response is malformed: its Content-Length is invalid (not a number, or given twice with different \
             values)",
        ),
        (
            "a Content-Length that is not a number",
            format!("HTTP/1.1 200 OK\r\ncontent-length: {MARKER}\r\n\r\n{{}}").into_bytes(),
            "the response is malformed: its Content-Length is invalid (not a number, or given twice with different \
             values)",
        ),
        (
            "a header line without a colon",
            format!("HTTP/1.1 200 OK\r\n{MARKER} no colon\r\ncontent-length: 0\r\n\r\n").into_bytes(),
            "the response is malformed: a header is not valid (its name or line)",
        ),
        (
            "the connection closed mid-head",
            format!("HTTP/1.1 200 OK\r\nx-cut: {MARKER}").into_bytes(),
            "the connection was closed before a complete response was received",
        ),
    ];
    for (case, response, expected) in cases {
        assert_eq!(error_for(response).await, expected, "{case}");
    }
}

#[tokio::test]
async fn a_hundred_headers_are_accepted() {
    // The limit the "too many" message states: 100 headers pass.
    let headers: String = (0..99).map(|index| format!("x-{index}: v\r\n")).collect();
    let address = serve_once(format!("HTTP/1.1 200 OK\r\n{headers}content-length: 2\r\n\r\n{{}}").into_bytes()).await;
    let response = send_with(&Client::new(), &format!("http://{address}"), Request::new(Method::Get, "/")).await;
    assert_eq!(response.unwrap().headers().len(), 100);
}

/// Set in the environment of the child process [`running_out_of_file_descriptors_says_so`] starts.
#[cfg(unix)]
const FD_LIMIT_CHILD: &str = "ARAZZO_TEST_FD_LIMIT_CHILD";

#[cfg(unix)]
#[test]
fn running_out_of_file_descriptors_says_so() {
    // The limit applies to a child process (this test binary again, running only
    // `fd_limit_child`): `ulimit` in a shell, since this crate forbids the `unsafe` of setrlimit.
    let exe = std::env::current_exe().unwrap();
    let output = std::process::Command::new("sh")
        .args(["-c", r#"ulimit -n 64 && exec "$0" "$@""#])
        .arg(exe)
        .args(["--exact", "fd_limit_child", "--nocapture", "--test-threads=1"])
        .env(FD_LIMIT_CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "the child test did not run:\n{stdout}");
    assert!(stdout.contains("too many open files"), "{stdout}");
}

/// Run by [`running_out_of_file_descriptors_says_so`] under a limit of 64 file descriptors: opens
/// connections to a listener until none is left, then makes a request. Passes at once otherwise.
#[cfg(unix)]
#[tokio::test(flavor = "current_thread")]
async fn fd_limit_child() {
    if std::env::var_os(FD_LIMIT_CHILD).is_none() {
        return;
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let client = Client::builder().connect_timeout(LIMIT).request_timeout(LIMIT).build();
    // Never accepted: each connection waits in the listener's backlog and costs this process one
    // descriptor, as a connection to a slow server would.
    let mut held = Vec::new();
    let exhausted = loop {
        match std::net::TcpStream::connect_timeout(&address, LIMIT) {
            Ok(stream) => held.push(stream),
            Err(error) => break error,
        }
        assert!(held.len() < 1000, "the file descriptor limit was not applied");
    };
    assert_eq!(exhausted.raw_os_error(), Some(24), "{exhausted}");
    let error = send_with(&client, &format!("http://{address}"), Request::new(Method::Get, "/")).await.unwrap_err();
    let StepError::Transport { message } = error.error() else { panic!("not a transport error: {error:?}") };
    println!("{message}");
    assert!(message.starts_with("too many open files"), "{message}");
    assert!(!message.contains("could not connect"), "{message}");
}

/// A keep-alive server that holds each request until `burst` requests are waiting (so the client
/// needs `burst` connections at once), and counts the connections still open.
struct BurstServer {
    address: SocketAddr,
    open: Arc<AtomicUsize>,
}

impl BurstServer {
    async fn start(burst: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let open = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(tokio::sync::Barrier::new(burst));
        let counter = Arc::clone(&open);
        tokio::spawn(async move {
            while let Ok(Ok((mut stream, _))) = timeout(LIMIT, listener.accept()).await {
                counter.fetch_add(1, Ordering::SeqCst);
                let (counter, barrier) = (Arc::clone(&counter), Arc::clone(&barrier));
                tokio::spawn(async move {
                    while read_head(&mut stream, IDLE_LIMIT).await {
                        if timeout(LIMIT, barrier.wait()).await.is_err() {
                            break;
                        }
                        let answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}";
                        if !matches!(timeout(LIMIT, stream.write_all(answer)).await, Ok(Ok(()))) {
                            break;
                        }
                    }
                    // The client closed the connection (or a bound ran out).
                    counter.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Self { address, open }
    }

    /// Sends `burst` requests at once through `client`; all must succeed.
    async fn burst(&self, client: &Client, burst: usize) {
        let base_url = format!("http://{}", self.address);
        let requests = (0..burst).map(|_| {
            let (client, base_url) = (client.clone(), base_url.clone());
            tokio::spawn(async move { send_with(&client, &base_url, Request::new(Method::Get, "/")).await.is_ok() })
        });
        for request in requests.collect::<Vec<_>>() {
            assert!(request.await.unwrap(), "a request of the burst failed");
        }
    }

    /// The number of connections still open once it has settled at `expected` (closes arrive a
    /// little after the requests end), or what it is when the bound runs out.
    async fn open_connections(&self, expected: usize) -> usize {
        let settled = timeout(LIMIT, async {
            while self.open.load(Ordering::SeqCst) != expected {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
        let _ = settled.await;
        self.open.load(Ordering::SeqCst)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_pool_keeps_at_most_its_limit_per_host() {
    let server = BurstServer::start(8).await;
    let client = Client::builder().pool_max_idle_per_host(3).request_timeout(LIMIT).build();
    server.burst(&client, 8).await;
    assert_eq!(server.open_connections(3).await, 3);
    // The kept connections are reused: the next burst opens only what it lacks.
    server.burst(&client, 8).await;
    assert_eq!(server.open_connections(3).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_the_idle_pool_keeps_32_connections_per_host() {
    let burst = DEFAULT_POOL_MAX_IDLE_PER_HOST + 8;
    let server = BurstServer::start(burst).await;
    let client = Client::builder().request_timeout(LIMIT).build();
    server.burst(&client, burst).await;
    assert_eq!(server.open_connections(32).await, 32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_after_the_idle_timeout() {
    let server = BurstServer::start(4).await;
    let client = Client::builder().pool_idle_timeout(Duration::from_millis(100)).request_timeout(LIMIT).build();
    server.burst(&client, 4).await;
    assert_eq!(server.open_connections(0).await, 0);
}

/// A server that answers whatever arrives with a plain HTTP response: what an `https` client meets
/// when the port does not speak TLS.
async fn plain_http_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let Ok(Ok((mut stream, _))) = timeout(LIMIT, listener.accept()).await else { return };
        let mut buffer = [0_u8; 4096];
        let _ = timeout(LIMIT, stream.read(&mut buffer)).await;
        let _ = timeout(LIMIT, stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")).await;
        let _ = timeout(LIMIT, stream.shutdown()).await;
    });
    address
}

async fn https_error(address: SocketAddr) -> String {
    let client = Client::builder().request_timeout(LIMIT).build();
    let error = send_with(&client, &format!("https://{address}"), Request::new(Method::Get, "/")).await.unwrap_err();
    let StepError::Transport { message } = error.error() else { panic!("not a transport error: {error:?}") };
    message.clone()
}

/// Without a TLS backend (`default-features = false`), an `https` base URL says which feature to
/// enable, not "could not connect". CI runs this file with `--no-default-features` too.
#[cfg(not(any(feature = "rustls-no-provider", feature = "native-tls")))]
#[tokio::test]
async fn an_https_url_without_a_tls_backend_names_the_feature_to_enable() {
    let message = https_error(plain_http_server().await).await;
    assert_eq!(
        message,
        "the base URL is `https`, but arazzo-runtime was built without TLS: enable its `rustls` or `native-tls` feature"
    );
}

/// With one (rustls by default), a failed handshake says so, with the TLS library's reason.
#[cfg(any(feature = "rustls-no-provider", feature = "native-tls"))]
#[tokio::test]
async fn a_failed_tls_handshake_says_so() {
    let message = https_error(plain_http_server().await).await;
    assert!(message.starts_with("the TLS handshake with the server failed ("), "{message}");
    assert!(!message.contains("could not connect"), "{message}");
    // reqwest prefers native-tls when both are built.
    #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
    assert!(message.contains("received corrupt message"), "rustls's own reason: {message}");
    // OpenSSL's reason alone, without its error code, source file and line.
    #[cfg(all(feature = "native-tls", target_os = "linux"))]
    assert_eq!(message, "the TLS handshake with the server failed (wrong version number)");
}

/// `rustls-no-provider` without a provider installed: building the client says what to do,
/// where reqwest alone would panic.
#[cfg(all(feature = "rustls-no-provider", not(feature = "rustls"), not(feature = "native-tls")))]
#[test]
fn rustls_without_a_provider_says_how_to_install_one() {
    let error = Client::builder().try_build().unwrap_err();
    assert!(error.to_string().contains("no rustls crypto provider is installed"), "{error}");
}

/// A real server's certificate is trusted through the operating system's roots. Needs the
/// network, so only by hand: `cargo test -p arazzo-runtime --test transport -- --ignored`.
#[cfg(any(feature = "rustls-no-provider", feature = "native-tls"))]
#[tokio::test]
#[ignore = "needs the network"]
async fn a_public_https_server_is_trusted() {
    let response =
        send_with(&Client::new(), "https://index.crates.io", Request::new(Method::Get, "/config.json")).await;
    assert_eq!(response.unwrap().status(), 200);
}
