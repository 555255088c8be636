//! Compiles [Arazzo](https://spec.openapis.org/arazzo/latest.html) workflow documents into typed async
//! Rust clients.
//!
//! Each Arazzo document becomes one Rust module with one `pub async fn` per workflow, typed input and
//! output structs, and docs taken from the document. Every step is resolved to an operation of the
//! OpenAPI descriptions the document names and every runtime expression is checked while building, so
//! a dangling `$steps.x.outputs.y` or an unknown `operationId` is a build error with file, line and
//! column, not a runtime surprise. The generated code calls the small `arazzo-runtime` crate.
//!
//! From `build.rs`:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), arazzo_codegen::BuildError> {
//!     arazzo_codegen::Builder::new()
//!         .file("workflows/svix-rotate-integration-key-workflow.yml")
//!         .compile()
//! }
//! ```
//!
//! and in the crate: `arazzo_runtime::include_workflow!("svix_rotate_integration_key");`.
//!
//! The stages, each with a plain data type at its end: [`load`] (YAML/JSON with line and column),
//! [`overlay`], [`model`] (the Arazzo document), [`openapi`] (operation index), [`expr`] and
//! [`condition`] (parsers), [`check`] (references, types and names: a [`plan::ModulePlan`]), and
//! [`emit`] (Rust source).

pub mod builder;
pub mod check;
pub mod condition;
pub mod diagnostic;
pub mod diagram;
pub mod emit;
pub mod expr;
pub mod load;
pub mod model;
pub mod naming;
pub mod openapi;
pub mod overlay;
pub mod plan;
pub mod types;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use builder::{BuildError, Builder};
pub use check::Options;
pub use diagnostic::{Diagnostic, Severity};
pub use overlay::Overlay;

/// The generated source of one Arazzo document.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The module's name, also the output file's stem.
    pub module: String,
    /// Formatted Rust source, starting with the `@generated` header.
    pub source: String,
    pub warnings: Vec<Diagnostic>,
    /// Every file read on the way.
    pub files_read: Vec<PathBuf>,
}

/// Why a document did not generate.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{}", render(diagnostics))]
    Invalid { diagnostics: Vec<Diagnostic>, files_read: Vec<PathBuf> },
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
}

impl GenerateError {
    /// Every diagnostic, warnings included.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Invalid { diagnostics, .. } => diagnostics,
            Self::Emit(_) => &[],
        }
    }
}

/// One diagnostic per line.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// Checks one Arazzo document (after applying the overlays meant for it) and plans its module.
pub fn check_file(path: &Path, options: &Options, overlays: &[Overlay]) -> Result<check::Checked, GenerateError> {
    check_from(load::Files::Disk, path, options, overlays)
}

fn check_from(
    files: load::Files<'_>,
    path: &Path,
    options: &Options,
    overlays: &[Overlay],
) -> Result<check::Checked, GenerateError> {
    let mut loaded = files.load(path).map_err(|diagnostic| GenerateError::Invalid {
        diagnostics: vec![diagnostic],
        files_read: vec![path.to_path_buf()],
    })?;
    let mut overlay_problems = Vec::new();
    let mut overlay_files = Vec::new();
    for overlay in overlays.iter().filter(|overlay| overlay.applies_to(path)) {
        overlay_problems.extend(overlay.apply(&mut loaded));
        overlay_files.push(overlay.path().to_path_buf());
    }
    let result = check::check_with(&loaded, options, files);
    match result {
        Ok(mut checked) if overlay_problems.is_empty() => {
            checked.files_read.extend(overlay_files);
            Ok(checked)
        }
        Ok(checked) => {
            let mut files_read = checked.files_read;
            files_read.extend(overlay_files);
            overlay_problems.extend(checked.warnings);
            Err(GenerateError::Invalid { diagnostics: overlay_problems, files_read })
        }
        Err(failed) => {
            let mut files_read = failed.files_read;
            files_read.extend(overlay_files);
            overlay_problems.extend(failed.diagnostics);
            Err(GenerateError::Invalid { diagnostics: overlay_problems, files_read })
        }
    }
}

/// Checks and generates one Arazzo document.
pub fn generate_file(path: &Path, options: &Options, overlays: &[Overlay]) -> Result<Generated, GenerateError> {
    generate_from(load::Files::Disk, path, options, overlays)
}

/// Checks and generates the document at `path` of an in-memory set of files (path -> content), which
/// must also hold the descriptions its sources name, at the paths they resolve to (relative URLs
/// against `path`'s folder, or `options.sources`). The disk is never read.
pub fn generate_in_memory(
    files: &BTreeMap<PathBuf, String>,
    path: &Path,
    options: &Options,
) -> Result<Generated, GenerateError> {
    generate_from(load::Files::Memory(files), path, options, &[])
}

fn generate_from(
    files: load::Files<'_>,
    path: &Path,
    options: &Options,
    overlays: &[Overlay],
) -> Result<Generated, GenerateError> {
    let checked = check_from(files, path, options, overlays)?;
    let source = emit::emit(&checked.plan)?;
    Ok(Generated { module: checked.plan.module, source, warnings: checked.warnings, files_read: checked.files_read })
}
