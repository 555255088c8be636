//! Turns the raw results of `scripts/bench.sh` into Markdown tables.
//!
//! - `report exec CRITERION_DIR`: the execution benchmarks (criterion's `estimates.json`).
//! - `report gen CRITERION_DIR`: the in-process generation benchmarks.
//! - `report process DIR LABEL...`: whole-process runs, from `DIR/LABEL.json` (hyperfine) and
//!   `DIR/LABEL.rss` (peak resident set in KiB, from `/usr/bin/time -f %M`).
//! - `report build DIR K...`: build cost, from `DIR/build-{base,K}[-full].json` (hyperfine) and
//!   the generated modules `DIR/gen-K.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

/// A problem reading a result file.
#[derive(Debug, thiserror::Error)]
enum ReportError {
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: not JSON: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{path}: no `{field}`")]
    Missing { path: PathBuf, field: &'static str },
}

fn read(path: &Path) -> Result<String, ReportError> {
    std::fs::read_to_string(path).map_err(|source| ReportError::Read { path: path.to_path_buf(), source })
}

fn json(path: &Path) -> Result<Value, ReportError> {
    serde_json::from_str(&read(path)?).map_err(|source| ReportError::Json { path: path.to_path_buf(), source })
}

fn number(value: &Value, pointer: &str, path: &Path, field: &'static str) -> Result<f64, ReportError> {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .ok_or_else(|| ReportError::Missing { path: path.to_path_buf(), field })
}

/// A criterion estimate in microseconds: mean and its 95 % confidence interval.
#[derive(Clone, Copy, Debug)]
struct Estimate {
    mean: f64,
    lower: f64,
    upper: f64,
}

impl Estimate {
    fn load(criterion: &Path, group: &str, function: &str) -> Result<Self, ReportError> {
        let path = criterion.join(group).join(function).join("new/estimates.json");
        let value = json(&path)?;
        let us = |pointer: &str, field| number(&value, pointer, &path, field).map(|ns| ns / 1000.0);
        Ok(Estimate {
            mean: us("/mean/point_estimate", "mean")?,
            lower: us("/mean/confidence_interval/lower_bound", "lower bound")?,
            upper: us("/mean/confidence_interval/upper_bound", "upper bound")?,
        })
    }

