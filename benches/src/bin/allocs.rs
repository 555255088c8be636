//! Allocations per execution of each seed workflow, generated client against hand-written, counted
//! by a wrapper around the system allocator.
//!
//! `allocs [RUNS]` prints a Markdown table (default 1,000 runs per seed and client).
//! `allocs loop SEED VARIANT RUNS` only runs the workflow, for a profiler (`SEED` `raw`: one bare GET).
//!
//! Only the client's allocations count: the fakes run on a runtime of their own, on another
//! thread, and the counter only counts on the thread that runs the clients (a current-thread
//! runtime, so reqwest's connection tasks run there too).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use arazzo_benches::scenario::apigee::Apigee;
use arazzo_benches::scenario::backblaze::Backblaze;
use arazzo_benches::scenario::deepgram::Deepgram;
use arazzo_benches::scenario::propelauth::PropelAuth;
use arazzo_benches::scenario::svix::Svix;
use arazzo_benches::scenario::{BenchError, Scenario, Variant};
use tokio::runtime::Runtime;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    // `const` and without a destructor: reading it never allocates, so the allocator may use it.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

struct Counting;

fn count(size: usize) {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(size as u64, Ordering::Relaxed);
    }
}

// The one unsafe item of the crate: a global allocator must implement this unsafe trait. Every
// method forwards to `System` with the caller's arguments, so it upholds `System`'s contract.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above; `ptr` came from `System` through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes requested over a number of runs.
#[derive(Clone, Copy, Debug, Default)]
struct Counted {
    allocations: u64,
    bytes: u64,
}

/// Counts what `future` allocates on this thread.
fn counted<T>(client: &Runtime, future: impl Future<Output = T>) -> (T, Counted) {
    ALLOCATIONS.store(0, Ordering::Relaxed);
    BYTES.store(0, Ordering::Relaxed);
    COUNTING.set(true);
    let out = client.block_on(future);
    COUNTING.set(false);
    (out, Counted { allocations: ALLOCATIONS.load(Ordering::Relaxed), bytes: BYTES.load(Ordering::Relaxed) })
}

struct Runtimes {
    /// Runs the fakes, on its own worker thread.
    server: Runtime,
    /// Runs the clients, on this thread.
    client: Runtime,
}

/// Starts `S`'s fake, runs one untimed rotation (connection opened), then counts `runs` rotations.
fn measure<S: Scenario>(rt: &Runtimes, variant: Variant, runs: u64) -> Result<Counted, BenchError> {
    let mut scenario = rt.server.block_on(S::start())?;
    rt.client.block_on(scenario.execute(variant))?;
    let (result, counted) = counted(&rt.client, async {
        for _ in 0..runs {
            scenario.execute(variant).await?;
        }
        Ok::<(), BenchError>(())
    });
    result?;
    Ok(counted)
}

fn per_run(total: u64, runs: u64) -> f64 {
    total as f64 / runs.max(1) as f64
}

fn row<S: Scenario>(rt: &Runtimes, runs: u64) -> Result<String, BenchError> {
    let generated = measure::<S>(rt, Variant::Generated, runs)?;
    let handwritten = measure::<S>(rt, Variant::Handwritten, runs)?;
    let (g, h) = (per_run(generated.allocations, runs), per_run(handwritten.allocations, runs));
    let (gb, hb) = (per_run(generated.bytes, runs), per_run(handwritten.bytes, runs));
    Ok(format!(
        "| {} | {} | {g:.0} | {h:.0} | {:.2} | {:.0} | {:.0} | {:.0} |",
        S::NAME,
        S::STEPS,
        g / h,
        (g - h) / f64::from(S::STEPS),
        gb,
        hb,
    ))
}

fn raw_row(rt: &Runtimes, runs: u64) -> Result<String, BenchError> {
    let scenario = rt.server.block_on(Svix::start())?;
    rt.client.block_on(scenario.raw_round_trip())?;
    let (result, counted) = counted(&rt.client, async {
        for _ in 0..runs {
            scenario.raw_round_trip().await?;
        }
        Ok::<(), BenchError>(())
    });
    result?;
    Ok(format!(
        "| raw round trip (one bare reqwest GET, svix fake) | 1 | – | {:.0} | – | – | – | {:.0} |",
        per_run(counted.allocations, runs),
        per_run(counted.bytes, runs)
    ))
}

fn table(rt: &Runtimes, runs: u64) -> Result<(), BenchError> {
    println!("Allocations per execution (client side only, {runs} executions each):\n");
    println!(
        "| seed | steps | generated allocs | hand-written allocs | ratio | extra allocs per step | generated bytes | hand-written bytes |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    println!("{}", row::<Svix>(rt, runs)?);
    println!("{}", row::<PropelAuth>(rt, runs)?);
    println!("{}", row::<Deepgram>(rt, runs)?);
    println!("{}", row::<Apigee>(rt, runs)?);
    println!("{}", row::<Backblaze>(rt, runs)?);
    println!("{}", raw_row(rt, runs)?);
    Ok(())
}

/// Runs one seed `runs` times without counting, for `perf record`.
fn run_loop(rt: &Runtimes, seed: &str, variant: Variant, runs: u64) -> Result<(), BenchError> {
    fn go<S: Scenario>(rt: &Runtimes, variant: Variant, runs: u64) -> Result<(), BenchError> {
        let mut scenario = rt.server.block_on(S::start())?;
        let result = rt.client.block_on(async {
            for _ in 0..runs {
                scenario.execute(variant).await?;
            }
            Ok(())
        });
        // The fake keeps every request it was sent; dropping that record here would charge the
        // client's thread with a cost that grows with `runs` (a few hundred instructions per
        // run, or none, depending on which thread lets go of it last). The process ends next.
        std::mem::forget(scenario);
        result
    }
    match seed {
        "raw" => {
            let scenario = rt.server.block_on(Svix::start())?;
            let result = rt.client.block_on(async {
                for _ in 0..runs {
                    scenario.raw_round_trip().await?;
                }
                Ok(())
            });
            // As in `go`: the fake's record of requests is not dropped on the measured thread.
            std::mem::forget(scenario);
            result
        }
        "svix" => go::<Svix>(rt, variant, runs),
        "propelauth" => go::<PropelAuth>(rt, variant, runs),
        "deepgram" => go::<Deepgram>(rt, variant, runs),
        "apigee" => go::<Apigee>(rt, variant, runs),
        _ => go::<Backblaze>(rt, variant, runs),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let server = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build();
    let client = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let rt = match (server, client) {
        (Ok(server), Ok(client)) => Runtimes { server, client },
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("error: no tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => table(&rt, 1000),
        [runs] if runs.parse::<u64>().is_ok() => table(&rt, runs.parse().unwrap_or(1000)),
        ["loop", seed, variant, runs] => {
            let variant = if *variant == "handwritten" { Variant::Handwritten } else { Variant::Generated };
            run_loop(&rt, seed, variant, runs.parse().unwrap_or(10_000))
        }
        _ => {
            eprintln!("usage: allocs [RUNS] | allocs loop SEED|raw generated|handwritten RUNS");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
