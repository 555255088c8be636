//! The load run shared by `examples/load.rs` (10,000 rotations, prints figures) and `tests/load.rs` (CI size).
//!
//! Many rotations run at once with bounded concurrency over one shared `arazzo_runtime::Client`, each of a
//! different resource of a stateful fake holding one resource per rotation. Afterwards every rotation is
//! accounted for: each index returned exactly once and succeeded, its outputs equal what the fake now stores,
//! all new secrets are distinct, and the fake received exactly `steps × rotations` requests, `steps` of them
//! for each rotation's resource (a lost rotation shows as too few, a duplicated one as too many).

// Included with `#[path]` by an example and by a test; each uses a different part.
#![allow(dead_code)]

mod scenarios;

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arazzo_runtime::Client;
use arazzo_tests::{RecordedRequest, Recorder};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// At most this many messages of each kind are kept in a [`Report`]; the counts are always exact.
const MAX_MESSAGES: usize = 8;

/// Which seed workflow and fake to load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    Svix,
    PropelAuth,
    Deepgram,
    Apigee,
    Backblaze,
}

impl Seed {
    pub const ALL: [Seed; 5] = [Seed::Svix, Seed::PropelAuth, Seed::Deepgram, Seed::Apigee, Seed::Backblaze];

    pub fn name(self) -> &'static str {
        match self {
            Seed::Svix => "svix",
            Seed::PropelAuth => "propelauth",
            Seed::Deepgram => "deepgram",
            Seed::Apigee => "apigee",
            Seed::Backblaze => "backblaze",
        }
    }

    pub fn parse(name: &str) -> Option<Seed> {
        Seed::ALL.into_iter().find(|seed| seed.name() == name)
    }
}

/// What to run.
#[derive(Clone, Copy, Debug)]
pub struct LoadConfig {
    pub seed: Seed,
    pub rotations: usize,
    /// Most rotations in flight at once (0 is taken as 1).
    pub concurrency: usize,
}

/// Peak and current resident memory of this process, from `/proc/self/status`, in KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    pub peak_kib: Option<u64>,
    pub current_kib: Option<u64>,
}

impl Memory {
    pub fn now() -> Memory {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status.lines().find_map(|line| {
                line.strip_prefix(name)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok()
            })
        };
        Memory { peak_kib: field("VmHWM"), current_kib: field("VmRSS") }
    }
}

/// CPU time this process has used (all threads), from `/proc/self/stat`: on a shared machine the wall
/// time depends on the other jobs, the CPU time per rotation much less.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name start at field 3; utime and stime are fields 14 and 15,
    // in clock ticks of USER_HZ, which Linux fixes at 100 for user space.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |field: usize| fields.get(field - 3)?.parse::<u64>().ok();
    Some(Duration::from_millis((ticks(14)? + ticks(15)?) * 10))
}

/// TCP connections between the client and the fake, from `/proc/net/tcp` at the end of the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Connections {
    /// Client sockets still connected to the fake (idle in the pool).
    pub open: usize,
    /// Connections closed during the run (sockets in TIME_WAIT on either side).
    pub closed: usize,
}

impl Connections {
    fn now(ports: &[u16]) -> Option<Connections> {
        let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
        let port = |address: &str| address.rsplit(':').next().and_then(|hex| u16::from_str_radix(hex, 16).ok());
        let mut connections = Connections::default();
        for line in table.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(remote), Some(&state)) =
                (fields.get(1).and_then(|a| port(a)), fields.get(2).and_then(|a| port(a)), fields.get(3))
            else {
                continue;
            };
            // State codes of include/net/tcp_states.h: 01 established, 06 time-wait.
            match (ports.contains(&local), ports.contains(&remote), state) {
                (_, true, "01") => connections.open += 1,
                (true, _, "06") | (_, true, "06") => connections.closed += 1,
                _ => {}
            }
        }
        Some(connections)
    }
}

