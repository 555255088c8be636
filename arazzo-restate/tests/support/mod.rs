//! What the Restate tests and the scale benchmark share: the Restate server (installed and run by
//! `scripts/restate.sh`), service instances as processes of their own, registering a deployment,
//! and searching a data directory for a value.
//!
//! Included by `tests/restate_crash.rs` as a module and by `benches/scale.rs` through `#[path]`;
//! each uses part of it.

// Test support: a failed unwrap is a failed run, with its message.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod svix_service;

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A child process, SIGKILLed when dropped (or by [`Process::kill`]).
pub struct Process(pub Child);

impl Process {
    /// SIGKILL, and waits for the process to be gone.
    pub fn kill(mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }

    pub fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The server binary, installed by the project's script; `None` (the caller skips, saying why) when
/// npm is missing and this is not CI.
pub fn restate_server(what: &str) -> Option<PathBuf> {
    let ci = std::env::var("CI").is_ok_and(|ci| ci == "true");
    let npm = Command::new("npm").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !npm.is_ok_and(|status| status.success()) && !ci {
        // Straight to stderr: the test harness captures `eprintln!` of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {what}: npm is not installed, so scripts/restate.sh cannot install the Restate server (npm \
             package @restatedev/restate-server); install Node.js 20 or newer to run it (with CI=true this is a \
             failure)"
        );
        return None;
    }
    let output = Command::new("bash")
        .arg(workspace_root().join("scripts/restate.sh"))
        .arg("install")
        .stderr(Stdio::inherit())
        .output()
        .expect("bash runs scripts/restate.sh");
    assert!(output.status.success(), "scripts/restate.sh install failed (its error is above)");
    Some(PathBuf::from(String::from_utf8(output.stdout).unwrap().trim()))
}

/// A running Restate server, stopped when dropped.
pub struct Server {
    _process: Process,
    pub ingress: String,
    pub admin: String,
    pub dir: PathBuf,
}

/// How the server stores its data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// RocksDB's defaults (WAL and SST files compressed).
    Default,
    /// Compression off, so that a search of the data directory sees what is stored.
    Uncompressed,
}

