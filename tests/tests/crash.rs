//! Crash tests of the file journal: a seed rotation runs in a child process with a `FileJournal`; the
//! child is killed with SIGKILL just after step K's response was journaled, for every step K of every
//! seed; a second child started with the same run id finishes the rotation. Across both, the fake
//! receives every step's request once (the request in flight when the first child died, held by the
//! fake and never handled, aside), the run completes with the key the provider created, and the old key
//! is handled as the workflow says. Then no secret used or created is in the journal's directory, in
//! clear, in base64 or JSON-escaped.
//!
//! The child is this test binary again, running the ignored test `crash_child` with its role in the
//! environment. Before step K+1's request is handled, the fake tells the test, which kills the child:
//! step K's response is in the journal by then, since the run sends nothing before the journal has
//! synced what it received. After the last step there is no next request, so the child kills itself
//! (SIGKILL, through `kill -9`) right after the last append, from a journal wrapping the file journal.

#![cfg(unix)]
// Test code: a failed unwrap or panic is a failed assertion.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

// The seeds as resume.rs drives them; some of what it uses is not used here.
#[allow(dead_code)]
#[path = "resume/seeds.rs"]
mod seeds;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use arazzo_runtime::Client;
use arazzo_runtime::journal::{
    BoxFuture, Exchange, FileJournal, Journal, JournalError, JournalKey, Replay, RunEnd, RunId,
};
use arazzo_runtime::serde_support::ExposeSecrets;
use arazzo_tests::RecordedRequest;
use arazzo_tests::secret_search::{encodings, json_strings, occurrences};
use base64::Engine as _;
use seeds::{Apigee, Backblaze, Deepgram, PropelAuth, Seed, Svix};
use serde_json::Value;

/// The journal key of every run here (a fixture, not a secret of anyone's).
const KEY_HEX: &str = "5c1d7a0e93f24b68a1c0d2e3f405162738495a6b7c8d9eafb0c1d2e3f4051627";
const ROLE: &str = "ARAZZO_CRASH_ROLE";
/// How long a child may take to reach the step it is killed after, or to finish.
const PATIENCE: Duration = Duration::from_secs(60);

/// The child's role: the seed, the fake's base URL, the journal directory, the run id, and when it
/// kills itself (after that many appends), as `seed|url|dir|run|appends`.
struct Role {
    seed: String,
    base_url: String,
    dir: PathBuf,
    run_id: String,
    die_after_appends: Option<usize>,
}

impl Role {
    fn encode(&self) -> String {
        let die = self.die_after_appends.map(|n| n.to_string()).unwrap_or_default();
        format!("{}|{}|{}|{}|{die}", self.seed, self.base_url, self.dir.display(), self.run_id)
    }

    fn decode(text: &str) -> Self {
        let parts: Vec<&str> = text.split('|').collect();
        Self {
            seed: parts[0].into(),
            base_url: parts[1].into(),
            dir: parts[2].into(),
            run_id: parts[3].into(),
            die_after_appends: parts[4].parse().ok(),
        }
    }
}

/// The file journal, killing its own process with SIGKILL once it has appended `left` records: a crash
/// right after the last response was made durable, before the run acted on it.
#[derive(Clone)]
struct Dying {
    journal: FileJournal,
    left: Arc<AtomicUsize>,
}

impl Journal for Dying {
    fn start(&self, run: &RunId) -> BoxFuture<'static, Result<Replay, JournalError>> {
        self.journal.start(run)
    }

    fn append(&self, run: &RunId, exchange: &Exchange) -> BoxFuture<'static, Result<(), JournalError>> {
        let appending = self.journal.append(run, exchange);
        let left = Arc::clone(&self.left);
        Box::pin(async move {
            appending.await?;
            if left.fetch_sub(1, Ordering::SeqCst) == 1 {
                let pid = std::process::id().to_string();
                let _ = Command::new("kill").args(["-9", &pid]).status();
                std::future::pending::<()>().await;
            }
            Ok(())
        })
    }

    fn end(&self, run: &RunId, end: RunEnd<'_>) -> BoxFuture<'static, Result<(), JournalError>> {
        self.journal.end(run, end)
    }
}