/// Everything measured and checked in one run.
#[derive(Debug)]
pub struct Report {
    pub config: LoadConfig,
    /// Requests one rotation makes.
    pub steps: usize,
    pub succeeded: usize,
    /// Rotations whose workflow returned an error; `failures` holds the first messages.
    pub failed: usize,
    pub failures: Vec<String>,
    /// How many checks failed; `problems` holds the first messages.
    pub problem_count: usize,
    pub problems: Vec<String>,
    pub distinct_secrets: usize,
    pub requests: usize,
    /// From the first rotation started to the last one finished.
    pub elapsed: Duration,
    /// CPU time the process (client and fake) used in that interval.
    pub cpu: Option<Duration>,
    /// One per finished rotation, sorted.
    pub latencies: Vec<Duration>,
    /// Right after the last rotation, before the checks (which copy the fake's request log).
    pub memory_after_run: Memory,
    /// At the end, checks included.
    pub memory_at_end: Memory,
    /// Bytes of paths, queries, headers and bodies the fake's recorder holds (part of the peak above).
    pub recorded_bytes: usize,
    pub connections: Option<Connections>,
    /// How long checking took (not part of `elapsed`).
    pub check_time: Duration,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.problem_count == 0
    }

    /// Nearest-rank percentile of the rotation latencies (`p` in 0..=100).
    pub fn latency_percentile(&self, p: f64) -> Option<Duration> {
        let n = self.latencies.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        self.latencies.get(rank.clamp(1, n.max(1)) - 1).copied()
    }

    pub fn rotations_per_second(&self) -> f64 {
        self.succeeded as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".to_owned(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0))
}

fn ms(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "n/a".to_owned(), |d| format!("{:.2} ms", d.as_secs_f64() * 1000.0))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let LoadConfig { seed, rotations, concurrency } = self.config;
        writeln!(f, "== load: seed {} | {rotations} rotations | concurrency {concurrency}", seed.name())?;
        let verdict = if self.ok() { "OK" } else { "FAILED" };
        writeln!(
            f,
            "result       {verdict}: {} succeeded, {} failed, {} check problems; {} distinct new secrets",
            self.succeeded, self.failed, self.problem_count, self.distinct_secrets
        )?;
        writeln!(f, "requests     {} received by the fake ({} per rotation expected)", self.requests, self.steps)?;
        writeln!(
            f,
            "wall time    {:.3} s for the rotations (then {:.3} s of checks)",
            self.elapsed.as_secs_f64(),
            self.check_time.as_secs_f64()
        )?;
        writeln!(
            f,
            "throughput   {:.0} rotations/s, {:.0} requests/s",
            self.rotations_per_second(),
            self.requests_per_second()
        )?;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        match self.cpu {
            Some(cpu) => writeln!(
                f,
                "cpu          {:.2} s for client and fake together ({:.0} µs per rotation; {:.0}% of {cores} cores)",
                cpu.as_secs_f64(),
                cpu.as_secs_f64() * 1e6 / self.config.rotations.max(1) as f64,
                cpu.as_secs_f64() * 100.0 / cores as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
            )?,
            None => writeln!(f, "cpu          n/a (no /proc/self/stat)")?,
        }
        writeln!(
            f,
            "latency      p50 {}, p90 {}, p99 {}, max {} (per rotation)",
            ms(self.latency_percentile(50.0)),
            ms(self.latency_percentile(90.0)),
            ms(self.latency_percentile(99.0)),
            ms(self.latencies.last().copied())
        )?;
        writeln!(
            f,
            "memory       peak RSS (VmHWM) {} after the run, {} at the end with checks; RSS now {}",
            mib(self.memory_after_run.peak_kib),
            mib(self.memory_at_end.peak_kib),
            mib(self.memory_at_end.current_kib)
        )?;
        writeln!(
            f,
            "fake log     {} of paths, headers and bodies recorded by the fake (part of the peak)",
            mib(Some(self.recorded_bytes as u64 / 1024))
        )?;
        match self.connections {
            Some(c) => {
                writeln!(f, "connections  {} open to the fake at the end, {} closed during the run", c.open, c.closed)?
            }
            None => writeln!(f, "connections  n/a (no /proc/net/tcp)")?,
        }
        for failure in &self.failures {
            writeln!(f, "failure      {failure}")?;
        }
        for problem in &self.problems {
            writeln!(f, "problem      {problem}")?;
        }
        Ok(())
    }
}

/// One seed's fake and workflow, with one resource per rotation.
trait Scenario: Sized {
    type Output: Send + 'static;
    /// Taken once after the run, so checking 10,000 outputs does not copy the fake's state 10,000 times.
    type Snapshot;
    /// Requests one rotation makes.
    const STEPS: usize;
    /// Of those, how many name no resource (Backblaze's `authorizeAccount`): they are counted in total only.
    const SHARED_STEPS: usize;