/// Starts the server with its data in `dir` (emptied first), through `scripts/restate.sh run`, which
/// picks free ports; tries again when the ports were taken meanwhile.
pub async fn start_server(dir: &Path, storage: Storage) -> Server {
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).unwrap();
        let log = std::fs::File::create(dir.with_extension("log")).unwrap();
        let mut command = Command::new("bash");
        command.arg(workspace_root().join("scripts/restate.sh")).arg("run").arg(dir);
        if storage == Storage::Uncompressed {
            for store in ["WORKER__STORAGE", "BIFROST__LOCAL", "LOG_SERVER"] {
                command.env(format!("RESTATE_{store}__ROCKSDB_DISABLE_WAL_COMPRESSION"), "true");
                command.env(format!("RESTATE_{store}__ROCKSDB_DISABLE_L0_L1_COMPRESSION"), "true");
            }
        }
        let child = command.stdout(log.try_clone().unwrap()).stderr(log).spawn().unwrap();
        let mut process = Process(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        let endpoints = loop {
            if let Ok(text) = std::fs::read_to_string(dir.join("endpoints.env"))
                && text.lines().count() == 2
            {
                break Some(text);
            }
            if process.0.try_wait().unwrap().is_some() || Instant::now() > deadline {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let Some(endpoints) = endpoints else { continue };
        let value = |key: &str| endpoints.lines().find_map(|line| line.strip_prefix(key)).map(str::to_owned).unwrap();
        let (ingress, admin) = (value("RESTATE_INGRESS_URL="), value("RESTATE_ADMIN_URL="));
        let http = reqwest::Client::new();
        while Instant::now() < deadline && process.0.try_wait().unwrap().is_none() {
            if http.get(format!("{admin}/health")).send().await.is_ok_and(|r| r.status().is_success())
                && http.get(format!("{ingress}/restate/health")).send().await.is_ok_and(|r| r.status().is_success())
            {
                return Server { _process: process, ingress, admin, dir: dir.to_path_buf() };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("the Restate server did not start; see {}", dir.with_extension("log").display());
}

impl Server {
    /// Registers the service deployment at `addr` (a URL served by every instance listening there).
    pub async fn register(&self, addr: SocketAddr) {
        let registered = reqwest::Client::new()
            .post(format!("{}/deployments", self.admin))
            .json(&json!({"uri": format!("http://{addr}")}))
            .send()
            .await
            .unwrap();
        assert!(registered.status().is_success(), "registering the deployment: {}", registered.text().await.unwrap());
    }
}

/// Starts `command` (a service instance listening on `addr`) with its output in `log`, and waits
/// until `addr` accepts connections.
pub async fn start_instance(mut command: Command, addr: SocketAddr, log: &Path) -> Process {
    let log = std::fs::File::create(log).unwrap();
    let child = command.stdout(log.try_clone().unwrap()).stderr(log).spawn().unwrap();
    let mut process = Process(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(process.0.try_wait().unwrap().is_none(), "the service instance exited before listening on {addr}");
        assert!(Instant::now() < deadline, "the service instance did not listen on {addr}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    process
}

/// A listener on `addr` for a service instance: `SO_REUSEADDR`, since the connections of an instance
/// killed on this address may linger in TIME_WAIT, and `SO_REUSEPORT`, so that several instances can
/// listen on the one address Restate knows the deployment by (the kernel spreads connections among
/// them, as a load balancer in front of them would).
pub fn instance_listener(addr: SocketAddr) -> tokio::net::TcpListener {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.set_reuseport(true).unwrap();
    socket.bind(addr).unwrap();
    socket.listen(1024).unwrap()
}

/// reqwest is built with rustls and no crypto provider (arazzo-runtime chooses its own): plain-HTTP
/// clients made directly still need one installed.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

/// A proxy in front of a fake provider that forwards every request, except that it holds the
/// `hold`-th (1-based) without forwarding it: the fake never sees it, and the test learns it
/// arrived ([`Gate::arrived`]), so that it can kill the service that sent it. The request the
/// service's next instance sends again goes through.
pub struct Gate {
    pub url: String,
    arrived: Arc<tokio::sync::Notify>,
    _server: tokio::task::JoinHandle<()>,
}

struct GateState {
    upstream: String,
    http: reqwest::Client,
    seen: std::sync::atomic::AtomicUsize,
    hold: usize,
    arrived: Arc<tokio::sync::Notify>,
}

impl Gate {
    /// A gate in front of `upstream` holding request number `hold` (0: none).
    pub async fn start(upstream: &str, hold: usize) -> Self {
        let arrived = Arc::new(tokio::sync::Notify::new());
        let state = Arc::new(GateState {
            upstream: upstream.to_owned(),
            http: reqwest::Client::new(),
            seen: std::sync::atomic::AtomicUsize::new(0),
            hold,
            arrived: arrived.clone(),
        });
        let app = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, arrived, _server: server }
    }

    /// Resolves once the held request has arrived.
    pub async fn arrived(&self) {
        self.arrived.notified().await;
    }
}

async fn forward(
    axum::extract::State(gate): axum::extract::State<Arc<GateState>>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let n = gate.seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    if n == gate.hold {
        gate.arrived.notify_one();
        // Never answered: the service that sent it is killed meanwhile.
        std::future::pending::<()>().await;
    }
    let (parts, body) = request.into_parts();
    let target = parts.uri.path_and_query().map_or("/", |target| target.as_str());
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    let mut upstream = gate.http.request(parts.method.clone(), format!("{}{target}", gate.upstream)).body(body);
    for (name, value) in &parts.headers {
        if name != axum::http::header::HOST {
            upstream = upstream.header(name, value);
        }
    }
    let Ok(response) = upstream.send().await else {
        return axum::http::StatusCode::BAD_GATEWAY.into_response();
    };
    let mut answer = axum::response::Response::builder().status(response.status().as_u16());
    for (name, value) in response.headers() {
        answer = answer.header(name.as_str(), value.as_bytes());
    }
    answer.body(axum::body::Body::from(response.bytes().await.unwrap_or_default())).unwrap()
}
