//! Load: many concurrent rotations against a stateful fake on 127.0.0.1, every one accounted for;
//! prints throughput, latency and peak memory. Exits 1 when any rotation failed or a check did not hold.
//!
//! ```sh
//! cargo run --release -p arazzo-tests --example load -- --rotations 10000 --concurrency 64 --seed svix
//! ```
//!
//! Seeds: svix, propelauth, deepgram, apigee, backblaze. One run per process, so the peak memory is
//! that run's alone.

#[path = "../load/mod.rs"]
mod load;

use std::process::ExitCode;

use load::{LoadConfig, Seed};

const USAGE: &str = "usage: load [--rotations N] [--concurrency N] [--seed svix|propelauth|deepgram|apigee|backblaze]";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<LoadConfig, String> {
    let mut config = LoadConfig { seed: Seed::Svix, rotations: 10_000, concurrency: 64 };
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = || value.parse::<usize>().ok().filter(|n| *n > 0).ok_or(format!("{flag}: not a positive number"));
        match flag.as_str() {
            "--rotations" => config.rotations = number()?,
            "--concurrency" => config.concurrency = number()?,
            "--seed" => config.seed = Seed::parse(&value).ok_or(format!("--seed: unknown seed {value:?}\n{USAGE}"))?,
            _ => return Err(format!("unknown argument {flag:?}\n{USAGE}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match load::run(config).await {
        Ok(report) => {
            println!("{report}");
            if report.ok() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(error) => {
            eprintln!("could not start the fake: {error}");
            ExitCode::FAILURE
        }
    }
}