    /// Starts the fake holding one resource per rotation.
    async fn start(rotations: usize) -> std::io::Result<Self>;
    fn recorder(&self) -> &Recorder;
    fn requests(&self) -> Vec<RecordedRequest>;
    /// The fake's listening ports.
    fn ports(&self) -> Vec<u16>;
    /// Runs the workflow for rotation `index`.
    fn rotate(
        &self,
        client: Client,
        index: usize,
    ) -> impl Future<Output = Result<Self::Output, String>> + Send + 'static;
    fn snapshot(&self) -> Self::Snapshot;
    /// Compares rotation `index`'s outputs with the fake's state; returns its new secret.
    fn check(&self, snapshot: &Self::Snapshot, index: usize, output: &Self::Output) -> Result<String, String>;
    /// Checks on the fake's whole state, given how many rotations succeeded.
    fn check_totals(&self, _succeeded: usize) -> Result<(), String> {
        Ok(())
    }
}

/// Runs a load as configured.
pub async fn run(config: LoadConfig) -> std::io::Result<Report> {
    run_prepared(config, |_| {}).await
}

/// Runs a load after `prepare` has seen the fake's recorder (to inject failures).
pub async fn run_prepared(config: LoadConfig, prepare: impl FnOnce(&Recorder)) -> std::io::Result<Report> {
    match config.seed {
        Seed::Svix => run_scenario::<scenarios::Svix>(config, prepare).await,
        Seed::PropelAuth => run_scenario::<scenarios::PropelAuth>(config, prepare).await,
        Seed::Deepgram => run_scenario::<scenarios::Deepgram>(config, prepare).await,
        Seed::Apigee => run_scenario::<scenarios::Apigee>(config, prepare).await,
        Seed::Backblaze => run_scenario::<scenarios::Backblaze>(config, prepare).await,
    }
}

/// Messages, counted exactly, the first few kept.
#[derive(Debug, Default)]
struct Messages {
    count: usize,
    kept: Vec<String>,
}

impl Messages {
    fn push(&mut self, message: String) {
        self.count += 1;
        if self.kept.len() < MAX_MESSAGES {
            self.kept.push(message);
        }
    }
}

async fn run_scenario<S: Scenario>(config: LoadConfig, prepare: impl FnOnce(&Recorder)) -> std::io::Result<Report> {
    let scenario = S::start(config.rotations).await?;
    prepare(scenario.recorder());
    // One client for every rotation: its pool keeps connections alive, so the run needs about
    // `concurrency` connections rather than one (and one ephemeral port) per request.
    let client = Client::new();
    let cpu_before = cpu_time();
    let started = Instant::now();
    let finished = drive(config.rotations, config.concurrency, |index| scenario.rotate(client.clone(), index)).await;
    let elapsed = started.elapsed();
    let cpu = cpu_time().zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
    let memory_after_run = Memory::now();
    let checks_started = Instant::now();

    let mut problems = Messages::default();
    let mut failures = Messages::default();
    let outcomes = sort_outcomes(config.rotations, finished, &mut problems);
    let snapshot = scenario.snapshot();
    let mut secrets = HashSet::with_capacity(config.rotations);
    let mut latencies = Vec::with_capacity(config.rotations);
    let mut succeeded = 0;
    for (index, outcome) in outcomes.iter().enumerate() {
        let Some((latency, result)) = outcome else { continue };
        latencies.push(*latency);
        match result {
            Err(message) => failures.push(format!("rotation {index}: {message}")),
            Ok(output) => match scenario.check(&snapshot, index, output) {
                Err(message) => problems.push(format!("rotation {index}: {message}")),
                Ok(secret) => {
                    succeeded += 1;
                    if !secrets.insert(secret) {
                        problems
                            .push(format!("rotation {index}: its new secret was also returned to another rotation"));
                    }
                }
            },
        }
    }
    latencies.sort_unstable();
    if let Err(message) = scenario.check_totals(succeeded) {
        problems.push(message);
    }

    let requests = scenario.requests();
    tally_requests(&requests, config.rotations, S::STEPS, S::SHARED_STEPS, &mut problems);
    let recorded_bytes = requests
        .iter()
        .map(|r| r.path.len() + r.query.as_ref().map_or(0, String::len) + r.body.len() + headers_len(r))
        .sum();
    let requests = requests.len();
    Ok(Report {
        config,
        steps: S::STEPS,
        succeeded,
        failed: failures.count,
        failures: failures.kept,
        problem_count: problems.count,
        problems: problems.kept,
        distinct_secrets: secrets.len(),
        requests,
        elapsed,
        cpu,
        latencies,
        memory_after_run,
        memory_at_end: Memory::now(),
        recorded_bytes,
        connections: Connections::now(&scenario.ports()),
        check_time: checks_started.elapsed(),
    })
}

fn headers_len(request: &RecordedRequest) -> usize {
    request.headers.iter().map(|(name, value)| name.len() + value.len()).sum()
}

/// One finished rotation: its index, how long it took, what it returned.
type Finished<T> = (usize, Duration, Result<T, String>);

