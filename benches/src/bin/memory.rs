//! Peak memory of one run whose step receives a 30 MB JSON body (docs/RELIABILITY.md, "Memory").
//!
//! `memory [RUNS]` prints a Markdown table: each scenario runs RUNS times (default 3), each time in a
//! child process of its own that reports its peak resident set (`VmHWM` of /proc/self/status, read
//! at the end of the run); the table gives the median. The fake server runs here, in the parent, so
//! the child's peak is the client's alone.
//!
//! `memory child SCENARIO PORT` runs one scenario against the server on 127.0.0.1:PORT and prints
//! `vmhwm_kib=N`.
//!
//! Every body goes through the runtime's normal path: `Run::send` over HTTP on loopback, the body
//! read whole under the client's limit (32 MiB), then the step's criterion or output.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, ExitCode};
use std::sync::Arc;

use arazzo_runtime::{Client, Method, Request, Run, SecretString, StepError};
use serde_json::Value;

/// The large body: about 30 MB, a list of API keys as a provider would list them.
const LARGE_BYTES: usize = 30_000_000;

/// What one child process does.
#[derive(Clone, Copy)]
struct Scenario {
    name: &'static str,
    /// What the table says of it.
    what: &'static str,
    /// The path the server answers (its status and body follow from it).
    path: &'static str,
    read: Read,
}

#[derive(Clone, Copy, PartialEq)]
enum Read {
    /// The step's criterion fails: the error carries an excerpt of the body.
    Failure,
    /// The step succeeds; its output `/api_keys`, which nothing reads, is checked to be an array
    /// without being built (`run.unread_array`, what the generator writes for such an output).
    Unread,
    /// The same output read as `Vec<serde_json::Value>` (what it wrote before).
    Values,
    /// The step's criterion reads one field of the body (`$response.body#/api_keys/0/id`),
    /// as generated criteria do (`Response::body_part`).
    Criterion,
}

const SCENARIOS: [Scenario; 7] = [
    Scenario {
        name: "baseline",
        what: "error path, 1 kB error body (the process's own footprint)",
        path: "/small/500",
        read: Read::Failure,
    },
    Scenario {
        name: "error-30mb",
        what: "error path: 500 with a 30 MB JSON body, criterion fails, error excerpt",
        path: "/large/500",
        read: Read::Failure,
    },
    Scenario {
        name: "error-30mb-dense",
        what: "error path: 500 with a 30 MB body of empty objects (`{\"errors\":[{},{},…]}`)",
        path: "/dense/500",
        read: Read::Failure,
    },
    Scenario {
        name: "unread-30mb",
        what: "success path: 30 MB list nobody reads, checked with `run.unread_array`",
        path: "/large/200",
        read: Read::Unread,
    },
    Scenario {
        name: "criterion-30mb",
        what: "success path: a criterion reads one field of the 30 MB list (`response.body_part`)",
        path: "/large/200",
        read: Read::Criterion,
    },
    Scenario {
        name: "values-30mb",
        what: "success path: 30 MB list read as `Vec<serde_json::Value>`",
        path: "/large/200",
        read: Read::Values,
    },
    Scenario {
        name: "baseline-success",
        what: "success path, 1 kB list read as `Vec<serde_json::Value>`",
        path: "/small/200",
        read: Read::Values,
    },
];

/// Why a measurement failed.
#[derive(Debug, thiserror::Error)]
enum MemoryError {
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("child") => child(args.get(1).map(String::as_str), args.get(2).map(String::as_str)),
        _ => parent(args.first().and_then(|runs| runs.parse().ok()).unwrap_or(3).max(1)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("memory: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `{"api_keys":[{"id":"key_0000001","name":"key 1","key":"sk_live_…","created_at":"…"},…]}`
fn api_keys(bytes: usize) -> Vec<u8> {
    let mut body = String::with_capacity(bytes + 200);
    body.push_str(r#"{"api_keys":["#);
    let mut n = 0;
    while body.len() < bytes {
        if n > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"id":"key_{n:07}","name":"key {n}","key":"sk_live_{n:016x}abcdef","created_at":"2024-01-01T00:00:00Z"}}"#
        ));
        n += 1;
    }
    body.push_str("]}");
    body.into_bytes()
}

