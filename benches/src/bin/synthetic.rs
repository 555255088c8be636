//! Writes a synthetic Arazzo document and its OpenAPI description (see `arazzo_benches::synthetic`).
//!
//! `synthetic WORKFLOWS STEPS DIR` prints the document's path.

use std::path::PathBuf;
use std::process::ExitCode;

use arazzo_benches::synthetic::{self, Shape};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [workflows, steps, dir] => workflows.parse().ok().zip(steps.parse().ok()).map(|(w, s)| (w, s, dir)),
        _ => None,
    };
    let Some((workflows, steps, dir)) = parsed else {
        eprintln!("usage: synthetic WORKFLOWS STEPS DIR");
        return ExitCode::from(2);
    };
    match synthetic::write(&PathBuf::from(dir), Shape { workflows, steps, actions: false }) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {dir}: {error}");
            ExitCode::FAILURE
        }
    }
}