/// Runs `rotate(0..rotations)` with at most `concurrency` in flight; returns them in order of completion.
async fn drive<T, F, Fut>(rotations: usize, concurrency: usize, mut rotate: F) -> Vec<Finished<T>>
where
    T: Send + 'static,
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Result<T, String>> + Send + 'static,
{
    let semaphore = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    let mut finished = Vec::with_capacity(rotations);
    let mut collect = |joined: Result<Finished<T>, tokio::task::JoinError>| match joined {
        Ok(done) => finished.push(done),
        // A panicking rotation loses its index; `sort_outcomes` reports it as missing.
        Err(error) => eprintln!("a rotation task ended abnormally: {error}"),
    };
    for index in 0..rotations {
        // The semaphore is never closed, so acquiring only waits.
        let Ok(permit) = semaphore.clone().acquire_owned().await else { break };
        let rotation = rotate(index);
        tasks.spawn(async move {
            let started = Instant::now();
            let result = rotation.await;
            let latency = started.elapsed();
            drop(permit);
            (index, latency, result)
        });
        while let Some(joined) = tasks.try_join_next() {
            collect(joined);
        }
    }
    while let Some(joined) = tasks.join_next().await {
        collect(joined);
    }
    finished
}

/// Puts finished rotations in index order; an index never finished (lost) or finished twice (duplicated)
/// is a problem.
fn sort_outcomes<T>(
    rotations: usize,
    finished: Vec<Finished<T>>,
    problems: &mut Messages,
) -> Vec<Option<(Duration, Result<T, String>)>> {
    let mut outcomes: Vec<Option<(Duration, Result<T, String>)>> = (0..rotations).map(|_| None).collect();
    for (index, latency, result) in finished {
        match outcomes.get_mut(index) {
            None => problems.push(format!("rotation {index} finished but was never started")),
            Some(Some(_)) => problems.push(format!("rotation {index} finished more than once")),
            Some(slot) => *slot = Some((latency, result)),
        }
    }
    for (index, outcome) in outcomes.iter().enumerate() {
        if outcome.is_none() {
            problems.push(format!("rotation {index} never finished"));
        }
    }
    outcomes
}

/// The rotation a request belongs to: every resource of a load fake is named `…-load-<index>`, and all
/// such names in its path, query and body must agree. `Err` when they do not.
fn owner(request: &RecordedRequest) -> Result<Option<usize>, String> {
    const MARK: &str = "-load-";
    let body = String::from_utf8_lossy(&request.body);
    let texts = [request.path.as_str(), request.query.as_deref().unwrap_or_default(), &body];
    let mut found = None;
    for text in texts {
        for (at, _) in text.match_indices(MARK) {
            let digits: String = text[at + MARK.len()..].chars().take_while(char::is_ascii_digit).collect();
            let Ok(index) = digits.parse::<usize>() else { continue };
            match found {
                Some(other) if other != index => {
                    return Err(format!("{} {} names rotations {other} and {index}", request.method, request.path));
                }
                _ => found = Some(index),
            }
        }
    }
    Ok(found)
}

/// Checks that each rotation's resource received exactly `steps - shared_steps` requests, that the
/// requests naming no resource number `shared_steps × rotations`, and the total.
fn tally_requests(
    requests: &[RecordedRequest],
    rotations: usize,
    steps: usize,
    shared_steps: usize,
    problems: &mut Messages,
) {
    let expected_total = steps * rotations;
    if requests.len() != expected_total {
        problems.push(format!(
            "the fake received {} requests, expected {expected_total} ({steps} × {rotations})",
            requests.len()
        ));
    }
    let mut per_rotation = vec![0_usize; rotations];
    let mut unnamed = 0;
    for request in requests {
        match owner(request) {
            Ok(Some(index)) if index < rotations => per_rotation[index] += 1,
            Ok(Some(index)) => {
                problems.push(format!("{} {} names rotation {index}, which never ran", request.method, request.path))
            }
            Ok(None) => unnamed += 1,
            Err(message) => problems.push(message),
        }
    }
    let own_steps = steps - shared_steps;
    for (index, &count) in per_rotation.iter().enumerate() {
        if count != own_steps {
            let what = if count < own_steps { "lost" } else { "duplicated" };
            problems.push(format!(
                "rotation {index}: its resource received {count} requests, expected {own_steps} ({what})"
            ));
        }
    }
    if unnamed != shared_steps * rotations {
        problems.push(format!(
            "{unnamed} requests name no resource, expected {} ({shared_steps} per rotation)",
            shared_steps * rotations
        ));
    }
}

#[cfg(test)]
mod tests;
