//! `arazzo-codegen`: check Arazzo documents and generate Rust clients from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use arazzo_codegen::{Builder, Diagnostic, GenerateError, Options, Overlay};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "arazzo-codegen", version, about = "Compile Arazzo workflow documents into typed async Rust clients")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check documents: exit 0 when they compile, 1 with located diagnostics otherwise.
    Check(Inputs),
    /// Generate one `<module>.rs` per document into a directory.
    Generate {
        #[command(flatten)]
        inputs: Inputs,
        /// Directory for the generated modules.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Args)]
struct Inputs {
    /// Arazzo documents (YAML or JSON).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Use a local OpenAPI file for a source description: NAME=PATH.
    #[arg(long = "source", value_name = "NAME=PATH", value_parser = parse_source)]
    sources: Vec<(String, PathBuf)>,
    /// An OpenAPI Overlay 1.0 document applied to the document it extends.
    #[arg(long = "overlay", value_name = "PATH")]
    overlays: Vec<PathBuf>,
}

fn parse_source(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => Ok((name.to_string(), PathBuf::from(path))),
        _ => Err(format!("expected NAME=PATH, got `{text}`")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(inputs) => check(&inputs),
        Command::Generate { inputs, out } => generate(&inputs, out),
    }
}

fn print(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}

fn check(inputs: &Inputs) -> ExitCode {
    let mut overlays = Vec::new();
    let mut failed = false;
    for path in &inputs.overlays {
        match Overlay::load(path) {
            Ok(overlay) => overlays.push(overlay),
            Err(diagnostics) => {
                print(&diagnostics);
                failed = true;
            }
        }
    }
    let options = Options { sources: inputs.sources.iter().cloned().collect(), display_name: None };
    for file in &inputs.files {
        match arazzo_codegen::check_file(file, &options, &overlays) {
            Ok(checked) => {
                print(&checked.warnings);
                println!("ok: {} ({} workflows)", file.display(), checked.plan.workflows.len());
            }
            Err(GenerateError::Invalid { diagnostics, .. }) => {
                print(&diagnostics);
                failed = true;
            }
            Err(error) => {
                eprintln!("error: {}: {error}", file.display());
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn generate(inputs: &Inputs, out: PathBuf) -> ExitCode {
    let mut builder = Builder::new();
    builder.files(&inputs.files).out_dir(out).emit_rerun_if_changed(false);
    for overlay in &inputs.overlays {
        builder.overlay(overlay);
    }
    for (name, path) in &inputs.sources {
        builder.source(name.clone(), path);
    }
    match builder.compile_with_report() {
        Ok(report) => {
            print(&report.warnings);
            for (module, file) in &report.modules {
                println!("generated {module}.rs from {}", file.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
