//! `arazzo-codegen`: check Arazzo documents and generate Rust clients from the command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use arazzo_codegen::diagnostic::{Renderer, counted};
use arazzo_codegen::{BuildError, Builder, Diagnostic, GenerateError, Options, Overlay};
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};

// The `upgrade` subcommand (the library's `upgrade` module does the work).
mod upgrade_command;

#[derive(Parser)]
#[command(name = "arazzo-codegen", version, about = "Compile Arazzo workflow documents into typed async Rust clients")]
struct Cli {
    /// How to print diagnostics: rustc-like text on stderr, or one JSON object per line on stdout.
    ///
    /// Each JSON object has a `reason`: `diagnostic` (level, message, help, file, line, column,
    /// end_line, end_column, json_path, rendered, and `related` places), `checked` (file, workflows),
    /// `generated` (module, file), `diagram` (file, mermaid) or `failure` (file, message). Lines and
    /// columns count from 1, columns in characters; the end is exclusive.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Color the text diagnostics: `auto` colors when stderr is a terminal and NO_COLOR is unset.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Check documents: exit 0 when they compile, 1 with located diagnostics otherwise.
    Check(Inputs),
    /// Print a Mermaid flowchart of every workflow of the documents (after checking them), each
    /// starting with a `%% <workflowId>` line; `--workflow` prints one alone.
    Diagram {
        #[command(flatten)]
        inputs: Inputs,
        /// Only this workflow's chart (a complete Mermaid input on its own).
        #[arg(long, value_name = "WORKFLOW_ID")]
        workflow: Option<String>,
    },
    /// Generate one `<module>.rs` per document into a directory.
    Generate {
        #[command(flatten)]
        inputs: Inputs,
        /// Directory for the generated modules.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Where the generated modules are, from outside their crate (`my_crate::clients`): the
        /// `# Example` of each workflow function is then compiled as a doctest.
        #[arg(long, value_name = "PATH")]
        doctest_path: Option<String>,
    },
    /// Rewrite Arazzo 1.0.x documents as 1.1.0 with the same meaning, keeping comments and layout.
    ///
    /// Prints the upgraded document on stdout (one FILE), or rewrites each FILE with --write (keeping
    /// the original as FILE.orig), or writes it to --output, or only tells with --check. Each change
    /// and every place that needs a human are listed on stderr with file:line:column; the exit status
    /// is 1 only when a document does not load or does not declare Arazzo 1.0.x or 1.1.x (and with
    /// --check, when a document would change). A 1.1.x document is left as it is. What changes and
    /// why: docs/UPGRADING.md.
    Upgrade(UpgradeArgs),
}

#[derive(Args)]
struct UpgradeArgs {
    /// Arazzo 1.0.x documents (YAML or JSON).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Rewrite each FILE in place, keeping the original next to it as FILE.orig.
    #[arg(long, short = 'w', conflicts_with_all = ["output", "check"])]
    write: bool,
    /// With --write: keep no FILE.orig (for files under version control).
    #[arg(long, requires = "write")]
    no_backup: bool,
    /// Write the upgraded document to PATH instead of stdout (one FILE only).
    #[arg(long, short = 'o', value_name = "PATH", conflicts_with = "check")]
    output: Option<PathBuf>,
    /// Write nothing; exit 1 when a FILE is not 1.1 yet (for CI).
    #[arg(long)]
    check: bool,
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
    /// Treat every warning as an error: shown as `error:`, and the exit status is 1.
    #[arg(long)]
    deny_warnings: bool,
}

fn parse_source(text: &str) -> Result<(String, PathBuf), String> {
    match text.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => Ok((name.to_string(), PathBuf::from(path))),
        _ => Err(format!("expected NAME=PATH, got `{text}`")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let styled = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let mut output = Output { format: cli.message_format, renderer: Renderer::new().styled(styled), seen: Vec::new() };
    let code = match cli.command {
        Command::Check(inputs) => check(&inputs, &mut output, Report::Summary),
        Command::Diagram { inputs, workflow } => check(&inputs, &mut output, Report::Diagram(workflow.as_deref())),
        Command::Generate { inputs, out, doctest_path } => generate(&inputs, out, doctest_path, &mut output),
        Command::Upgrade(args) => upgrade_command::run(&args, &mut output),
    };
    output.finish();
    code
}

/// Where diagnostics and progress go, in the chosen format.
struct Output {
    format: MessageFormat,
    renderer: Renderer,
    /// Every diagnostic printed, for the closing summary.
    seen: Vec<Diagnostic>,
}

impl Output {
    fn diagnostics(&mut self, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            match self.format {
                MessageFormat::Human => eprintln!("{}\n", self.renderer.render(diagnostic)),
                MessageFormat::Json => {
                    // `reason` first, as in cargo's messages, so that a reader can dispatch on it.
                    let mut message = serde_json::Map::from_iter([("reason".to_string(), json!("diagnostic"))]);
                    if let Value::Object(fields) = self.renderer.json(diagnostic) {
                        message.extend(fields);
                    }
                    println!("{}", Value::Object(message));
                }
            }
        }
        self.seen.extend_from_slice(diagnostics);
    }

    /// A problem that is not located in a document (generation or writing failed).
    fn failure(&mut self, file: Option<&Path>, message: &str) {
        match self.format {
            MessageFormat::Human => match file {
                Some(file) => eprintln!("error: {}: {message}", file.display()),
                None => eprintln!("error: {message}"),
            },
            MessageFormat::Json => {
                let file = file.map(|file| file.to_string_lossy().into_owned());
                println!("{}", json!({"reason": "failure", "file": file, "message": message}));
            }
        }
    }

    /// `ok: FILE (N workflows)` or `generated MODULE.rs from FILE`.
    fn progress(&self, human: String, json: Value) {
        match self.format {
            MessageFormat::Human => println!("{human}"),
            MessageFormat::Json => println!("{json}"),
        }
    }

    fn finish(&self) {
        if self.format == MessageFormat::Human
            && let Some(summary) = self.renderer.summary(&self.seen)
        {
            eprintln!("{summary}");
        }
    }
}