/// `{"errors":[{},{},…]}`: the most values per byte a JSON body can hold, each a map once parsed.
fn empty_objects(bytes: usize) -> Vec<u8> {
    let items = bytes / 3;
    let mut body = Vec::with_capacity(items * 3 + 20);
    body.extend_from_slice(br#"{"errors":["#);
    for n in 0..items {
        body.extend_from_slice(if n == 0 { b"{}" } else { b",{}" });
    }
    body.extend_from_slice(b"]}");
    body
}

fn parent(runs: usize) -> Result<(), MemoryError> {
    let small = Arc::new(api_keys(1_000));
    let large = Arc::new(api_keys(LARGE_BYTES));
    let dense = Arc::new(empty_objects(LARGE_BYTES));
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let bodies = [Arc::clone(&small), Arc::clone(&large), Arc::clone(&dense)];
            std::thread::spawn(move || {
                // A client that hung up is no concern of the measurement.
                let _ = serve(stream, &bodies);
            });
        }
    });
    let exe = std::env::current_exe()?;
    println!("| scenario | what | outcome | peak RSS, median of {runs} (MiB) |");
    println!("|---|---|---|---:|");
    for scenario in SCENARIOS {
        let mut peaks = Vec::with_capacity(runs);
        let mut outcome = String::new();
        for _ in 0..runs {
            let output = Command::new(&exe).args(["child", scenario.name, &port.to_string()]).output()?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            if !output.status.success() {
                let stderr = String::from_utf8_lossy(&output.stderr);
                return Err(MemoryError::Other(format!("{} failed: {stdout}{stderr}", scenario.name)));
            }
            let peak = stdout
                .lines()
                .find_map(|line| line.strip_prefix("vmhwm_kib="))
                .and_then(|kib| kib.trim().parse::<u64>().ok())
                .ok_or_else(|| MemoryError::Other(format!("{}: no vmhwm_kib in {stdout:?}", scenario.name)))?;
            peaks.push(peak);
            outcome = stdout.lines().next().unwrap_or_default().to_owned();
        }
        peaks.sort_unstable();
        let median = peaks[peaks.len() / 2];
        println!("| {} | {} | {outcome} | {:.1} |", scenario.name, scenario.what, median as f64 / 1024.0);
    }
    Ok(())
}

/// Answers one request: `/small/STATUS`, `/large/STATUS` or `/dense/STATUS` with the body of that
/// name in `[small, large, dense]`, then closes the connection.
fn serve(stream: TcpStream, [small, large, dense]: &[Arc<Vec<u8>>; 3]) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let path = request_line.split(' ').nth(1).unwrap_or("/");
    let body = match path.split('/').nth(1) {
        Some("large") => large,
        Some("dense") => dense,
        _ => small,
    };
    let status = if path.ends_with("/500") { "500 Internal Server Error" } else { "200 OK" };
    let mut stream = reader.into_inner();
    write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

fn child(name: Option<&str>, port: Option<&str>) -> Result<(), MemoryError> {
    let scenario = SCENARIOS
        .iter()
        .find(|scenario| Some(scenario.name) == name)
        .ok_or_else(|| MemoryError::Other(format!("unknown scenario {name:?}")))?;
    let port = port.ok_or_else(|| MemoryError::Other("no port".into()))?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let outcome = runtime.block_on(rotation(scenario, &format!("http://127.0.0.1:{port}")))?;
    let status = std::fs::read_to_string("/proc/self/status")?;
    let peak = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .ok_or_else(|| MemoryError::Other("no VmHWM in /proc/self/status".into()))?;
    println!("{outcome}");
    println!("vmhwm_kib={peak}");
    Ok(())
}

/// A rotation as generated code runs it: a first step creates a key (a secret in its response), the
/// second one reads the list of keys with the `path` of `scenario`.
async fn rotation(scenario: &Scenario, base_url: &str) -> Result<String, MemoryError> {
    let client = Client::new();
    let token = SecretString::from("sk_admin_token_0123456789");
    let mut run = Run::<()>::new("rotate-key", &client);
    let failed = |error: arazzo_runtime::WorkflowError<()>| MemoryError::Other(error.to_string());

    run.step("createKey", "keys.create");
    let request =
        Request::new(Method::Post, "/small/200").bearer_auth(&token).secrets_in_response(&["/api_keys/0/key"]);
    let response = run.send(base_url, request).await.map_err(failed)?;
    run.check(response.status() == 200, "$statusCode == 200", &response).map_err(failed)?;
    let _: SecretString = run.output(&response, "/api_keys/0/key").map_err(failed)?;

    run.step("listKeys", "keys.list");
    let request =
        Request::new(Method::Get, scenario.path).bearer_auth(&token).secrets_in_response(&["/api_keys/0/key"]);
    let response = run.send(base_url, request).await.map_err(failed)?;
    match scenario.read {
        Read::Failure => {
            let Err(error) = run.check(response.status() == 200, "$statusCode == 200", &response) else {
                return Err(MemoryError::Other("the criterion held".into()));
            };
            match error.error() {
                StepError::CriterionFailed { body_excerpt, .. } if !body_excerpt.is_empty() => {
                    Ok(format!("error excerpt of {} characters", body_excerpt.chars().count()))
                }
                other => Err(MemoryError::Other(format!("unexpected error: {other}"))),
            }
        }
        Read::Unread => {
            run.check(response.status() == 200, "$statusCode == 200", &response).map_err(failed)?;
            run.unread_array(&response, "/api_keys").map_err(failed)?;
            Ok("a list, unread".to_owned())
        }
        Read::Criterion => {
            let passed = response.body_part("/api_keys/0/id").is_some();
            run.check(passed, "$response.body#/api_keys/0/id != null", &response).map_err(failed)?;
            Ok("the criterion held".to_owned())
        }
        Read::Values => {
            run.check(response.status() == 200, "$statusCode == 200", &response).map_err(failed)?;
            let keys: Vec<Value> = run.output(&response, "/api_keys").map_err(failed)?;
            Ok(format!("{} keys", keys.len()))
        }
    }
}