/// The child process: runs the rotation its role names and prints its outputs, secrets included.
#[tokio::test]
#[ignore = "run by the crash tests as a child process"]
async fn crash_child() {
    let role = Role::decode(&std::env::var(ROLE).expect("the crash tests set the role"));
    let journal = FileJournal::open(&role.dir, JournalKey::parse(KEY_HEX).unwrap()).unwrap();
    let outputs = match role.seed.as_str() {
        "svix" => run_child::<Svix>(&role, journal).await,
        "apigee" => run_child::<Apigee>(&role, journal).await,
        "backblaze" => run_child::<Backblaze>(&role, journal).await,
        "deepgram" => run_child::<Deepgram>(&role, journal).await,
        "propelauth" => run_child::<PropelAuth>(&role, journal).await,
        other => panic!("no seed {other}"),
    };
    println!("OUTPUTS:{outputs}");
}

async fn run_child<S: Seed>(role: &Role, journal: FileJournal) -> Value
where
    S::Outputs: serde::Serialize,
{
    let client = Client::new();
    let run = async |client: &Client| S::run_on(client, &role.base_url).await;
    let outputs = match role.die_after_appends {
        Some(appends) => {
            let dying = Dying { journal, left: Arc::new(AtomicUsize::new(appends)) };
            client.run_journaled(&dying, role.run_id.as_str(), run).await
        }
        None => client.run_journaled(&journal, role.run_id.as_str(), run).await,
    };
    match outputs {
        Ok(outputs) => serde_json::to_value(ExposeSecrets::new(&outputs)).unwrap(),
        Err(error) => panic!("the run failed: {error}"),
    }
}