/// What `check` prints for a document that compiles.
#[derive(Clone, Copy)]
enum Report<'a> {
    /// `ok: FILE (N workflows)`.
    Summary,
    /// The Mermaid flowcharts of its workflows, or of the one named.
    Diagram(Option<&'a str>),
}

fn check(inputs: &Inputs, output: &mut Output, report: Report) -> ExitCode {
    let mut overlays = Vec::new();
    let mut failed = false;
    for path in &inputs.overlays {
        match Overlay::load(path) {
            Ok(overlay) => overlays.push(overlay),
            Err(diagnostics) => {
                output.diagnostics(&diagnostics);
                failed = true;
            }
        }
    }
    let options = Options {
        sources: inputs.sources.iter().cloned().collect(),
        display_name: None,
        deny_warnings: inputs.deny_warnings,
        ..Options::default()
    };
    // For `diagram --workflow`: the workflows seen, to name them when none is the one asked for.
    let mut workflow_ids = Vec::new();
    let mut drawn = false;
    for file in &inputs.files {
        match arazzo_codegen::check_file(file, &options, &overlays) {
            Ok(checked) => {
                output.diagnostics(&checked.warnings);
                let workflows = checked.plan.workflows.len();
                match report {
                    Report::Summary => output.progress(
                        format!("ok: {} ({})", file.display(), counted(workflows, "workflow")),
                        json!({"reason": "checked", "file": file.to_string_lossy(), "workflows": workflows}),
                    ),
                    Report::Diagram(only) => {
                        let mermaid = match only {
                            None => arazzo_codegen::diagram::module(&checked.plan),
                            Some(id) => {
                                workflow_ids.extend(checked.plan.workflows.iter().map(|w| w.workflow_id.clone()));
                                match checked.plan.workflows.iter().find(|w| w.workflow_id == id) {
                                    Some(found) => arazzo_codegen::diagram::workflow(found),
                                    None => continue,
                                }
                            }
                        };
                        drawn = true;
                        output.progress(
                            mermaid.trim_end().to_string(),
                            json!({"reason": "diagram", "file": file.to_string_lossy(), "mermaid": mermaid}),
                        );
                    }
                }
            }
            Err(GenerateError::Invalid { diagnostics, .. }) => {
                output.diagnostics(&diagnostics);
                failed = true;
            }
            Err(error) => {
                output.failure(Some(file), &error.to_string());
                failed = true;
            }
        }
    }
    if let Report::Diagram(Some(id)) = report
        && !drawn
        && !failed
    {
        // Quoted and escaped (`{:?}`): ids come from documents, and a terminal must not run them.
        let known = workflow_ids.iter().map(|id| format!("{id:?}")).collect::<Vec<_>>().join(", ");
        output.failure(None, &format!("no document has a workflow {id:?}; its workflows are: {known}"));
        failed = true;
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn generate(inputs: &Inputs, out: PathBuf, doctest_path: Option<String>, output: &mut Output) -> ExitCode {
    let mut builder = Builder::new();
    if let Some(path) = doctest_path {
        builder.doctest_path(path);
    }
    builder
        .files(&inputs.files)
        .out_dir(out)
        .emit_rerun_if_changed(false)
        .module_index(false)
        .deny_warnings(inputs.deny_warnings);
    for overlay in &inputs.overlays {
        builder.overlay(overlay);
    }
    for (name, path) in &inputs.sources {
        builder.source(name.clone(), path);
    }
    match builder.compile_with_report() {
        Ok(report) => {
            output.diagnostics(&report.warnings);
            for (module, file) in &report.modules {
                output.progress(
                    format!("generated {module}.rs from {}", file.display()),
                    json!({"reason": "generated", "module": module, "file": file.to_string_lossy()}),
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Invalid(diagnostics)) => {
            output.diagnostics(&diagnostics);
            ExitCode::FAILURE
        }
        Err(error) => {
            output.failure(None, &error.to_string());
            ExitCode::FAILURE
        }
    }
}
