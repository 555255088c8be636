//! Compile time of generated code (issue 17): for each step count, one synthetic workflow with
//! success and failure actions (a state machine) and the same workflow without them (straight-line
//! code), each generated into a scratch library crate that depends on `arazzo-runtime`, then
//! `cargo build` (dev profile, `CARGO_INCREMENTAL=0`) of that crate is timed.
//!
//! `compile_time [--runs N] [STEPS ...]` (default: 3 runs of 50, 100 and 250 steps) prints a
//! Markdown table: the median wall time of the runs, and the median CPU time (user and system) of
//! cargo and rustc, read from `/proc/self/stat` on Linux: on a machine shared with other builds the
//! wall time grows with the load, the CPU time much less. The scratch crates share one target folder under
//! `$CARGO_TARGET_DIR/bench-tmp/compile-time` (default `target/`); a baseline crate without generated
//! code is built first, untimed, so that the runtime and its dependencies are built once and every
//! timed build compiles only the crate holding the generated module (rebuilt after touching it).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use arazzo_benches::synthetic::{self, Shape};

/// The repository: the benches crate's parent.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

fn scratch() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    target.join("bench-tmp").join("compile-time")
}

#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0}")]
    Generate(String),
    #[error("cargo build of {0} failed")]
    Build(PathBuf),
}

/// A library crate depending on `arazzo-runtime`, holding `module` (generated source) if any.
fn scratch_crate(dir: &Path, module: Option<&str>) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| Error::Io(path, error)
    };
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(io(&src))?;
    let name = dir.file_name().map_or_else(|| "crate".into(), |name| name.to_string_lossy());
    let manifest = format!(
        "[package]\nname = \"bench-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\narazzo-runtime = {{ path = \"{}\" }}\n\n\
         # Not a member of the arazzo-rs workspace.\n[workspace]\n",
        root().join("arazzo-runtime").display()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io(dir))?;
    // The workspace's lock file: the same dependency versions, already downloaded and built.
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).map_err(io(dir))?;
    let lib = match module {
        Some(source) => {
            std::fs::write(src.join("generated.rs"), source).map_err(io(&src))?;
            "#![deny(warnings)]\ninclude!(\"generated.rs\");\n"
        }
        None => "pub fn client() -> arazzo_runtime::Client {\n    arazzo_runtime::Client::new()\n}\n",
    };
    std::fs::write(src.join("lib.rs"), lib).map_err(io(&src))
}

/// The CPU time (user and system, in seconds) of the children this process has waited for, with
/// theirs: field 16 and 17 of `/proc/self/stat`, in clock ticks. `None` where there is no such file.
fn children_cpu(ticks_per_second: f64) -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count from the last `)`.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().collect();
    let ticks = |field: usize| fields.get(field - 3)?.parse::<f64>().ok();
    Some((ticks(16)? + ticks(17)?) / ticks_per_second)
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on Linux unless the kernel was built otherwise).
fn ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// One build's wall time and, where known, CPU time, in seconds.
#[derive(Clone, Copy)]
struct Timing {
    wall: f64,
    cpu: Option<f64>,
}

/// `cargo build` of the crate in `dir`, after touching its `lib.rs` so that it is compiled again.
fn build(dir: &Path, ticks: f64) -> Result<Timing, Error> {
    let lib = dir.join("src/lib.rs");
    let content = std::fs::read(&lib).map_err(|error| Error::Io(lib.clone(), error))?;
    // Writing the file again moves its modification time: cargo compiles the crate again.
    std::fs::write(&lib, content).map_err(|error| Error::Io(lib.clone(), error))?;
    let cpu_before = children_cpu(ticks);
    let start = Instant::now();
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", scratch().join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .map_err(|error| Error::Io(dir.to_path_buf(), error))?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_before.zip(children_cpu(ticks)).map(|(before, after)| after - before);
    if status.success() { Ok(Timing { wall, cpu }) } else { Err(Error::Build(dir.to_path_buf())) }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The wall and CPU times of `runs` builds of a crate holding `shape`, and the generated module's lines.
fn measure(shape: Shape, runs: usize, ticks: f64) -> Result<(Vec<Timing>, usize), Error> {
    let docs = scratch().join("docs");
    let path = synthetic::write(&docs, shape).map_err(|error| Error::Io(docs.clone(), error))?;
    let generated = arazzo_codegen::generate_file(&path, &arazzo_codegen::Options::default(), &[])
        .map_err(|error| Error::Generate(error.to_string()))?;
    let dir = scratch().join(shape.stem());
    scratch_crate(&dir, Some(&generated.source))?;
    let timings = (0..runs).map(|_| build(&dir, ticks)).collect::<Result<_, _>>()?;
    Ok((timings, generated.source.lines().count()))
}

/// `median wall (s) | median CPU (s)` of a cell of the table.
fn cells(timings: &[Timing]) -> [String; 2] {
    let wall = median(timings.iter().map(|timing| timing.wall).collect());
    let cpu: Option<Vec<f64>> = timings.iter().map(|timing| timing.cpu).collect();
    [format!("{wall:.1}"), cpu.map_or_else(|| "–".to_owned(), |cpu| format!("{:.1}", median(cpu)))]
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn run(steps: &[usize], runs: usize) -> Result<(), Error> {
    let ticks = ticks_per_second();
    let base = scratch().join("base");
    scratch_crate(&base, None)?;
    // Untimed: builds arazzo-runtime and its dependencies into the shared target folder.
    build(&base, ticks)?;
    let [wall, cpu] = cells(&[build(&base, ticks)?]);
    println!(
        "Load average at the start: {}. Baseline crate without generated code: {wall} s wall, {cpu} s CPU.\n",
        load()
    );
    println!("Median of {runs} runs, in seconds.\n");
    println!("| steps | with actions: lines | wall | CPU | straight-line: lines | wall | CPU |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for &count in steps {
        let mut row = vec![count.to_string()];
        for actions in [true, false] {
            let (timings, lines) = measure(Shape { workflows: 1, steps: count, actions }, runs, ticks)?;
            row.push(lines.to_string());
            row.extend(cells(&timings));
        }
        println!("| {} |", row.join(" | "));
    }
    println!("\nLoad average at the end: {}.", load());
    Ok(())
}

fn main() -> ExitCode {
    let mut runs = 3;
    let mut steps = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let parsed = if arg == "--runs" {
            args.next().and_then(|value| value.parse().ok()).map(|value| runs = value)
        } else {
            arg.parse().ok().map(|value| steps.push(value))
        };
        if parsed.is_none() || runs == 0 || steps.contains(&0) {
            eprintln!("usage: compile_time [--runs N] [STEPS ...]");
            return ExitCode::from(2);
        }
    }
    if steps.is_empty() {
        steps = vec![50, 100, 250];
    }
    match run(&steps, runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