fn spawn_child(role: &Role) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(ROLE, role.encode())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child` within [`PATIENCE`], killing it past that, off the async workers (the fake
/// serves on them).
async fn wait_for(child: Child, what: &str) -> Output {
    let what = what.to_owned();
    tokio::task::spawn_blocking(move || wait_blocking(child, &what)).await.unwrap()
}

fn wait_blocking(mut child: Child, what: &str) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > PATIENCE {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!("{what}: still running after {PATIENCE:?}; stderr:\n{}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().unwrap()
}

fn assert_killed(output: &Output, what: &str) {
    assert_eq!(
        output.status.signal(),
        Some(9),
        "{what}: the child was to die of SIGKILL, it ended with {:?}; stdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The 1-based step of each request, by its server, method and path.
fn steps_of<S: Seed>(requests: &[RecordedRequest]) -> Vec<usize> {
    let steps = S::step_requests();
    let step = |request: &RecordedRequest| {
        let key = (request.server, request.method.as_str(), request.path.as_str());
        steps.iter().position(|(server, method, path)| (*server, *method, path.as_str()) == key).unwrap() + 1
    };
    requests.iter().map(step).collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("crash").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Kills a run of seed `S` after each of its steps in turn, restarts it, and checks the outcome.
async fn survives_a_kill_after_each_step<S: Seed>(seed: &str)
where
    S::Outputs: serde::Serialize,
{
    let steps = S::STEPS.len();
    for killed_after in 1..=steps {
        let at = format!("{seed}, killed after step {killed_after} ({})", S::STEPS[killed_after - 1]);
        let fake = S::start().await;
        let dir = scratch(&format!("{seed}-{killed_after}"));
        let role = |die_after_appends| Role {
            seed: seed.into(),
            base_url: S::base_url(&fake),
            dir: dir.clone(),
            run_id: format!("{seed}-rotation-{killed_after}"),
            die_after_appends,
        };
        if killed_after < steps {
            // Killed from outside when the next step's request arrives (the fake holds it unhandled).
            let arrived = S::recorder(&fake).hold_request(killed_after + 1);
            let mut child = spawn_child(&role(None));
            tokio::time::timeout(PATIENCE, arrived).await.unwrap_or_else(|_| panic!("{at}: no request")).unwrap();
            child.kill().unwrap();
            assert_killed(&wait_for(child, &at).await, &at);
        } else {
            // After the last step, nothing is sent: the child kills itself after the last append.
            assert_killed(&wait_for(spawn_child(&role(Some(steps))), &at).await, &at);
        }
        let first: Vec<usize> = (1..=killed_after).chain((killed_after < steps).then_some(killed_after + 1)).collect();
        assert_eq!(steps_of::<S>(&S::requests(&fake)), first, "{at}: before the kill");

        let output = wait_for(spawn_child(&role(None)), &at).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{at}: the restart failed; stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = stdout
            .lines()
            .find_map(|line| Some(&line[line.find("OUTPUTS:")? + "OUTPUTS:".len()..]))
            .unwrap_or_else(|| panic!("{at}: {stdout}"));
        let printed: Value = serde_json::from_str(line).unwrap();

        // Every request once, except the one in flight at the kill, which the fake never handled.
        let expected: Vec<usize> = first.iter().copied().chain(killed_after + 1..=steps).collect();
        assert_eq!(steps_of::<S>(&S::requests(&fake)), expected, "{at}");

        // The completed run, started again in this process: its outputs from the journal, no request.
        let before = S::requests(&fake).len();
        let journal = FileJournal::open(&dir, JournalKey::parse(KEY_HEX).unwrap()).unwrap();
        let outputs = Client::new()
            .run_journaled(&journal, role(None).run_id, async |client| S::run_on(client, &S::base_url(&fake)).await)
            .await
            .unwrap_or_else(|error| panic!("{at}: replaying the completed run: {error}"));
        assert_eq!(S::requests(&fake).len(), before, "{at}: the completed run sent a request");
        S::assert_rotated(&fake, &outputs);
        assert_eq!(serde_json::to_value(ExposeSecrets::new(&outputs)).unwrap(), printed, "{at}");

        let secrets = secrets_of::<S>(&fake, &printed);
        assert_none_in(&dir, &secrets, &at);
        // A child another test spawns (fork, then exec) holds this process's open files for a moment,
        // and with them the lock of a run just ended: pruning skips a locked file, so it may take a retry.
        let mut pruned = Vec::new();
        for _ in 0..100 {
            pruned = journal.prune_completed().unwrap();
            if !pruned.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(pruned, [role(None).run_id], "{at}");
    }
}

/// Every secret the run used or created: the credentials it sent (whole `Authorization` values, their
/// token, and a Basic pair decoded), the values of the JSON bodies it sent, the key the provider created,
/// and every text output (ids included: the journal holds nothing in clear).
fn secrets_of<S: Seed>(fake: &S::Fake, outputs: &Value) -> Vec<String> {
    let mut secrets = Vec::new();
    for request in S::requests(fake) {
        for (name, value) in &request.headers {
            if name == "authorization" || name.starts_with("x-") {
                secrets.push(value.clone());
                if let Some((scheme, credential)) = value.split_once(' ') {
                    secrets.push(credential.to_owned());
                    if scheme.eq_ignore_ascii_case("basic") {
                        let decoded = base64::engine::general_purpose::STANDARD.decode(credential).unwrap();
                        let pair = String::from_utf8(decoded).unwrap();
                        secrets.extend(pair.split(':').map(str::to_owned));
                    }
                }
            }
        }
        if let Some(body) = request.json() {
            json_strings(&body, &mut secrets);
        }
    }
    secrets.extend(S::new_secret(fake));
    json_strings(outputs, &mut secrets);
    // Short values (`true`, a scope name) say nothing; every secret of the seeds is longer.
    secrets.retain(|secret| secret.len() >= 8);
    secrets.sort();
    secrets.dedup();
    assert!(!secrets.is_empty());
    secrets
}

/// No file under `dir` holds any of `secrets`, in clear, in base64 (either alphabet) or JSON-escaped.
fn assert_none_in(dir: &Path, secrets: &[String], at: &str) {
    assert!(std::fs::read_dir(dir).unwrap().next().is_some(), "{at}: the journal directory is empty");
    for secret in secrets {
        for form in encodings(secret) {
            let found = occurrences(dir, &form);
            assert_eq!(
                found,
                0,
                "{at}: the journal directory holds a secret ({} bytes) in clear or encoded",
                secret.len()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn svix_survives_a_kill_after_each_step() {
    survives_a_kill_after_each_step::<Svix>("svix").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn apigee_survives_a_kill_after_each_step() {
    survives_a_kill_after_each_step::<Apigee>("apigee").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn backblaze_survives_a_kill_after_each_step() {
    survives_a_kill_after_each_step::<Backblaze>("backblaze").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deepgram_survives_a_kill_after_each_step() {
    survives_a_kill_after_each_step::<Deepgram>("deepgram").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn propelauth_survives_a_kill_after_each_step() {
    survives_a_kill_after_each_step::<PropelAuth>("propelauth").await;
}