    fn cell(self) -> String {
        format!("{:.1} ({:.1}–{:.1})", self.mean, self.lower, self.upper)
    }
}

/// The five seeds and their steps, in table order.
const SEEDS: [(&str, u32); 5] = [("svix", 3), ("propelauth", 3), ("deepgram", 3), ("apigee", 4), ("backblaze", 3)];

fn exec(criterion: &Path) -> Result<(), ReportError> {
    let raw = Estimate::load(criterion, "raw_round_trip", "svix_get")?;
    println!("Execution, µs per workflow run: mean (95 % confidence interval). Raw round trip: {}.\n", raw.cell());
    println!(
        "| seed | steps | hand-written | generated | generated / hand-written | (gen − hand) / steps | gen / steps − raw |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (seed, steps) in SEEDS {
        let generated = Estimate::load(criterion, seed, "generated")?;
        let handwritten = Estimate::load(criterion, seed, "handwritten")?;
        let steps_f = f64::from(steps);
        println!(
            "| {seed} | {steps} | {} | {} | {:.3} | {:.1} | {:.1} |",
            handwritten.cell(),
            generated.cell(),
            generated.mean / handwritten.mean,
            (generated.mean - handwritten.mean) / steps_f,
            generated.mean / steps_f - raw.mean,
        );
    }
    Ok(())
}

fn gen_in_process(criterion: &Path) -> Result<(), ReportError> {
    println!("In-process generation (`arazzo_codegen::generate_file`), ms: mean (95 % confidence interval).\n");
    println!("| input | time (ms) |");
    println!("|---|---:|");
    let mut functions: Vec<&str> = SEEDS.iter().map(|(seed, _)| *seed).collect();
    functions.extend(["svix_full_description", "synthetic_10x5", "synthetic_100x5"]);
    for function in functions {
        match Estimate::load(criterion, "generate", function) {
            Ok(e) => {
                println!("| {function} | {:.2} ({:.2}–{:.2}) |", e.mean / 1000.0, e.lower / 1000.0, e.upper / 1000.0)
            }
            Err(error) => eprintln!("skipped {function}: {error}"),
        }
    }
    Ok(())
}

/// Mean, standard deviation and minimum of a hyperfine run, in seconds.
fn hyperfine(path: &Path) -> Result<(f64, f64, f64), ReportError> {
    let value = json(path)?;
    Ok((
        number(&value, "/results/0/mean", path, "mean")?,
        number(&value, "/results/0/stddev", path, "stddev")?,
        number(&value, "/results/0/min", path, "min")?,
    ))
}

/// `N` of a label `synthetic-Nx5`.
fn synthetic_workflows(label: &str) -> Option<f64> {
    label.strip_prefix("synthetic-")?.split('x').next()?.parse().ok()
}

fn process(dir: &Path, labels: &[String]) -> Result<(), ReportError> {
    println!("Whole process (`arazzo-codegen generate`, release build), hyperfine; peak RSS from `/usr/bin/time`.\n");
    println!("| input | mean ± σ (ms) | min (ms) | peak RSS (MiB) | ms per workflow |");
    println!("|---|---:|---:|---:|---:|");
    for label in labels {
        let (mean, stddev, min) = hyperfine(&dir.join(format!("{label}.json")))?;
        let rss_path = dir.join(format!("{label}.rss"));
        let rss_kib: f64 = read(&rss_path)?.trim().parse().unwrap_or(f64::NAN);
        let per_workflow = synthetic_workflows(label).map_or("–".to_owned(), |n| format!("{:.3}", mean * 1000.0 / n));
        println!(
            "| {label} | {:.1} ± {:.1} | {:.1} | {:.1} | {per_workflow} |",
            mean * 1000.0,
            stddev * 1000.0,
            min * 1000.0,
            rss_kib / 1024.0
        );
    }
    Ok(())
}

fn build(dir: &Path, steps: &[String]) -> Result<(), ReportError> {
    let (base, base_sd, _) = hyperfine(&dir.join("build-base.json"))?;
    let (base_full, base_full_sd, _) = hyperfine(&dir.join("build-base-full.json"))?;
    println!(
        "`cargo build` (dev profile) of a library crate holding one generated module of k steps, after touching it. \
         Incremental: rustc reuses what did not change. Full (`CARGO_INCREMENTAL=0`): the crate is compiled again. \
         Baseline crate without generated code: {base:.2} ± {base_sd:.2} s incremental, {base_full:.2} ± {base_full_sd:.2} s full.\n"
    );
    println!(
        "| steps | generated lines | bytes | incremental (s) | full (s) | full, added by the generated code (s) | full, added per step (ms) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut first: Option<(f64, usize, usize)> = None;
    let mut marginal = String::new();
    for k in steps {
        let source = read(&dir.join(format!("gen-{k}.rs")))?;
        let (incremental, incremental_sd, _) = hyperfine(&dir.join(format!("build-{k}.json")))?;
        let (full, full_sd, _) = hyperfine(&dir.join(format!("build-{k}-full.json")))?;
        let k_f: f64 = k.parse().unwrap_or(f64::NAN);
        let lines = source.lines().count();
        println!(
            "| {k} | {lines} | {} | {incremental:.2} ± {incremental_sd:.2} | {full:.2} ± {full_sd:.2} | {:.2} | {:.0} |",
            source.len(),
            full - base_full,
            (full - base_full) * 1000.0 / k_f
        );
        match first {
            None => first = Some((k_f, lines, source.len())),
            Some((k0, lines0, bytes0)) => {
                marginal = format!(
                    "Each step beyond the first adds {:.1} lines and {:.0} bytes of generated code (from {k0} to {k} steps).",
                    (lines - lines0) as f64 / (k_f - k0),
                    (source.len() - bytes0) as f64 / (k_f - k0)
                );
            }
        }
    }
    println!("\n{marginal}");
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        Some((command, [dir])) if command == "exec" => exec(Path::new(dir)),
        Some((command, [dir])) if command == "gen" => gen_in_process(Path::new(dir)),
        Some((command, [dir, labels @ ..])) if command == "process" => process(Path::new(dir), labels),
        Some((command, [dir, steps @ ..])) if command == "build" => build(Path::new(dir), steps),
        _ => {
            eprintln!("usage: report exec|gen CRITERION_DIR | report process DIR LABEL... | report build DIR K...");
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
